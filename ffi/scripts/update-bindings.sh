#!/usr/bin/env bash
# Writes the generated Swift and Kotlin bindings that the apps compile into the tree:
#   ios/Env0Kit/Sources/Env0Kit/Generated/env0_ffi.swift
#   android/env0/src/main/kotlin/uniffi/env0_ffi/env0_ffi.kt
# They are committed so that Env0Kit and the Android library build from a checkout (Xcode and
# Gradle need no Rust step for them) and so that a change to the FFI shows in review.
# With --check, writes nothing and fails if the committed files differ from what the current
# library generates (scripts/test.sh runs that). Needs the debug host library and the bindgen:
#   cargo build -p env0-ffi -p uniffi-bindgen
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
target="${CARGO_TARGET_DIR:-target}"
check=0
[ "${1:-}" = "--check" ] && check=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for lang in swift kotlin; do
    "$target/debug/uniffi-bindgen" generate --no-format --library "$target/debug/libenv0_ffi.so" \
        --language "$lang" --out-dir "$out/$lang" >/dev/null
done
pairs=(
    "$out/swift/env0_ffi.swift ios/Env0Kit/Sources/Env0Kit/Generated/env0_ffi.swift"
    "$out/kotlin/uniffi/env0_ffi/env0_ffi.kt android/env0/src/main/kotlin/uniffi/env0_ffi/env0_ffi.kt"
)
stale=0
for pair in "${pairs[@]}"; do
    set -- $pair
    if [ "$check" = 1 ]; then
        if ! cmp -s "$1" "$2"; then
            echo "stale: $2 differs from what the current env0-ffi generates" >&2
            diff -u "$2" "$1" | head -40 >&2 || true
            stale=1
        fi
    else
        mkdir -p "$(dirname "$2")"
        cp "$1" "$2"
        echo "wrote $2"
    fi
done
if [ "$stale" = 1 ]; then
    echo "run: bash ffi/scripts/update-bindings.sh (after cargo build -p env0-ffi -p uniffi-bindgen)" >&2
    exit 1
fi
[ "$check" = 1 ] && echo "generated bindings in ios/ and android/ are up to date"
exit 0
