# Shared by the load scenarios in bench/: source it, don't run it.
#
#   bench_install                   wrk (Debian apt) and curl, if missing
#   bench_start NAME                a release server on $BENCH_DB (a SQLite data
#                                   folder, or a postgres:// URL); sets BENCH_URL
#   bench_stop                      stops it, recording its RSS in $BENCH_RESULTS/NAME-rss.json
#   bench_run NAME PATHS_FILE [wrk args…]
#                                   wrk over the file's paths for $BENCH_SECONDS with
#                                   $BENCH_CONNECTIONS; prints a line, writes $BENCH_RESULTS/NAME.json
#   bench_login EMAIL PASSWORD      signs in; prints a "Cookie: …" header for wrk -H
#
# Environment: BENCH_BIN (default target/release/vmeste), BENCH_DB (default
# ./data), BENCH_SECONDS (10), BENCH_CONNECTIONS (16), BENCH_THREADS (2),
# BENCH_ACCEPT_ENCODING (unset: pages uncompressed; "br" or "gzip" asks for
# them compressed as a browser does, and measures the compression too).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
BENCH_BIN="${BENCH_BIN:-$ROOT/target/release/vmeste}"
BENCH_DB="${BENCH_DB:-$ROOT/data}"
BENCH_SECONDS="${BENCH_SECONDS:-10}"
BENCH_CONNECTIONS="${BENCH_CONNECTIONS:-16}"
BENCH_THREADS="${BENCH_THREADS:-2}"
BENCH_RESULTS="${BENCH_RESULTS:-$BENCH_DIR/results}"
mkdir -p "$BENCH_RESULTS"

# wrk rather than oha: a Debian package installs in seconds, while
# `cargo install oha` compiles for many minutes on a 2-core machine; wrk's Lua
# hooks give per-request paths, POST bodies and the JSON summary.
bench_install() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v curl >/dev/null || missing+=(curl)
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The database the vmeste commands use, as environment assignments.
bench_db_env() {
  case "$BENCH_DB" in
    postgres://* | postgresql://*) echo "VMESTE_DATABASE_URL=$BENCH_DB" ;;
    *) echo "VMESTE_DATA_DIR=$BENCH_DB VMESTE_DATABASE_URL=" ;;
  esac
}

# Runs the vmeste binary on the bench database.
bench_vmeste() {
  env $(bench_db_env) "$BENCH_BIN" "$@"
}

bench_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

bench_start() {
  BENCH_SERVER_NAME="$1"
  [ -x "$BENCH_BIN" ] || { echo "no binary at $BENCH_BIN: cargo build --release -p vmeste" >&2; return 1; }
  local port
  port="$(bench_free_port)"
  BENCH_URL="http://127.0.0.1:$port"
  # No worker: background jobs would compete with the requests measured.
  env $(bench_db_env) RUST_LOG="${RUST_LOG:-warn}" "$BENCH_BIN" serve --bind "127.0.0.1:$port" --no-worker --no-demo \
    >"$BENCH_RESULTS/$BENCH_SERVER_NAME-server.log" 2>&1 &
  BENCH_SERVER_PID=$!
  trap bench_stop EXIT
  for _ in $(seq 1 600); do
    if curl -fsS "$BENCH_URL/readyz" >/dev/null 2>&1; then
      echo "server $BENCH_SERVER_PID ready at $BENCH_URL"
      return 0
    fi
    kill -0 "$BENCH_SERVER_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "the server did not become ready; its log:" >&2
  cat "$BENCH_RESULTS/$BENCH_SERVER_NAME-server.log" >&2
  return 1
}

bench_stop() {
  [ -n "${BENCH_SERVER_PID:-}" ] || return 0
  local rss
  rss="$(ps -o rss= -p "$BENCH_SERVER_PID" 2>/dev/null | tr -d ' ' || true)"
  if [ -n "$rss" ]; then
    printf '{"name":"%s","server_rss_mb":%.1f}\n' "$BENCH_SERVER_NAME" "$(echo "$rss / 1024" | bc -l)" \
      | tee "$BENCH_RESULTS/$BENCH_SERVER_NAME-rss.json"
  fi
  kill "$BENCH_SERVER_PID" 2>/dev/null || true
  wait "$BENCH_SERVER_PID" 2>/dev/null || true
  BENCH_SERVER_PID=""
}

bench_run() {
  local name="$1" paths="$2"
  shift 2
  local encoding=()
  [ -z "${BENCH_ACCEPT_ENCODING:-}" ] || encoding=(-H "Accept-Encoding: $BENCH_ACCEPT_ENCODING")
  BENCH_NAME="$name" BENCH_PATHS="$paths" BENCH_RESULT="$BENCH_RESULTS/$name.json" \
    wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_SECONDS}s" --latency \
    -s "$BENCH_DIR/wrk/paths.lua" "${encoding[@]}" "$@" "$BENCH_URL" >"$BENCH_RESULTS/$name.wrk.txt"
  python3 - "$BENCH_RESULTS/$name.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"{r['name']:<24} {r['rps']:>9.0f} req/s  p50 {r['p50_ms']:>7.2f} ms  p99 {r['p99_ms']:>7.2f} ms  errors {r['errors']}")
PY
}

# Fails when any scenario's summary counts an error.
bench_check_errors() {
  python3 - "$@" <<'PY'
import json, sys
bad = [json.load(open(p)) for p in sys.argv[1:]]
bad = [r for r in bad if r.get("errors", 0) > 0]
for r in bad:
    print(f"{r['name']}: {r['errors']} errors", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}

bench_login() {
  local email="$1" password="$2" jar token
  jar="$(mktemp)"
  token="$(curl -fsS -c "$jar" "$BENCH_URL/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)"
  curl -fsS -b "$jar" -c "$jar" -o /dev/null \
    --data-urlencode "csrf=$token" --data-urlencode "email=$email" \
    --data-urlencode "password=$password" --data-urlencode "next=/" "$BENCH_URL/login"
  printf 'Cookie: %s\n' "$(awk '{ sub(/^#HttpOnly_/, "") } !/^#/ && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar")"
  rm -f "$jar"
}
