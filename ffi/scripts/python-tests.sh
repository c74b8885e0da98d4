#!/usr/bin/env bash
# Builds the host library and the workspace's uniffi-bindgen, generates the Python bindings in
# library mode and runs the pytest suite against them (ffi/tests/python). Called by
# scripts/test.sh; runnable alone. pytest comes from PyPI into a venv under ~/.cache/env0.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
target="${CARGO_TARGET_DIR:-target}"
cargo build --locked -p env0-ffi -p uniffi-bindgen
out="$target/env0-ffi-bindings/python"
rm -rf "$out" && mkdir -p "$out"
"$target/debug/uniffi-bindgen" generate --no-format --library "$target/debug/libenv0_ffi.so" \
    --language python --out-dir "$out"
cp "$target/debug/libenv0_ffi.so" "$out/"
venv="${ENV0_VENV:-$HOME/.cache/env0/venv-ffi}"
if [ ! -x "$venv/bin/pytest" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "pytest==8.3.4"
fi
bindings="$(cd "$out" && pwd)"
cd ffi/tests/python
RUST_BACKTRACE=0 PYTHONPATH="$bindings" "$venv/bin/pytest" -q -p no:cacheprovider
