#!/usr/bin/env bash
# Intake throughput: wrk POSTs random valid messages (random topics, texts and
# places inside the demo territories) to /api/v1/messages on a release server,
# then the same database takes as many bare inserts of the same row, as many a
# commit as there were connections (`vmeste bench ceiling intake`): the
# product-to-ceiling ratio.
#
#   bench/intake.sh [--backend sqlite|postgres] [--duration 30s] [--connections 64] [--smoke]
#
# Prints requests/s, p50/p99, errors, the server's CPU time a message (user and
# system, from /proc) and the ratio; writes bench/results/intake-BACKEND.json.
set -euo pipefail
BACKEND=sqlite DURATION=30s CONNECTIONS=64
source "$(dirname "$0")/intake-env.sh"
load_options "$@"
bench_install
fresh_database "$BACKEND"
start_server intake
prepare_load_data
machine="$(machine_line)"
cpu_before="$(server_cpu_seconds)"
product="$(run_wrk intake.lua "$DURATION" "$CONNECTIONS")"
cpu_after="$(server_cpu_seconds)"
bench_stop >/dev/null
requests="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["requests"])' "$product")"
ceiling="$(bench_vmeste bench ceiling intake --messages "$requests" --concurrency "$CONNECTIONS")"
mkdir -p "$BENCH_RESULTS"
python3 - "$product" "$ceiling" "$BACKEND" "$machine" "$DURATION" "$CONNECTIONS" \
  "$cpu_before" "$cpu_after" >"$BENCH_RESULTS/intake-$BACKEND.json" <<'PY'
import json, sys
product, ceiling = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ratio = product["requests_per_second"] / ceiling["rows_per_second"]
cpu = (float(sys.argv[8]) - float(sys.argv[7])) / max(product["requests"], 1) * 1e6
print(json.dumps({"backend": sys.argv[3], "machine": sys.argv[4], "duration": sys.argv[5],
                  "connections": int(sys.argv[6]), "product": product, "ceiling": ceiling,
                  "server_cpu_us_per_message": round(cpu), "product_to_ceiling": round(ratio, 3)},
                 ensure_ascii=False))
PY
cat "$BENCH_RESULTS/intake-$BACKEND.json"
python3 - "$BENCH_RESULTS/intake-$BACKEND.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); p = r["product"]
print(f'intake on {r["backend"]}: {p["requests_per_second"]:.0f} messages/s, p50 {p["p50_ms"]} ms, '
      f'p99 {p["p99_ms"]} ms, {p["errors"]} errors; server CPU {r["server_cpu_us_per_message"]} µs a message; '
      f'bare inserts {r["ceiling"]["rows_per_second"]:.0f}/s; product/ceiling {r["product_to_ceiling"]}')
sys.exit(1 if p["errors"] else 0)
PY
