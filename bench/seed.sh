#!/usr/bin/env bash
# The seed against its ceiling: `vmeste bench seed` fills a fresh database
# with N messages, then `vmeste bench ceiling seed` copies the rows it added,
# with the database alone, into another fresh database and builds the same
# indexes, keys, search index, counters and statistics — no seed of those
# rows can be faster on this machine. On SQLite both are fresh folders,
# loaded without the write-ahead log as `vmeste bench seed` does (see
# `DbOptions::sqlite_bulk_load`), the ceiling copying by `INSERT … SELECT`
# from the seeded file; on PostgreSQL both are fresh databases on
# $BENCH_PG_URL's server, the ceiling streaming the rows by `COPY` from one
# to the other. Prints both rates and the product-to-ceiling ratio; writes
# $BENCH_RESULTS/seed.json (seed-postgres.json on PostgreSQL).
#
#   bench/seed.sh [--messages 1000000] [--backend sqlite|postgres]
#
# The SQLite folders, or the PostgreSQL ceiling's dump of the seeded rows,
# go under $BENCH_SEED_DIR (default: a temporary folder, removed at the end);
# a million messages take about 2 GB in each folder, about 3 GB in each
# PostgreSQL database (dropped at the end) and 1.5 GB in the dump.
set -euo pipefail
source "$(dirname "$0")/common.sh"
MESSAGES=1000000
BACKEND=sqlite
PG_ADMIN="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) MESSAGES="$2"; shift 2 ;;
    --backend) BACKEND="$2"; shift 2 ;;
    *) echo "usage: bench/seed.sh [--messages N] [--backend sqlite|postgres]" >&2; exit 2 ;;
  esac
done
[ -x "$BENCH_BIN" ] || (cd "$ROOT" && cargo build --release -p vmeste)
scratch="$(mktemp -d "${BENCH_SEED_DIR:-${TMPDIR:-/tmp}}/vmeste-seed.XXXXXX")"
machine="$(printf '%s; %s CPUs; load:%s' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$(uptime | sed 's/.*load average://')")"

case "$BACKEND" in
  sqlite)
    trap 'rm -rf "$scratch"' EXIT
    product_env=(VMESTE_DATA_DIR="$scratch/product" VMESTE_DATABASE_URL=)
    ceiling_env=(VMESTE_DATA_DIR="$scratch/ceiling" VMESTE_DATABASE_URL=)
    from="$scratch/product/vmeste.db"
    results="$BENCH_RESULTS/seed.json"
    ;;
  postgres)
    databases=(vmeste_seed_product_$$ vmeste_seed_ceiling_$$)
    admin_sql() { PGOPTIONS=--client-min-messages=warning psql -q "$PG_ADMIN" "$@"; }
    drop_databases() {
      for name in "${databases[@]}"; do
        admin_sql -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" || true
      done
      rm -rf "$scratch"
    }
    trap drop_databases EXIT
    for name in "${databases[@]}"; do
      admin_sql -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name"
    done
    from="${PG_ADMIN%/*}/${databases[0]}"
    product_env=(VMESTE_DATA_DIR="$scratch/product" VMESTE_DATABASE_URL="$from")
    # The ceiling's dump of the seeded rows goes under the scratch folder.
    ceiling_env=(VMESTE_DATA_DIR="$scratch/ceiling" TMPDIR="$scratch"
      VMESTE_DATABASE_URL="${PG_ADMIN%/*}/${databases[1]}")
    results="$BENCH_RESULTS/seed-postgres.json"
    ;;
  *) echo "--backend is sqlite or postgres" >&2; exit 2 ;;
esac

# Both figures count from the demo's load to the end; neither counts the
# process starting or the migrations.
product="$(env "${product_env[@]}" "$BENCH_BIN" bench seed \
  --messages "$MESSAGES" --seed 1 | sed -n 's/^seeded .* in \([0-9.]*\) s .*/\1/p')"
ceiling="$(env "${ceiling_env[@]}" "$BENCH_BIN" bench ceiling seed --from "$from")"

mkdir -p "$BENCH_RESULTS"
python3 - "$BACKEND" "$MESSAGES" "$product" "$ceiling" "$machine" >"$results" <<'PY'
import json, sys
backend, messages, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
ceiling = json.loads(sys.argv[4])
rate = messages / max(seconds, 1e-9)
print(json.dumps({"backend": backend, "machine": sys.argv[5],
                  "product": {"messages": messages, "seconds": round(seconds, 3),
                              "messages_per_second": round(rate, 1)},
                  "ceiling": ceiling,
                  "product_to_ceiling": round(rate / ceiling["messages_per_second"], 3)},
                 ensure_ascii=False))
PY
python3 - "$results" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); p, c = r["product"], r["ceiling"]
name = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[r["backend"]]
print(f'seed of {p["messages"]} messages: {p["seconds"]:.1f} s ({p["messages_per_second"]:.0f}/s); '
      f'{name} copying the same rows: {c["seconds"]:.1f} s ({c["messages_per_second"]:.0f}/s: demo {c["demo_seconds"]:.1f}, rows '
      f'{c["rows_seconds"]:.1f}, indexes {c["indexes_seconds"]:.1f}, counters and grid '
      f'{c["counters_and_grid_seconds"]:.1f}{" beside them" if c["counters_beside_indexes"] else ""}, statistics {c["statistics_seconds"]:.1f}); '
      f'product/ceiling {r["product_to_ceiling"]}')
PY
