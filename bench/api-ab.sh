#!/usr/bin/env bash
# A/B of the inventory API against an earlier revision, on the same database, interleaved so that the
# shared machine's drift falls on both alike: `bench/api-ab.sh REV` builds REV (a git worktree under
# .local/bench), starts both APIs (Release), then alternates 10 s wrk runs of a brewer's "my stock"
# read and of a 1-unit transfer, ROUNDS times (3), at C connections (64).
set -euo pipefail
REV=${1:?usage: bench/api-ab.sh REV (the revision to compare the working tree with)}
ROUNDS=${ROUNDS:-3}; C=${C:-64}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
THEIRS="$OUT/ab-$REV"
[ -d "$THEIRS" ] || git worktree add -f "$THEIRS" "$REV" -q
dotnet build "$THEIRS/src/Inventory.Api/Inventory.Api.csproj" -c Release -v quiet -nologo -clp:ErrorsOnly >/dev/null
OLD="$THEIRS/src/Inventory.Api/bin/Release/net10.0/Inventory.Api.dll"
fresh_inventory_database bench_ab
dotnet "$API" admin demo-data >/dev/null
KEY=$(dotnet "$API" admin create-key --role brewer --brewery saint-fut --name bench | tail -n 1)
psql_ -d bench_ab -c "INSERT INTO movements (kind, sku, lot_code, units, to_location_id, occurred_at, actor) SELECT 'production', 'STFUT-BLONDE-473', 'BENCH', 10000000, id, now(), 'bench' FROM locations WHERE code = 'saint-fut-brasserie'" \
  -c "INSERT INTO stock_levels (sku, location_id, lot_code, units) SELECT 'STFUT-BLONDE-473', id, 'BENCH', 10000000 FROM locations WHERE code = 'saint-fut-brasserie'"
start() { ASPNETCORE_CONTENTROOT="$(dirname "$2")" Urls="http://127.0.0.1:$1" Logging__LogLevel__Default=Warning dotnet "$2" > "$OUT/ab-$1.log" 2>&1 & }
start 5101 "$API"; new=$!
start 5102 "$OLD"; old=$!
trap 'kill $new $old 2>/dev/null || true' EXIT
wait_ready http://127.0.0.1:5101/readyz "this tree"; wait_ready http://127.0.0.1:5102/readyz "$REV"
cat > "$OUT/ab-post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Api-Key"] = "$KEY"
wrk.body = '{"kind":"transfer","sku":"STFUT-BLONDE-473","units":1,"lot":"BENCH","from":"saint-fut-brasserie","to":"frigo-stfut-degustation"}'
LUA
rps() { wrk -t2 -c"$C" -d10s "$@" | awk '/Requests\/sec/ { printf "%.0f", $2 }'; }
for port in 5101 5102; do wrk -t2 -c16 -d5s -H "X-Api-Key: $KEY" "http://127.0.0.1:$port/api/v1/stock?brewery=saint-fut" >/dev/null; done
echo "| round | read, this tree | read, $REV | transfer, this tree | transfer, $REV |"
echo "|---:|---:|---:|---:|---:|"
for round in $(seq "$ROUNDS"); do
  r_new=$(rps -H "X-Api-Key: $KEY" "http://127.0.0.1:5101/api/v1/stock?brewery=saint-fut")
  r_old=$(rps -H "X-Api-Key: $KEY" "http://127.0.0.1:5102/api/v1/stock?brewery=saint-fut")
  w_new=$(rps -s "$OUT/ab-post.lua" "http://127.0.0.1:5101/api/v1/movements")
  w_old=$(rps -s "$OUT/ab-post.lua" "http://127.0.0.1:5102/api/v1/movements")
  echo "| $round | $r_new | $r_old | $w_new | $w_old |"
done
