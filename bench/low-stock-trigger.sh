#!/usr/bin/env bash
# What the low-stock trigger (migration 0013: a COOP fridge's beer falling under par writes an outbox
# event in the movement's transaction) costs a movement: one API, one database, 1-unit transfers from a
# brewery into a COOP fridge that has a par level (the trigger's full path: the par lookup and the
# fridge's total), alternating 10 s wrk runs with the trigger on and off, ROUNDS times (3), C connections (64).
set -euo pipefail
ROUNDS=${ROUNDS:-3}; C=${C:-64}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
fresh_inventory_database bench_trigger
dotnet "$API" admin demo-data >/dev/null
KEY=$(dotnet "$API" admin create-key --role brewer --brewery saint-fut --name bench | tail -n 1)
psql_ -d bench_trigger -c "INSERT INTO movements (kind, sku, lot_code, units, to_location_id, occurred_at, actor) SELECT 'production', 'STFUT-BLONDE-473', 'BENCH', 10000000, id, now(), 'bench' FROM locations WHERE code = 'saint-fut-brasserie'" \
  -c "INSERT INTO stock_levels (sku, location_id, lot_code, units) SELECT 'STFUT-BLONDE-473', id, 'BENCH', 10000000 FROM locations WHERE code = 'saint-fut-brasserie'"
start_api 5103 "$OUT/trigger-api.log"
cat > "$OUT/trigger-post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Api-Key"] = "$KEY"
wrk.body = '{"kind":"transfer","sku":"STFUT-BLONDE-473","units":1,"lot":"BENCH","from":"saint-fut-brasserie","to":"frigo-stfut-degustation"}'
LUA
rps() { wrk -t2 -c"$C" -d10s -s "$OUT/trigger-post.lua" "http://127.0.0.1:5103/api/v1/movements" | awk '/Requests\/sec/ { printf "%.0f", $2 }'; }
trigger() { psql_ -d bench_trigger -c "ALTER TABLE stock_levels $1 TRIGGER stock_levels_low"; }
wrk -t2 -c16 -d5s -s "$OUT/trigger-post.lua" "http://127.0.0.1:5103/api/v1/movements" >/dev/null
echo "| round | transfers/s, trigger on | transfers/s, trigger off |"
echo "|---:|---:|---:|"
for round in $(seq "$ROUNDS"); do
  trigger ENABLE; on=$(rps)
  trigger DISABLE; off=$(rps)
  echo "| $round | $on | $off |"
done
trigger ENABLE
