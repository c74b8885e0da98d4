#!/usr/bin/env bash
# The phone targets as far as this Linux machine can take them:
# - iOS (aarch64-apple-ios): the static library Xcode links (SQLite from the system, see the
#   workspace Cargo.toml), checked to hold every function of the generated C header. Linking an
#   app, the simulator slices and the XCFramework need macOS + Xcode (ffi/README.md).
# - Android (aarch64-linux-android): `cargo check`, with Debian's aarch64 gcc standing in for the
#   NDK's clang to compile the bundled SQLite. A loadable .so needs the NDK (cargo-ndk).
# Called by scripts/test.sh after swift-checks.sh (which generates the C header).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
target="${CARGO_TARGET_DIR:-target}"
rustup target add aarch64-apple-ios aarch64-linux-android >/dev/null

echo "-- iOS static library"
cargo rustc --locked -p env0-ffi --lib --target aarch64-apple-ios --crate-type staticlib
lib="$target/aarch64-apple-ios/debug/libenv0_ffi.a"
header="$target/env0-ffi-bindings/swift/env0_ffiFFI.h"
missing=0
count=0
for s in $(grep -oE '\b(uniffi|ffi)_[a-z0-9_]+\(' "$header" | tr -d '(' | sort -u); do
    count=$((count + 1))
    # Mach-O symbol names carry a leading underscore and end in NUL in the string table (so a
    # name is not found inside a longer one).
    if ! LC_ALL=C grep -qaP "_$s\x00" "$lib"; then
        echo "missing from the iOS library: $s"
        missing=$((missing + 1))
    fi
done
[ "$missing" -eq 0 ]
echo "iOS: $lib ($(du -h "$lib" | cut -f1), debug) holds all $count functions of the C header"

echo "-- Android check"
if ! command -v aarch64-linux-gnu-gcc >/dev/null; then
    apt-get update -qq && apt-get install -y -qq gcc-aarch64-linux-gnu >/dev/null
fi
CC_aarch64_linux_android=aarch64-linux-gnu-gcc AR_aarch64_linux_android=aarch64-linux-gnu-ar \
    cargo check --locked -p env0-ffi --target aarch64-linux-android
echo "Android: env0-ffi checks for aarch64-linux-android"
