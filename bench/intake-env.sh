# Shared by bench/intake.sh, mixed.sh and crash.sh (sourced, not run): a
# release server on a fresh database of either backend, an API key, the demo's
# topics and places for random messages, and wrk (Debian's, with LuaJIT).
# Rate limits are lifted through the documented VMESTE_RATE_LIMIT_* settings,
# since the load comes from one address and one key.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
VMESTE="${BENCH_VMESTE:-$ROOT/target/release/vmeste}"
PORT="${BENCH_PORT:-18380}"
BASE="http://127.0.0.1:$PORT"
PG_ADMIN="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
WORK="${BENCH_WORK:-$(mktemp -d /tmp/vmeste-bench.XXXXXX)}"
mkdir -p "$WORK/results"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# wrk from Debian: event-driven, scripted in Lua for random bodies.
ensure_wrk() {
  command -v wrk >/dev/null && return
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk
}

ensure_binary() {
  if [ ! -x "$VMESTE" ]; then
    (cd "$ROOT" && cargo build --release -p vmeste)
  fi
}

# The environment of every vmeste command: the database and lifted limits.
vmeste_env() {
  export VMESTE_DATA_DIR="$WORK/data" VMESTE_WORKER=false VMESTE_LOG_FORMAT=json \
    VMESTE_RATE_LIMIT_INTAKE_PER_MINUTE=1000000000 \
    VMESTE_RATE_LIMIT_INTAKE_PER_ACCOUNT_PER_HOUR=1000000000
  if [ "$BACKEND" = postgres ]; then
    export VMESTE_DATABASE_URL="${PG_ADMIN%/*}/$PG_DB"
  else
    unset VMESTE_DATABASE_URL
  fi
}

# A fresh database with the demo region: an SQLite file, or a new
# PostgreSQL database named after the run.
fresh_database() {
  BACKEND="${1:-sqlite}"
  PG_DB="vmeste_bench_$$"
  rm -rf "$WORK/data"
  if [ "$BACKEND" = postgres ]; then
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB"
  fi
  vmeste_env
  "$VMESTE" migrate >/dev/null
  "$VMESTE" demo load >/dev/null
}

drop_database() {
  if [ "${BACKEND:-}" = postgres ]; then
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" || true
  fi
}

start_server() {
  vmeste_env
  "$VMESTE" serve --bind "127.0.0.1:$PORT" --data-dir "$WORK/data" --no-demo --no-worker \
    >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -sf "$BASE/api/v1/catalogue" >/dev/null && return 0
    sleep 0.1
  done
  echo "the server did not start; see $WORK/server.log" >&2
  return 1
}

stop_server() {
  if [ -n "${SERVER_PID:-}" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  fi
}

# $WORK/data.json (and .lua for wrk): the key, the active topics, and the
# places of the demo's published messages (inside the demo territories).
prepare_load_data() {
  API_KEY="$("$VMESTE" bench api-key)"
  python3 - "$BASE" "$API_KEY" "$WORK/data.json" >"$WORK/data.lua" <<'PY'
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
    -s "$BENCH_DIR/$script" "$BASE" >"$WORK/wrk.out" 2>&1
  grep '^{' "$WORK/wrk.out" | tail -1
}

machine_line() {
  printf '%s; %s CPUs; load:%s' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$(uptime | sed 's/.*load average://')"
}
