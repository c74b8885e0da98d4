#!/usr/bin/env bash
# The bindings bench (ffi/bench/bindings_bench.py): builds the release library, the release
# uniffi-bindgen and the native example, generates the Python bindings and runs both sides in
# one run. Not part of CI (timings on a shared CI machine are noise); run it on an idle machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
target="${CARGO_TARGET_DIR:-target}"
# One cargo command for all three, so they share one feature resolution (two commands with
# different package sets rebuild env0-core in between).
cargo build --locked --release -p env0-ffi -p uniffi-bindgen --lib --bins --examples
out="$target/env0-ffi-bindings/python-release"
rm -rf "$out" && mkdir -p "$out"
"$target/release/uniffi-bindgen" generate --no-format --library "$target/release/libenv0_ffi.so" \
    --language python --out-dir "$out"
cp "$target/release/libenv0_ffi.so" "$out/"
PYTHONPATH="$out" python3 ffi/bench/bindings_bench.py --native "$target/release/examples/native_episode" \
    --tasks "$PWD/tasks-lite" "$@"
