#!/usr/bin/env bash
# The project's test command (README "Run the tests"; .ci/run calls it too):
# fetch pinned fixtures, check formatting and lints, run every test of the workspace.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "== fixtures"
bash scripts/fetch-fixtures.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== env0-core as a device builds it (no network client, no generators)"
cargo clippy -p env0-core --no-default-features --all-targets --locked -- -D warnings

echo "== the fuzz targets compile (stable; scripts/fuzz.sh runs them on nightly)"
cargo fmt --manifest-path fuzz/Cargo.toml -- --check
cargo clippy --manifest-path fuzz/Cargo.toml --locked -- -D warnings

echo "== cargo test"
# Benches are compiled by clippy above and proven by tasks verify below; not run here in debug.
cargo test --workspace --locked --no-fail-fast

echo "== env0 serve through slack_sdk, google-api-python-client and the mcp client (pytest, loopback)"
bash core/serve/scripts/client-tests.sh

echo "== env0-ffi through its generated Python bindings (pytest)"
bash ffi/scripts/python-tests.sh

echo "== env0-ffi through its generated Kotlin bindings on the JVM (kotlinc + JNA)"
bash ffi/scripts/kotlin-tests.sh

echo "== android/: the library's Kotlin wrapper and its unit tests on the JVM (kotlinc, JUnit, JNA)"
bash android/scripts/jvm-tests.sh

echo "== ios/ and android/: generated bindings current, every Swift and Kotlin file parses"
bash scripts/mobile-checks.sh

echo "== env0-ffi: generated Swift parses, its C header links against the static library"
bash ffi/scripts/swift-checks.sh

echo "== env0-ffi for the phones: iOS static library (all header functions in it), Android check"
bash ffi/scripts/phone-targets.sh

echo "== local backend (mistralrs, release): the runtime gives the trainer's greedy tokens"
# The longest step from clean (~20 min on 2 cores). Running an integration test builds the
# package's binary too, with the same features, so the steps below use that env0; a separate
# `cargo build` would resolve dev-dependency features differently and compile mistralrs again.
cargo test --release --locked -p env0-cli --features local --test runtime_parity

echo "== tasks-lite: regenerate (must be byte-identical) and prove every task"
env0="${CARGO_TARGET_DIR:-target}/release/env0"
"$env0" tasks generate --check
"$env0" tasks verify -j 2

echo "== env0 demo (the README's main job) with the real default model, one short task"
# ~1.5 min: SmolLM2 reads a ~1,200-token prompt at ~25 tok/s on 2 cores. The full demo (3 tasks)
# took 4 min 25 s here (README).
"$env0" demo -n 1 --max-tokens 64

echo "== env0-core and env0-ffi tests on Linux arm64 under qemu-aarch64"
# ~23 min from clean on 2 cores: ~8 min to cross-build, ~15 min of emulated tests (the world's
# property tests take most of it).
bash ffi/scripts/arm64-tests.sh
