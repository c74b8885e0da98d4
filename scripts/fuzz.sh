#!/usr/bin/env bash
# Fuzzes what env0 reads from outside (fuzz/README.md): every target for SECONDS (default 600),
# PARALLEL targets at a time (default 2, one per core here). Needs the nightly toolchain and
# cargo-fuzz (installed if missing). Seeds come from this repository (fuzz/seeds.py); corpora,
# crashes and the summary are kept in ~/.cache/env0/fuzz (ENV0_FUZZ_DIR), never in the clone.
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET ...]
#
# Exit status 1 if any target crashed, timed out or ran out of memory; its input is in
# $ENV0_FUZZ_DIR/artifacts/TARGET/, and `cargo +nightly fuzz run TARGET FILE` (in fuzz/) replays it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
SECS=${1:-600}
shift || true
ALL=(tool_calls queries rest_router task_file snapshot gguf peft_adapter)
TARGETS=("${@:-${ALL[@]}}")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")
PARALLEL=${PARALLEL:-2}
WORK=${ENV0_FUZZ_DIR:-$HOME/.cache/env0/fuzz}
# Sanitizer builds must not share a target directory with normal ones.
export CARGO_TARGET_DIR=${ENV0_FUZZ_TARGET:-$HOME/.cache/env0/target-fuzz}

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

echo "== building the fuzz targets (nightly, AddressSanitizer)" >&2
(cd fuzz && cargo +nightly fuzz build --fuzz-dir .) >&2
ENV0_BIN=${ENV0_BIN:-}
if [ -z "$ENV0_BIN" ]; then
    echo "== building env0 for the snapshot seed" >&2
    CARGO_TARGET_DIR=${ENV0_TARGET:-$HOME/.cache/env0/target} cargo build -q -p env0-cli
    ENV0_BIN=${ENV0_TARGET:-$HOME/.cache/env0/target}/debug/env0
fi
rm -rf "$WORK/seeds"
python3 fuzz/seeds.py "$WORK/seeds" "$ENV0_BIN" >&2
mkdir -p "$WORK/logs"

run_one() {
    local t=$1
    mkdir -p "$WORK/corpus/$t" "$WORK/artifacts/$t"
    local status=ok
    (cd "$ROOT/fuzz" && cargo +nightly fuzz run --fuzz-dir . "$t" "$WORK/corpus/$t" "$WORK/seeds/$t" -- \
        -max_total_time="$SECS" -print_final_stats=1 -rss_limit_mb=2048 -timeout=30 \
        -artifact_prefix="$WORK/artifacts/$t/") >"$WORK/logs/$t.log" 2>&1 || status=failed
    local execs corpus
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$WORK/logs/$t.log" | grep -o '[0-9]*$' | tail -1)
    corpus=$(find "$WORK/corpus/$t" -type f | wc -l)
    if [ "$status" != ok ]; then
        status="FAILED: $(grep -m1 -E 'ERROR: libFuzzer|panicked at|ERROR: AddressSanitizer' "$WORK/logs/$t.log" | cut -c1-120)"
    fi
    echo "| $t | $SECS | ${execs:-?} | $(( ${execs:-0} / SECS )) | $corpus | $status |" >"$WORK/logs/$t.row"
    echo "$t: $status (${execs:-?} execs)" >&2
}

pids=()
for t in "${TARGETS[@]}"; do
    run_one "$t" &
    pids+=($!)
    while [ "$(jobs -rp | wc -l)" -ge "$PARALLEL" ]; do sleep 1; done
done
wait

{
    echo "| target | seconds | execs | execs/s | corpus | result |"
    echo "|---|---|---|---|---|---|"
    for t in "${TARGETS[@]}"; do cat "$WORK/logs/$t.row"; done
} | tee "$WORK/summary.md"
! grep -q FAILED "$WORK/summary.md"
