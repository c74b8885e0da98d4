#!/usr/bin/env bash
# Builds ios/Env0Kit/env0FFI.xcframework, the Rust side of Env0Kit, on macOS with Xcode and
# rustup (not on Linux: the simulator and macOS slices and xcodebuild need a Mac):
#
#   bash ios/scripts/build-xcframework.sh [--features local]
#
# 1. env0-ffi as a release static library for aarch64-apple-ios (device),
#    aarch64-apple-ios-sim + x86_64-apple-ios (one lipo'd simulator slice) and
#    aarch64-apple-darwin + x86_64-apple-darwin (one lipo'd macOS slice, for `swift test`).
#    On iOS env0-world links the system SQLite (Package.swift adds -lsqlite3), as
#    ffi/scripts/phone-targets.sh documents; the macOS slice compiles its own.
# 2. The workspace's uniffi-bindgen (library mode, as ffi/scripts/update-bindings.sh runs it)
#    generates env0_ffiFFI.h and its modulemap (installed as Headers/module.modulemap) and the
#    Swift bindings, which must equal the committed Sources/Env0Kit/Generated/env0_ffi.swift.
# 3. xcodebuild -create-xcframework puts the three slices together.
#
# --features local passes the local model backend (mistralrs) through to cargo; it compiles C
# and C++ (see core/README.md) and takes much longer. Honours CARGO_TARGET_DIR.
set -euo pipefail

usage() {
    sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

die() {
    echo "build-xcframework: $*" >&2
    exit 1
}

features=()
while [ $# -gt 0 ]; do
    case "$1" in
        --features)
            [ $# -ge 2 ] || die "--features needs a value, e.g. --features local"
            features=(--features "$2")
            shift 2
            ;;
        --features=*)
            features=(--features "${1#--features=}")
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            die "unknown argument: $1 (see --help)"
            ;;
    esac
done

[ "$(uname -s)" = Darwin ] || die "needs macOS with Xcode; this is $(uname -s) (see ios/README.md for what Linux checks)"
for tool in xcodebuild xcrun lipo rustup cargo cmp; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found: install Xcode (and run xcode-select --install) and rustup"
done

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$(pwd)
target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$target_dir" in
    /*) ;;
    *) target_dir="$root/$target_dir" ;;
esac
work="$root/ios/build/xcframework"
xcframework="$root/ios/Env0Kit/env0FFI.xcframework"
committed="$root/ios/Env0Kit/Sources/Env0Kit/Generated/env0_ffi.swift"

ios_targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
mac_targets=(aarch64-apple-darwin x86_64-apple-darwin)

lib() {
    echo "$target_dir/$1/release/libenv0_ffi.a"
}

echo "== rust targets"
rustup target add "${ios_targets[@]}" "${mac_targets[@]}"

# The minimum OS versions of Package.swift, so the objects match what Xcode links them into.
export IPHONEOS_DEPLOYMENT_TARGET=17.0
export MACOSX_DEPLOYMENT_TARGET=14.0

for target in "${ios_targets[@]}" "${mac_targets[@]}"; do
    echo "== env0-ffi, release static library, $target ${features[*]+${features[*]}}"
    # `${features[@]+...}`: an empty array under `set -u` in macOS's bash 3.2.
    cargo rustc --locked --release -p env0-ffi --lib --target "$target" --crate-type staticlib \
        ${features[@]+"${features[@]}"} -- --print native-static-libs
    [ -f "$(lib "$target")" ] || die "cargo did not produce $(lib "$target")"
done

echo "== slices"
rm -rf "$work"
mkdir -p "$work/ios" "$work/ios-simulator" "$work/macos" "$work/Headers"
cp "$(lib aarch64-apple-ios)" "$work/ios/libenv0_ffi.a"
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" \
    -output "$work/ios-simulator/libenv0_ffi.a"
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" \
    -output "$work/macos/libenv0_ffi.a"
for slice in ios ios-simulator macos; do
    echo "$slice: $(lipo -archs "$work/$slice/libenv0_ffi.a") ($(du -h "$work/$slice/libenv0_ffi.a" | cut -f1))"
done

echo "== bindings (the workspace's uniffi-bindgen, library mode)"
cargo run --locked -p uniffi-bindgen -- generate --no-format \
    --library "$(lib aarch64-apple-darwin)" --language swift --out-dir "$work/bindings"
for file in env0_ffi.swift env0_ffiFFI.h env0_ffiFFI.modulemap; do
    [ -f "$work/bindings/$file" ] || die "uniffi-bindgen did not write $file"
done
if ! cmp -s "$work/bindings/env0_ffi.swift" "$committed"; then
    diff -u "$committed" "$work/bindings/env0_ffi.swift" | head -40 >&2 || true
    die "the committed ${committed#"$root"/} is stale: it differs from what this env0-ffi generates.
Run: cargo build -p env0-ffi -p uniffi-bindgen && bash ffi/scripts/update-bindings.sh
and commit the regenerated bindings, then run this script again."
fi
cp "$work/bindings/env0_ffiFFI.h" "$work/Headers/env0_ffiFFI.h"
cp "$work/bindings/env0_ffiFFI.modulemap" "$work/Headers/module.modulemap"

echo "== xcframework"
rm -rf "$xcframework"
xcodebuild -create-xcframework \
    -library "$work/ios/libenv0_ffi.a" -headers "$work/Headers" \
    -library "$work/ios-simulator/libenv0_ffi.a" -headers "$work/Headers" \
    -library "$work/macos/libenv0_ffi.a" -headers "$work/Headers" \
    -output "$xcframework"

echo "built ${xcframework#"$root"/}"
echo "next: (cd ios/Env0Kit && swift test), or (cd ios/Env0Mobile && xcodegen generate) and open the project"
