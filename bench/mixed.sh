#!/usr/bin/env bash
# A mix of intake (20 %), public reads (60 %: lists, a message by API and by
# page, the home page, the catalogue, a search) and an organisation's reads
# through its API key (20 %), at a fixed rate or flat out.
#
#   bench/mixed.sh [--backend sqlite|postgres] [--duration 10m] [--rate R] [--connections 32] [--smoke]
#
# --rate paces the load to R requests/s in all (e.g. half of a flat-out run);
# without it wrk sends as fast as it can. Writes bench/results/mixed-BACKEND.json.
set -euo pipefail
BACKEND=sqlite DURATION=60s CONNECTIONS=32 RATE=
source "$(dirname "$0")/intake-env.sh"
load_options "$@"
bench_install
fresh_database "$BACKEND"
start_server mixed
prepare_load_data
machine="$(machine_line)"
result="$(run_wrk mixed.lua "$DURATION" "$CONNECTIONS" "$RATE")"
mkdir -p "$BENCH_RESULTS"
python3 - "$result" "$BACKEND" "$machine" "$DURATION" "$CONNECTIONS" "${RATE:-0}" \
  >"$BENCH_RESULTS/mixed-$BACKEND.json" <<'PY'
import json, sys
print(json.dumps({"backend": sys.argv[2], "machine": sys.argv[3], "duration": sys.argv[4],
                  "connections": int(sys.argv[5]), "target_rate": float(sys.argv[6]),
                  **json.loads(sys.argv[1])}))
PY
cat "$BENCH_RESULTS/mixed-$BACKEND.json"
[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["errors"])' "$BENCH_RESULTS/mixed-$BACKEND.json")" = 0 ]
