#!/usr/bin/env bash
# Page load (server time) of the fleet page for 500 devices (issue: Dashboard). A fresh database with
# 500 devices placed at COOP fridges, a fresh InfluxDB database with a day of readings for each and a
# few alerts; the API (Release) serves /flotte to a signed-in lead; curl measures 100 loads, and the
# JSON /api/v1/fridges (the same data without HTML) as the reference.
set -euo pipefail
DEVICES=${DEVICES:-500}
LOADS=${LOADS:-100}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
fresh_inventory_database bench_dash
export Influx__Database=bench_dash
curl -sf -XPOST "$Influx__Url/query" --data-urlencode "q=DROP DATABASE bench_dash" >/dev/null; curl -sf -XPOST "$Influx__Url/query" --data-urlencode "q=CREATE DATABASE bench_dash" >/dev/null
dotnet "$API" admin demo-data >/dev/null
printf 'bench-password-local-only\n' | dotnet "$API" admin create-user --username lea --name "Léa" --role lead --password-stdin >/dev/null
psql_ -d bench_dash -c "INSERT INTO devices (device_id, kind, location_id)
  SELECT 'fridge-bench-' || lpad(i::text, 4, '0'), 'fridge', (SELECT id FROM locations WHERE kind = 'coop_fridge' ORDER BY id LIMIT 1 OFFSET i % 5)
  FROM generate_series(1, $DEVICES) i"
now_ms=$(date +%s%3N)
awk -v n="$DEVICES" -v now="$now_ms" 'BEGIN { for (d = 1; d <= n; d++) for (m = 0; m < 288; m++) {
    t = now - m * 300000; printf "fridge_reading,device=fridge-bench-%04d,kind=fridge temp_c=%.2f,door_open=false,on_battery=false,power_w=90,battery_pct=100,seq=%di %d\n", d, 3 + (m % 7) / 5, m, t * 1000000 }
  for (d = 1; d <= n; d += 25) printf "alert,device=fridge-bench-%04d,type=temperature_high state=\"raised\",value=9.1 %d\n", d, (now - 600000) * 1000000 }' > "$OUT/dash.lp"
split -l 10000 "$OUT/dash.lp" "$OUT/dash-part-"
for f in "$OUT"/dash-part-*; do curl -sf -XPOST "$Influx__Url/write?db=bench_dash&precision=ns" --data-binary @"$f"; done
rm -f "$OUT"/dash-part-* "$OUT/dash.lp"

port=5096
start_api "$port" "$OUT/dash-api.log"
jar="$OUT/cookies.txt"; rm -f "$jar"
curl -sf -c "$jar" -H 'Content-Type: application/json' -d '{"username":"lea","password":"bench-password-local-only"}' "http://127.0.0.1:$port/api/v1/auth/sign-in" >/dev/null
measure() { # measure URL → "p50 p99 bytes" in ms over LOADS sequential loads (after 5 warm-up loads)
  for _ in $(seq 5); do curl -sf -b "$jar" -o /dev/null "$1"; done
  for _ in $(seq "$LOADS"); do curl -sf -b "$jar" -o /dev/null -w '%{time_total} %{size_download}\n' "$1"; done |
    sort -n | awk '{ t[NR] = $1 * 1000; b = $2 } END { printf "%.1f %.1f %d\n", t[int(NR * 0.5)], t[int(NR * 0.99)], b }'
}
read -r page50 page99 pagebytes < <(measure "http://127.0.0.1:$port/flotte")
read -r json50 json99 jsonbytes < <(measure "http://127.0.0.1:$port/api/v1/fridges")
rows=$(curl -sf -b "$jar" "http://127.0.0.1:$port/flotte" | grep -c 'data-device=')
echo "| devices listed | /flotte p50 | /flotte p99 | page size | /api/v1/fridges p50 (reference) | p99 | JSON size |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
echo "| $rows | $page50 ms | $page99 ms | $((pagebytes / 1024)) KiB | $json50 ms | $json99 ms | $((jsonbytes / 1024)) KiB |"
