#!/usr/bin/env bash
# The load scenarios at CI size, so they do not rot: seeds a few thousand
# messages into a fresh SQLite folder (or into $BENCH_SMOKE_DB, an empty
# PostgreSQL database) and runs each scenario for two seconds; fails on any
# error. Speed does not matter here: it uses the debug binary (built if
# missing) unless $BENCH_BIN names another.
export BENCH_BIN="${BENCH_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/debug/vmeste}"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ -x "$BENCH_BIN" ] || (cd "$ROOT" && cargo build -p vmeste)
scratch="$(mktemp -d)"
trap 'bench_stop; rm -rf "$scratch"' EXIT
export BENCH_DB="${BENCH_SMOKE_DB:-$scratch/data}"
export BENCH_SECONDS="${BENCH_SECONDS:-2}" BENCH_CONNECTIONS="${BENCH_CONNECTIONS:-4}"
export BENCH_RESULTS="$scratch/results"
bench_vmeste bench seed --messages "${BENCH_SMOKE_MESSAGES:-3000}" --seed 1
"$BENCH_DIR/reads.sh"
"$BENCH_DIR/staff.sh"
echo "bench smoke: every scenario ran without errors"
