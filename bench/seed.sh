#!/usr/bin/env bash
# The seed against its ceiling, on SQLite: `vmeste bench seed` fills a fresh
# folder with N messages, then `vmeste bench ceiling seed` copies the rows it
# added, with SQLite alone, into another fresh folder and builds the same
# indexes, search index, counters and statistics — no seed of those rows can
# be faster on this machine. Both load without the write-ahead log, as
# `vmeste bench seed` does (see `DbOptions::sqlite_bulk_load`). Prints both rates and the product-to-ceiling ratio; writes
# $BENCH_RESULTS/seed.json.
#
#   bench/seed.sh [--messages 1000000]
#
# The folders go under $BENCH_SEED_DIR (default: a temporary folder, removed
# at the end); a million messages take about 2 GB in each.
set -euo pipefail
source "$(dirname "$0")/common.sh"
MESSAGES=1000000
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) MESSAGES="$2"; shift 2 ;;
    *) echo "usage: bench/seed.sh [--messages N]" >&2; exit 2 ;;
  esac
done
[ -x "$BENCH_BIN" ] || (cd "$ROOT" && cargo build --release -p vmeste)
scratch="$(mktemp -d "${BENCH_SEED_DIR:-${TMPDIR:-/tmp}}/vmeste-seed.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
machine="$(printf '%s; %s CPUs; load:%s' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$(uptime | sed 's/.*load average://')")"

# Both figures count from the demo's load to the end; neither counts the
# process starting or the migrations.
product="$(VMESTE_DATA_DIR="$scratch/product" VMESTE_DATABASE_URL= "$BENCH_BIN" bench seed \
  --messages "$MESSAGES" --seed 1 | sed -n 's/^seeded .* in \([0-9.]*\) s .*/\1/p')"
ceiling="$(VMESTE_DATA_DIR="$scratch/ceiling" VMESTE_DATABASE_URL= "$BENCH_BIN" bench ceiling seed \
  --from "$scratch/product/vmeste.db")"

mkdir -p "$BENCH_RESULTS"
python3 - "$MESSAGES" "$product" "$ceiling" "$machine" >"$BENCH_RESULTS/seed.json" <<'PY'
import json, sys
messages, seconds = int(sys.argv[1]), float(sys.argv[2])
ceiling = json.loads(sys.argv[3])
rate = messages / max(seconds, 1e-9)
print(json.dumps({"backend": "sqlite", "machine": sys.argv[4],
                  "product": {"messages": messages, "seconds": round(seconds, 3),
                              "messages_per_second": round(rate, 1)},
                  "ceiling": ceiling,
                  "product_to_ceiling": round(rate / ceiling["messages_per_second"], 3)},
                 ensure_ascii=False))
PY
python3 - "$BENCH_RESULTS/seed.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); p, c = r["product"], r["ceiling"]
print(f'seed of {p["messages"]} messages: {p["seconds"]:.1f} s ({p["messages_per_second"]:.0f}/s); '
      f'SQLite copying the same rows: {c["seconds"]:.1f} s ({c["messages_per_second"]:.0f}/s: demo {c["demo_seconds"]:.1f}, rows '
      f'{c["rows_seconds"]:.1f}, indexes {c["indexes_seconds"]:.1f}, counters and grid '
      f'{c["counters_and_grid_seconds"]:.1f}, statistics {c["statistics_seconds"]:.1f}); '
      f'product/ceiling {r["product_to_ceiling"]}')
PY
