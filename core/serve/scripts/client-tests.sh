#!/usr/bin/env bash
# env0 serve against client libraries nobody here wrote: slack_sdk, google-api-python-client and mcp
# (pinned, sha256-checked, from PyPI into a venv under ~/.cache/env0), through pytest, on loopback.
# Called by scripts/test.sh; runnable alone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
target="${CARGO_TARGET_DIR:-target}"
cargo build --locked -p env0-cli
req=core/serve/tests/clients/requirements.txt
venv="${ENV0_SERVE_VENV:-$HOME/.cache/env0/venv-serve}"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/pytest" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --require-hashes --only-binary=:all: --no-deps -r "$req"
    echo "$want" > "$stamp"
fi
env0="$(cd "$target/debug" && pwd)/env0"
cd core/serve/tests/clients
ENV0_BIN="$env0" "$venv/bin/pytest" -q -p no:cacheprovider
