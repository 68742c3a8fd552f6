#!/usr/bin/env bash
# Public reads under load: list pages with filters, message pages, map
# viewports at several zooms, search and the statistics page, each through
# HTTP (wrk against a release server) and then as the same database calls
# run bare (`vmeste bench query`), with the product-to-ceiling ratio.
#
#   bench/reads.sh                       on ./data (seed it first: vmeste bench seed)
#   BENCH_DB=postgres://… bench/reads.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_install
kinds=(list message map search stats)
summaries=()
bench_start reads
for kind in "${kinds[@]}"; do
  paths="$BENCH_RESULTS/reads-$kind.paths"
  bench_vmeste bench paths --kind "$kind" >"$paths"
  bench_run "reads-$kind" "$paths"
  summaries+=("$BENCH_RESULTS/reads-$kind.json")
done
bench_stop
# The ceilings run with the server stopped, so each side has the machine alone.
for kind in "${kinds[@]}"; do
  bench_vmeste bench query --kind "$kind" --concurrency "$BENCH_CONNECTIONS" \
    --seconds "$BENCH_SECONDS" --json "$BENCH_RESULTS/reads-$kind-sql.json"
done
python3 - "$BENCH_RESULTS" "${kinds[@]}" <<'PY'
import json, sys
results, kinds = sys.argv[1], sys.argv[2:]
print(f"{'scenario':<10} {'HTTP p99':>10} {'SQL p99':>10} {'ratio':>7} {'HTTP req/s':>11} {'SQL q/s':>9}")
for kind in kinds:
    h = json.load(open(f"{results}/reads-{kind}.json"))
    s = json.load(open(f"{results}/reads-{kind}-sql.json"))
    ratio = h["p99_ms"] / s["p99_ms"] if s["p99_ms"] else float("nan")
    print(f"{kind:<10} {h['p99_ms']:>8.2f}ms {s['p99_ms']:>8.2f}ms {ratio:>7.2f} {h['rps']:>11.0f} {s['rps']:>9.0f}")
PY
bench_check_errors "${summaries[@]}"
