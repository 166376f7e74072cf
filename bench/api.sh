#!/usr/bin/env bash
# Inventory API benchmark (issue: Inventory.Api). wrk against "my stock everywhere" (a brewer's GET
# /api/v1/stock?brewery=…) and against a movement POST at 16, 64 and 256 connections; in the same run,
# pgbench running the same SQL straight on PostgreSQL (the database's own ceiling). Afterwards the
# ledger is checked: levels equal the sum of movements, and no unit was created or lost.
set -euo pipefail
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-"16 64 256"}
command -v wrk >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq wrk >/dev/null; }
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
fresh_inventory_database bench_api
dotnet "$API" admin demo-data >/dev/null
KEY=$(dotnet "$API" admin create-key --role brewer --brewery saint-fut --name bench | tail -n 1)
PREFIX=$(cut -d_ -f2 <<<"$KEY")
# Plenty of stock to move: every write below is a 1-unit transfer from the brewery to a COOP fridge.
psql_ -d bench_api -c "INSERT INTO movements (kind, sku, lot_code, units, to_location_id, occurred_at, actor) SELECT 'production', 'STFUT-BLONDE-473', 'BENCH', 10000000, id, now(), 'bench' FROM locations WHERE code = 'saint-fut-brasserie'" \
  -c "INSERT INTO stock_levels (sku, location_id, lot_code, units) SELECT 'STFUT-BLONDE-473', id, 'BENCH', 10000000 FROM locations WHERE code = 'saint-fut-brasserie'"

port=5095
start_api "$port" "$OUT/api.log"
READ_URL="http://127.0.0.1:$port/api/v1/stock?brewery=saint-fut"
curl -sf -H "X-Api-Key: $KEY" "$READ_URL" > /dev/null || { echo "the read endpoint does not answer" >&2; exit 1; }
# The same API with its stock-read cache off (every read a PostgreSQL round trip), idle while the other runs.
uncached_port=5097
api_cached=$api
Stock__CacheReads=false start_api "$uncached_port" "$OUT/api-uncached.log"
trap 'kill $api $api_cached 2>/dev/null || true' EXIT
UNCACHED_URL="http://127.0.0.1:$uncached_port/api/v1/stock?brewery=saint-fut"

cat > "$OUT/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Api-Key"] = "$KEY"
wrk.body = '{"kind":"transfer","sku":"STFUT-BLONDE-473","units":1,"lot":"BENCH","from":"saint-fut-brasserie","to":"frigo-stfut-degustation"}'
LUA
# The SQL the read endpoint sends for a brewer's "my stock everywhere", for pgbench: the same statement with
# the same parameters, prepared as Npgsql's auto-prepare does (the API key lookup is cached by the API).
BREWERY_ID=$(psql_ -d bench_api -c "SELECT id FROM breweries WHERE slug = 'saint-fut'")
cat > "$OUT/read.sql" <<'SQL'
SELECT s.sku, b.name, br.slug, b.format, l.code, l.name, l.kind, l.region, s.lot_code, s.units, b.units_per_case
FROM (SELECT sku, location_id, lot_code, units FROM stock_levels) s JOIN beers b ON b.sku = s.sku LEFT JOIN breweries br ON br.id = b.brewery_id
JOIN locations l ON l.id = s.location_id
WHERE s.units <> 0 AND br.slug = :slug AND (b.brewery_id = :brewery OR l.kind IN ('coop_fridge', 'festival_kiosk', 'grocery_store', 'tour_stop'))
ORDER BY s.sku, l.code, s.lot_code;
SQL

wrk_run() { # wrk_run CONNECTIONS ARGS… → "rps p99ms"
  local c=$1; shift
  wrk -t2 -c"$c" -d"${DURATION}s" --latency "$@" > "$OUT/wrk.txt" 2>&1
  awk '/Requests\/sec/ { rps = $2 } /^ +99%/ { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } p99 = v }
       /Non-2xx/ { bad = $NF } END { printf "%.0f %.1f %s\n", rps, p99, bad + 0 }' "$OUT/wrk.txt"
}
pg_run() { # pg_run CONNECTIONS → "tps p99ms". At most 64 clients: the server allows 300 connections, and on two
  # cores PostgreSQL's ceiling is reached long before 64 anyway. p99 from pgbench's per-transaction log.
  local c=$(( $1 < 64 ? $1 : 64 ))
  rm -f "$OUT"/pgbench_log.*
  (cd "$OUT" && "$PGBIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U frigo -n -M prepared -c "$c" -j 2 -T "$DURATION" -l \
      -D slug=saint-fut -D brewery="$BREWERY_ID" -f "$OUT/read.sql" bench_api 2>"$OUT/pgbench.err") > "$OUT/pgbench.txt"
  local p99
  p99=$(cat "$OUT"/pgbench_log.* | awk '{ print $3 }' | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int(NR * 0.99)] / 1000 }')
  awk -v p99="$p99" '/^tps/ { printf "%.0f %s\n", $3, p99 }' "$OUT/pgbench.txt"
}

