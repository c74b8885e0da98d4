#!/usr/bin/env bash
# Generates the Kotlin bindings from the host library, compiles them with the test
# (ffi/tests/kotlin) and the README's example (ffi/examples/kotlin) and runs both on the JVM
# through JNA. Needs: java (the machine's JDK), JNA
# (Debian libjna-java, installed here if missing) and kotlinc (npm kotlin-compiler, pinned and
# sha256-checked into ~/.cache/env0/kotlin). Called by scripts/test.sh after python-tests.sh,
# which builds the library and the bindgen.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
target="${CARGO_TARGET_DIR:-target}"
source ffi/scripts/kotlinc.sh
need_debian libjna-java
jna=$(dpkg -L libjna-java | grep '/jna.jar$')
out="$target/env0-ffi-bindings/kotlin"
rm -rf "$out" && mkdir -p "$out"
"$target/debug/uniffi-bindgen" generate --no-format --library "$target/debug/libenv0_ffi.so" \
    --language kotlin --out-dir "$out"
python3 ffi/scripts/readme_has.py ffi/README.md ffi/examples/kotlin/Example.kt
# One kotlinc run (it starts slowly) for the tests and the README's example.
"$kc" -nowarn "$out/uniffi/env0_ffi/env0_ffi.kt" ffi/tests/kotlin/BindingsTest.kt \
    ffi/examples/kotlin/Example.kt -cp "$jna" -d "$out/bindings-test.jar"
run() {
    java -Djna.library.path="$(cd "$target/debug" && pwd)" \
        -cp "$out/bindings-test.jar:$jna:$kotlin_lib/kotlin-stdlib.jar" "$@" "$PWD/tasks-lite"
}
run BindingsTestKt
echo "-- the README's Kotlin example (ffi/examples/kotlin/Example.kt)"
run example.ExampleKt
