#!/usr/bin/env bash
# The Android library's Kotlin (generated bindings + the dev.env0.kit wrapper) compiled with
# kotlinc and its unit tests (android/env0/src/test) run with JUnit 4 on this machine's JVM,
# against the host build of env0-ffi through JNA, as `gradle :env0:test` runs them on a developer
# machine. No Android SDK is needed: the wrapper is plain Kotlin.
# Needs: the debug host library (cargo build -p env0-ffi), java, kotlinc 2.4.20 from npm (pinned,
# sha256-checked; its lib/ ships the kotlinx-coroutines-core jar the wrapper uses), Debian's
# libjna-java and junit4 (installed here when missing), the fixture cache (scripts/fetch-fixtures.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
target="${CARGO_TARGET_DIR:-target}"
source ffi/scripts/kotlinc.sh
need_debian libjna-java junit4
cp_libs="/usr/share/java/jna.jar:/usr/share/java/junit4.jar:/usr/share/java/hamcrest-core.jar"
cp_libs="$cp_libs:$kotlin_lib/kotlinx-coroutines-core-jvm.jar:$kotlin_lib/kotlin-stdlib.jar"
[ -f "$target/debug/libenv0_ffi.so" ] || { echo "build the host library first: cargo build -p env0-ffi" >&2; exit 1; }

out="$target/env0-android-jvm"
rm -rf "$out" && mkdir -p "$out"
main=$(find android/env0/src/main/kotlin -name '*.kt' | sort)
tests=$(find android/env0/src/test/kotlin -name '*.kt' | sort)
# One kotlinc run for the library and its tests (kotlinc starts slowly).
"$kc" -nowarn $main $tests -cp "$cp_libs" -d "$out/env0-jvm-tests.jar"
classes=$(for f in $tests; do
    grep -q '@Test' "$f" && echo "dev.env0.kit.$(basename "$f" .kt)"
done)
java -Djna.library.path="$(cd "$target/debug" && pwd)" -Denv0.tasks="$PWD/tasks-lite" \
    -cp "$out/env0-jvm-tests.jar:$cp_libs" org.junit.runner.JUnitCore $classes
