#!/usr/bin/env bash
# Crash safety: a client posts messages without pause and logs every id
# acknowledged with 201 (bench/ack_client.py) while the server is killed with
# SIGKILL at random moments N times and restarted. Then every acknowledged
# message must be in the database as sent, and the database must pass its
# integrity check (`vmeste bench check-acknowledged`).
#
#   bench/crash.sh [--backend sqlite|postgres] [--kills 50] [--smoke]
#
# Writes bench/results/crash-BACKEND.json; exits non-zero if anything is lost.
set -euo pipefail
BACKEND=sqlite KILLS=50
while [ $# -gt 0 ]; do
  case "$1" in
    --backend) BACKEND="$2"; shift 2 ;;
    --kills) KILLS="$2"; shift 2 ;;
    --smoke) KILLS=2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
source "$(dirname "$0")/intake-env.sh"
CLIENT_PID=
fresh_database "$BACKEND"
start_server crash
prepare_load_data
machine="$(machine_line)"
log="$WORK/acknowledged.jsonl"
# Written whole and renamed: the client rereads it at every reconnection and
# must never see it half written.
publish_url() { echo "$BENCH_URL" >"$WORK/url.new" && mv "$WORK/url.new" "$WORK/url"; }
publish_url
python3 "$BENCH_DIR/ack_client.py" "$WORK/url" "$WORK/data.json" "$log" --threads 8 \
  >"$WORK/client.out" 2>"$WORK/client.err" &
CLIENT_PID=$!
for kill in $(seq 1 "$KILLS"); do
  # A random moment between 0.2 and 2 s of load.
  sleep "$(python3 -c 'import random; print(round(random.uniform(0.2, 2.0), 2))')"
  kill -KILL "$BENCH_SERVER_PID"
  wait "$BENCH_SERVER_PID" 2>/dev/null || true
  BENCH_SERVER_PID=""
  printf 'kill %d: %d acknowledged so far\n' "$kill" "$(wc -l <"$log")"
  start_server crash
  publish_url
  if ! kill -0 "$CLIENT_PID" 2>/dev/null; then
    echo "the load client stopped by itself:" >&2; cat "$WORK/client.err" >&2; exit 1
  fi
done
sleep 1
kill -TERM "$CLIENT_PID"; wait "$CLIENT_PID" || true; CLIENT_PID=
bench_stop >/dev/null
check="$(bench_vmeste bench check-acknowledged "$log")" && status=0 || status=$?
echo "$check"
mkdir -p "$BENCH_RESULTS"
python3 - "$check" "$(tail -1 "$WORK/client.out")" "$BACKEND" "$KILLS" "$machine" \
  >"$BENCH_RESULTS/crash-$BACKEND.json" <<'PY'
import json, sys
check, client = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({"backend": sys.argv[3], "kills": int(sys.argv[4]), "machine": sys.argv[5],
                  "client": client, **check}))
PY
cat "$BENCH_RESULTS/crash-$BACKEND.json"
exit "$status"