# Warm-up (JIT, prepared statements, pool), not measured.
wrk -t2 -c16 -d5s -H "X-Api-Key: $KEY" "$READ_URL" >/dev/null
wrk -t2 -c16 -d5s -H "X-Api-Key: $KEY" "$UNCACHED_URL" >/dev/null
echo "| connections | GET my stock (rps) | p99 | same, cache off (rps) | p99 | pgbench same SQL (tps) | pgbench p99 | API ÷ pgbench | cache off ÷ pgbench | POST transfer (rps) | p99 | non-2xx |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for c in $CONNECTIONS; do
  read -r read_rps read_p99 read_bad < <(wrk_run "$c" -H "X-Api-Key: $KEY" "$READ_URL")
  read -r raw_rps raw_p99 raw_bad < <(wrk_run "$c" -H "X-Api-Key: $KEY" "$UNCACHED_URL")
  read -r pg_tps pg_p99 < <(pg_run "$c")
  read -r post_rps post_p99 post_bad < <(wrk_run "$c" -s "$OUT/post.lua" "http://127.0.0.1:$port/api/v1/movements")
  printf '| %s | %s | %s ms | %s | %s ms | %s | %s ms | %.0f %% | %.0f %% | %s | %s ms | %s |\n' "$c" "$read_rps" "$read_p99" "$raw_rps" "$raw_p99" "$pg_tps" "$pg_p99" \
    "$(echo "100 * $read_rps / $pg_tps" | bc -l)" "$(echo "100 * $raw_rps / $pg_tps" | bc -l)" "$post_rps" "$post_p99" "$((read_bad + raw_bad + post_bad))"
done

# Reads while stock moves: every transfer invalidates the cache, so most reads go to PostgreSQL again.
WRITERS=${WRITERS:-4}
wrk -t1 -c"$WRITERS" -d"${DURATION}s" --latency -s "$OUT/post.lua" "http://127.0.0.1:$port/api/v1/movements" > "$OUT/wrk-writers.txt" 2>&1 &
writers=$!
read -r mixed_rps mixed_p99 mixed_bad < <(wrk_run 64 -H "X-Api-Key: $KEY" "$READ_URL")
wait "$writers"
mixed_posts=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$OUT/wrk-writers.txt")
echo
echo "Reads at 64 connections while $WRITERS connections post transfers: $mixed_rps rps, p99 $mixed_p99 ms (non-2xx: $mixed_bad); transfers meanwhile: $mixed_posts/s."

# Exactness: levels equal the ledger, and the units that left the brewery arrived at the fridge.
drift=$(psql_ -d bench_api -c "SELECT count(*) FROM (SELECT sku, location_id, lot_code, sum(d)::int AS units FROM (
    SELECT sku, to_location_id AS location_id, lot_code, units AS d FROM movements WHERE to_location_id IS NOT NULL
    UNION ALL SELECT sku, from_location_id, lot_code, -units FROM movements WHERE from_location_id IS NOT NULL) x GROUP BY 1, 2, 3) ledger
  FULL JOIN stock_levels s USING (sku, location_id, lot_code) WHERE coalesce(ledger.units, 0) <> coalesce(s.units, 0)")
total=$(psql_ -d bench_api -c "SELECT sum(units) FROM stock_levels WHERE sku = 'STFUT-BLONDE-473' AND lot_code = 'BENCH'")
moved=$(psql_ -d bench_api -c "SELECT count(*) FROM movements WHERE kind = 'transfer' AND lot_code = 'BENCH'")
echo
echo "Ledger after the run: $moved transfers posted; rows where a level differs from its movements: $drift; BENCH lot total: $total (10000000 expected)."
