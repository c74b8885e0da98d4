#!/usr/bin/env bash
# The core and ffi tests on Linux arm64 (aarch64-unknown-linux-gnu), the phones' instruction set:
# cross-built with Debian's aarch64 gcc (linker, and compiler for the bundled SQLite and the other
# C code) and run under qemu-aarch64 user-mode emulation. Exercises the arm64 code paths (NEON
# included) of everything below the bindings; phone OS specifics are not in it (iOS and Android
# builds: phone-targets.sh). Installs its tools when they are missing (Debian packages, rustup).
# Usage: ffi/scripts/arm64-tests.sh [extra cargo test arguments]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v aarch64-linux-gnu-g++ >/dev/null \
    || ! command -v qemu-aarch64 >/dev/null; then
    apt-get update -qq && apt-get install -y -qq gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user >/dev/null
fi
rustup target add aarch64-unknown-linux-gnu >/dev/null
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
export CXX_aarch64_unknown_linux_gnu=aarch64-linux-gnu-g++
export AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar
started=$(date +%s)
# The model-import kill test starts its own test binary again as the process it kills; without
# binfmt_misc (not mounted here) an aarch64 binary cannot start another one, so that test runs in
# the native test step only.
cargo test --locked --target aarch64-unknown-linux-gnu \
    -p env0-world -p env0-chat -p env0-core -p env0-ffi "$@" \
    -- --skip a_killed_import_leaves_the_model_absent_or_whole
echo "arm64: core and ffi tests passed under qemu-aarch64 in $(( $(date +%s) - started )) s"
