# Shared by bench/intake.sh, mixed.sh, crash.sh and schemathesis.sh (sourced,
# not run), on top of common.sh: a fresh database of either backend with the
# demo region, an API key, the demo's topics and places for random messages.
# The intake limits are lifted through the documented VMESTE_RATE_LIMIT_*
# settings, since the load comes from one address and one key.

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
PG_ADMIN="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
WORK="$(mktemp -d /tmp/vmeste-bench.XXXXXX)"
# The run's database goes with it (an intake run leaves hundreds of MB).
trap 'rm -rf "$WORK"' EXIT
export BENCH_DIR VMESTE_RATE_LIMIT_INTAKE_PER_MINUTE=1000000000 \
  VMESTE_RATE_LIMIT_INTAKE_PER_ACCOUNT_PER_HOUR=1000000000

# The load scripts' options; the caller sets the defaults of BACKEND,
# DURATION and CONNECTIONS, and RATE (possibly empty) if it takes --rate.
load_options() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --backend) BACKEND="$2"; shift 2 ;;
      --duration) DURATION="$2"; shift 2 ;;
      --connections) CONNECTIONS="$2"; shift 2 ;;
      --rate) [ -n "${RATE+set}" ] || { echo "unknown option $1" >&2; exit 2; }; RATE="$2"; shift 2 ;;
      --smoke) DURATION=3s CONNECTIONS=8; shift ;;
      *) echo "unknown option $1" >&2; exit 2 ;;
    esac
  done
}

# A fresh database with the demo region as $BENCH_DB: an SQLite data folder,
# or a new PostgreSQL database named after the run.
fresh_database() {
  BACKEND="${1:-sqlite}"
  PG_DB="vmeste_bench_$$"
  if [ "$BACKEND" = postgres ]; then
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB"
    BENCH_DB="${PG_ADMIN%/*}/$PG_DB"
  else
    BENCH_DB="$WORK/data"
  fi
  bench_vmeste migrate >/dev/null
  bench_vmeste demo load >/dev/null
}

# Stops what runs, drops the PostgreSQL database of the run and its files.
intake_cleanup() {
  [ -z "${CLIENT_PID:-}" ] || kill "$CLIENT_PID" 2>/dev/null || true
  bench_stop >/dev/null
  if [ "${BACKEND:-}" = postgres ]; then
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" || true
  fi
  rm -rf "$WORK"
}

# bench_start, with our cleanup on exit rather than its own.
start_server() {
  bench_start "$1" >/dev/null
  trap intake_cleanup EXIT
}

# $WORK/data.json (and .lua for wrk): the key, the active topics, and the
# places of the demo's published messages (inside the demo territories).
prepare_load_data() {
  API_KEY="$(bench_vmeste bench api-key)"
  python3 - "$BENCH_URL" "$API_KEY" "$WORK/data.json" >"$WORK/data.lua" <<'PY'
import json, sys, urllib.request
base, key, out = sys.argv[1], sys.argv[2], sys.argv[3]
get = lambda path: json.load(urllib.request.urlopen(base + path))
topics = [t["id"] for c in get("/api/v1/catalogue")["categories"] for t in c["topics"] if t.get("active", True)]
points, ids, cursor = [], [], None
while len(points) < 300:
    page = get("/api/v1/messages?limit=100" + (f"&cursor={cursor}" if cursor else ""))
    points += [(m["location"]["lat"], m["location"]["lon"]) for m in page["items"]]
    ids += [m["id"] for m in page["items"]]
    cursor = page.get("next_cursor")
    if not cursor:
        break
json.dump({"key": key, "topics": topics, "points": points, "ids": ids}, open(out, "w"))
print(f'return {{ key = "{key}",')
print(" topics = {" + ",".join(map(str, topics)) + "},")
print(" points = {" + ",".join(f"{{{a},{b}}}" for a, b in points) + "},")
print(" ids = {" + ",".join(map(str, ids)) + "} }")
PY
}

# Runs wrk with a script of bench/ and prints its JSON summary line.
run_wrk() { # script duration connections [rate-per-second or empty]
  local script="$1" duration="$2" connections="$3"
  BENCH_DATA="$WORK/data.lua" BENCH_RATE="${4:-}" BENCH_CONNECTIONS="$connections" \
    wrk -t2 -c"$connections" -d"$duration" --latency --timeout 10s \
    -s "$BENCH_DIR/$script" "$BENCH_URL" >"$WORK/wrk.out" 2>&1
  grep '^{' "$WORK/wrk.out" | tail -1
}

machine_line() {
  printf '%s; %s CPUs; load:%s' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$(uptime | sed 's/.*load average://')"
}

# The server's CPU time so far (user and system), in seconds.
server_cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$BENCH_SERVER_PID/stat"
}
