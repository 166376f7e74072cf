#!/usr/bin/env bash
# A/B of the inventory API against an earlier revision, on the same database, interleaved so that the
# shared machine's drift falls on both alike: `bench/api-ab.sh REV` builds REV (a git worktree under
# .local/bench), starts both APIs (Release), then alternates 10 s wrk runs of a brewer's "my stock"
# read, of a 1-unit transfer, and of shelf counts posted as the gateway does (two fridges, each count its own seq and a
# later ts, one sale each: the device-report path), ROUNDS times (3), at C connections (64).
set -euo pipefail
REV=${1:?usage: bench/api-ab.sh REV (the revision to compare the working tree with)}
ROUNDS=${ROUNDS:-3}; C=${C:-64}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# The load generator, from Debian's packages (a fresh machine has none).
command -v wrk >/dev/null 2>&1 || { echo "api-ab: installing wrk from Debian's packages" >&2
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq --no-install-recommends wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
  else sudo -n apt-get install -y -qq --no-install-recommends wrk >/dev/null; fi; }
THEIRS="$OUT/ab-$REV"
[ -d "$THEIRS" ] || git worktree add -f "$THEIRS" "$REV" -q
dotnet build "$THEIRS/src/Inventory.Api/Inventory.Api.csproj" -c Release -v quiet -nologo -clp:ErrorsOnly >/dev/null
OLD="$THEIRS/src/Inventory.Api/bin/Release/net10.0/Inventory.Api.dll"
fresh_inventory_database bench_ab
dotnet "$API" admin demo-data >/dev/null
KEY=$(dotnet "$API" admin create-key --role brewer --brewery saint-fut --name bench | tail -n 1)
GATEWAY_KEY=$(dotnet "$API" admin create-key --role gateway --name bench-gateway | tail -n 1)
psql_ -d bench_ab -c "INSERT INTO movements (kind, sku, lot_code, units, to_location_id, occurred_at, actor) SELECT 'production', 'STFUT-BLONDE-473', 'BENCH', 10000000, id, now(), 'bench' FROM locations WHERE code = 'saint-fut-brasserie'" \
  -c "INSERT INTO stock_levels (sku, location_id, lot_code, units) SELECT 'STFUT-BLONDE-473', id, 'BENCH', 10000000 FROM locations WHERE code = 'saint-fut-brasserie'"
# Both without per-caller buckets (they would answer the flood 429): the A/B measures the work, not the limit.
start() { ASPNETCORE_CONTENTROOT="$(dirname "$2")" Urls="http://127.0.0.1:$1" Logging__LogLevel__Default=Warning \
  RateLimits__WritesPerMinute=1000000 RateLimits__ExpensiveReadsPerMinute=1000000 dotnet "$2" > "$OUT/ab-$1.log" 2>&1 & }
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
# A shelf count per request, in time order, as a busy fridge sends them: each wrk thread is one fridge counting every
# 30 s of event time, one unit fewer each time; in round r, thread t posts seq r*10^10+n (never a replay). Each API
# counts fridges of its own (same shape), so neither re-derives the other's.
count_lua() {
  cat > "$OUT/ab-count-$1.lua" <<LUA
local devices = { "$2", "$3" }
local threads, n, id, round = 0, 0, 0, 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
function init(args) round = tonumber(args[1]) end
function request()
  n = n + 1
  local device = devices[id + 1]
  local seq = round * 10000000000 + n
  local ts = os.date("!%Y-%m-%dT%H:%M:%S.000Z", 1700000000 + round * 20000000 + n * 30)
  local body = string.format('{"deviceId":"%s","seq":%d,"ts":"%s","items":[{"sku":"STFUT-BLONDE-473","units":%d}]}', device, seq, ts, math.max(0, 100000 - n))
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["X-Api-Key"] = "$GATEWAY_KEY", ["Idempotency-Key"] = device .. ":" .. seq}, body)
end
LUA
}
# Not fridge-stfut-01: the transfers above fill its fridge, and each side must count alike.
count_lua this fridge-stfut-02 fridge-epicerie-01; count_lua theirs fridge-epicerie-02 fridge-bar-01
# Requests per second; a run with refused requests (non-2xx) is no measure: it says so.
rps() { wrk -t2 -c"${CONNS:-$C}" -d10s "$@" | awk '/Non-2xx/ { bad = $NF } /Requests\/sec/ { rate = $2 } END { printf (bad ? "%.0f (%s refused)" : "%.0f"), rate, bad }'; }
for port in 5101 5102; do wrk -t2 -c16 -d5s -H "X-Api-Key: $KEY" "http://127.0.0.1:$port/api/v1/stock?brewery=saint-fut" >/dev/null; done
echo "| round | read, this tree | read, $REV | transfer, this tree | transfer, $REV | count, this tree | count, $REV |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for round in $(seq "$ROUNDS"); do
  r_new=$(rps -H "X-Api-Key: $KEY" "http://127.0.0.1:5101/api/v1/stock?brewery=saint-fut")
  r_old=$(rps -H "X-Api-Key: $KEY" "http://127.0.0.1:5102/api/v1/stock?brewery=saint-fut")
  w_new=$(rps -s "$OUT/ab-post.lua" "http://127.0.0.1:5101/api/v1/movements")
  w_old=$(rps -s "$OUT/ab-post.lua" "http://127.0.0.1:5102/api/v1/movements")
  # One connection per fridge: a device's reports come one after the other.
  c_new=$(CONNS=2 rps -s "$OUT/ab-count-this.lua" "http://127.0.0.1:5101/api/v1/device-reports/stock-counts" "$round")
  c_old=$(CONNS=2 rps -s "$OUT/ab-count-theirs.lua" "http://127.0.0.1:5102/api/v1/device-reports/stock-counts" "$round")
  echo "| $round | $r_new | $r_old | $w_new | $w_old | $c_new | $c_old |"
done
