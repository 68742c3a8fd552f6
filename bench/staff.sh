#!/usr/bin/env bash
# Staff inbox pages under load: an operator of the city roads service signed
# in (session and CSRF cookies), paging through the inbox with its filters.
#
#   bench/staff.sh                       on ./data (seed it first: vmeste bench seed)
#   BENCH_DB=postgres://… bench/staff.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_install
bench_start staff
cookie="$(bench_login operator@demo.vmeste.example vmeste-demo)"
# A signed-in page answers 200; a lost session would redirect to /login.
curl -fsS -H "$cookie" -o /dev/null -w '%{http_code}\n' "$BENCH_URL/staff/inbox" | grep -qx 200 \
  || { echo "sign-in failed: the inbox did not answer 200" >&2; exit 1; }
paths="$BENCH_RESULTS/staff-inbox.paths"
printf '%s\n' /staff/inbox '/staff/inbox?status=routed' '/staff/inbox?status=in_progress' \
  '/staff/inbox?due=overdue' '/staff/inbox?due=soon' '/staff/inbox?assignee=none' \
  '/staff/inbox?mine=1' >"$paths"
bench_run staff-inbox "$paths" -H "$cookie"
bench_stop
bench_check_errors "$BENCH_RESULTS/staff-inbox.json"
