#!/usr/bin/env bash
# Builds libenv0_ffi.so for Android into android/env0/src/main/jniLibs/<abi>/ with cargo-ndk, so
# that Gradle packages it into the env0 library (and the app). Run on a machine with the Android
# NDK (r26 or newer); not on the Linux CI machine, which has no NDK (it runs `cargo check` for
# aarch64-linux-android instead: ffi/scripts/phone-targets.sh).
#
#   ANDROID_NDK_HOME=/path/to/ndk bash android/scripts/build-android.sh [--features local]
#
# ABIs: $ENV0_ABIS, default "arm64-v8a x86_64" (phones, and the emulator on x86_64 hosts). The
# local backend (--features local: mistralrs) is tested on arm64 only (ffi/README.md, "Sizes").
# Also checks that the generated Kotlin committed in android/env0 matches the library being
# packaged (it is generated from the host build of the same sources).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
features=()
if [ "${1:-}" = "--features" ] && [ -n "${2:-}" ]; then
    features=(--features "$2")
fi
abis=${ENV0_ABIS:-"arm64-v8a x86_64"}

fail() { echo "build-android: $*" >&2; exit 1; }
[ -n "${ANDROID_NDK_HOME:-}" ] && [ -d "$ANDROID_NDK_HOME" ] ||
    fail "set ANDROID_NDK_HOME to an installed NDK (Android Studio: SDK Manager > SDK Tools > NDK)"
command -v cargo-ndk >/dev/null || fail "cargo-ndk is missing: cargo install cargo-ndk"

declare -A triple=([arm64-v8a]=aarch64-linux-android [armeabi-v7a]=armv7-linux-androideabi
    [x86_64]=x86_64-linux-android [x86]=i686-linux-android)
ndk_args=()
for abi in $abis; do
    [ -n "${triple[$abi]:-}" ] || fail "unknown ABI '$abi' (one of: ${!triple[*]})"
    rustup target add "${triple[$abi]}" >/dev/null
    ndk_args+=(-t "$abi")
done

echo "== the generated Kotlin in android/env0 is current"
cargo build --locked -p env0-ffi -p uniffi-bindgen
bash ffi/scripts/update-bindings.sh --check

echo "== libenv0_ffi.so for: $abis (release${features:+, ${features[*]}})"
# minSdk 28, as android/env0/build.gradle.kts declares.
cargo ndk --platform 28 "${ndk_args[@]}" -o android/env0/src/main/jniLibs \
    build --locked --release -p env0-ffi --lib "${features[@]}"
for abi in $abis; do
    so="android/env0/src/main/jniLibs/$abi/libenv0_ffi.so"
    [ -f "$so" ] || fail "expected $so"
    echo "$so: $(du -h "$so" | cut -f1)"
done
echo "next: cd android && ./gradlew :app:installDebug (see android/README.md)"
