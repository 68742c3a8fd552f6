#!/usr/bin/env bash
# The API against its own OpenAPI document, like CI's schemathesis test
# (crates/vmeste/tests/it/schemathesis.rs) but with a larger example budget,
# on a release server with an integrator's key and the administrator's session.
#
#   bench/schemathesis.sh [--backend sqlite|postgres] [--examples 200]
set -euo pipefail
BACKEND=sqlite EXAMPLES=200
while [ $# -gt 0 ]; do
  case "$1" in
    --backend) BACKEND="$2"; shift 2 ;;
    --examples) EXAMPLES="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
source "$(dirname "$0")/intake-env.sh"
python3 -m pip install --quiet --disable-pip-version-check schemathesis==4.32.5
SCHEMATHESIS="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/schemathesis"
command -v schemathesis >/dev/null && SCHEMATHESIS=schemathesis
fresh_database "$BACKEND"
start_server schemathesis
key="$(bench_vmeste bench api-key)"
session="$(bench_vmeste bench session)"
mkdir -p "$BENCH_RESULTS"
cd "$WORK"
NO_COLOR=1 "$SCHEMATHESIS" run "$BENCH_URL/api/v1/openapi.json" \
  --checks not_a_server_error,response_schema_conformance \
  --max-examples "$EXAMPLES" --phases examples,coverage,fuzzing --seed 20260316 \
  --workers 2 --request-timeout 30 \
  --header "Authorization: Bearer $key" --header "Cookie: vmeste_session=$session" \
  --report-dir "$WORK/reports" | tee "$BENCH_RESULTS/schemathesis-$BACKEND.txt"
