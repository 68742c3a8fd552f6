#!/usr/bin/env bash
# Fuzzes the parsers that read outside input (the cargo-fuzz targets in fuzz/):
# each target for N seconds, from its committed seeds (fuzz/seeds/TARGET) and
# its corpus of earlier runs (fuzz/corpus/TARGET, not committed); fails on any
# crash, leaving the input in fuzz/artifacts/TARGET/ (replay it with
# `RUSTC_BOOTSTRAP=1 cargo fuzz run -s none TARGET FILE`).
#
#   bench/fuzz.sh [--seconds 300] [--smoke] [TARGET…]
#
# Installs cargo-fuzz if missing. The stable toolchain is enough:
# RUSTC_BOOTSTRAP=1 lets it take libFuzzer's nightly flags. No sanitizer by
# default (FUZZ_SANITIZER=address to have one): the product is safe Rust
# (unsafe_code = forbid), what is sought is a panic, which needs none, and the
# build and the runs are several times faster on a small machine. Prints a
# line per target and writes bench/results/fuzz.json.
set -euo pipefail
RUN_SECONDS=300
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) RUN_SECONDS="$2"; shift 2 ;;
    --smoke) RUN_SECONDS=5; shift ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
RESULTS="${BENCH_RESULTS:-$ROOT/bench/results}"
mkdir -p "$RESULTS"
SANITIZER="${FUZZ_SANITIZER:-none}"
export RUSTC_BOOTSTRAP=1

command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
[ ${#TARGETS[@]} -gt 0 ] || mapfile -t TARGETS < <(cargo fuzz list)

# The longest input each target is given: images stay small so a second
# decodes hundreds of them; the texts leave room for a few CSV rows.
max_len() {
  case "$1" in
    photo) echo 4096 ;;
    *) echo 8192 ;;
  esac
}

# A figure libFuzzer prints at the end of a run (-print_final_stats=1)...
final_stat() { sed -n "s/^stat::$2: *//p" "$1" | tail -1; }
# ...and one from its last status line ("#123 DONE cov: 456 ft: 789 corp: 42/3Kb ...").
last_status() { grep -o "$2: [^ ]*" "$1" | tail -1 | cut -d' ' -f2; }

cargo fuzz build -s "$SANITIZER"
summary="$RESULTS/fuzz.json"
echo "[" >"$summary"
separator=""
failed=()
for target in "${TARGETS[@]}"; do
  corpus="fuzz/corpus/$target"
  log="$RESULTS/fuzz-$target.log"
  mkdir -p "$corpus" "fuzz/seeds/$target"
  status=0
  # -timeout: an input that takes a minute is a hang, and fails as a crash does.
  cargo fuzz run -s "$SANITIZER" "$target" "$corpus" "fuzz/seeds/$target" -- \
    -max_total_time="$RUN_SECONDS" -max_len="$(max_len "$target")" \
    -timeout=60 -rss_limit_mb=4096 -print_final_stats=1 >"$log" 2>&1 || status=$?
  runs="$(final_stat "$log" number_of_executed_units)"
  corpus_size="$(last_status "$log" corp)"
  printf '%-18s %5s s %11s runs %7s/s  cov %5s  corpus %10s  slowest %3s s  rss %4s MB  %s\n' \
    "$target" "$RUN_SECONDS" "${runs:-?}" "$(final_stat "$log" average_exec_per_sec)" \
    "$(last_status "$log" cov)" "${corpus_size:-?}" "$(final_stat "$log" slowest_unit_time_sec)" \
    "$(final_stat "$log" peak_rss_mb)" "$([ "$status" = 0 ] && echo ok || echo "CRASH (exit $status)")"
  printf '%s{"target":"%s","seconds":%s,"runs":%s,"corpus":"%s","crashed":%s}\n' \
    "$separator" "$target" "$RUN_SECONDS" "${runs:-0}" "${corpus_size:-}" \
    "$([ "$status" = 0 ] && echo false || echo true)" >>"$summary"
  separator=","
  if [ "$status" != 0 ]; then
    failed+=("$target")
    grep -E "panicked|ERROR: libFuzzer|SUMMARY|Test unit written" "$log" >&2 || tail -20 "$log" >&2
  fi
done
echo "]" >>"$summary"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashed: ${failed[*]} (logs in $RESULTS/fuzz-TARGET.log)" >&2
  exit 1
fi
echo "fuzz: ${#TARGETS[@]} targets, ${RUN_SECONDS} s each, no crash"
