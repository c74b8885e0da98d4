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
kotlin_version=2.4.20
kotlin_sha256=c23dab400d7ce5ea8b6c909947c0ca5454189e4bb1108695b5f464500e5e950f
cache="$HOME/.cache/env0/kotlin"
kc="$cache/package/bin/kotlinc"
if [ ! -x "$kc" ]; then
    mkdir -p "$cache"
    (cd "$cache" && npm pack --silent "kotlin-compiler@$kotlin_version" >/dev/null)
    echo "$kotlin_sha256  $cache/kotlin-compiler-$kotlin_version.tgz" | sha256sum -c --quiet
    tar xzf "$cache/kotlin-compiler-$kotlin_version.tgz" -C "$cache"
fi
jna=$(dpkg -L libjna-java 2>/dev/null | grep '/jna.jar$' || true)
if [ -z "$jna" ]; then
    apt-get update -qq && apt-get install -y -qq libjna-java >/dev/null
    jna=$(dpkg -L libjna-java | grep '/jna.jar$')
fi
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
        -cp "$out/bindings-test.jar:$jna:$cache/package/lib/kotlin-stdlib.jar" "$@" "$PWD/tasks-lite"
}
run BindingsTestKt
echo "-- the README's Kotlin example (ffi/examples/kotlin/Example.kt)"
run example.ExampleKt
