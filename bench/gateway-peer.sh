#!/usr/bin/env bash
# The gateway beside the alternative a user would pick instead (issue 20): Node-RED with
# node-red-contrib-influxdb, the flow a user would build (MQTT in at QoS 1 → JSON → InfluxDB out,
# bench/node-red/flows.json), on the same broker, InfluxDB and load, one after the other in this script.
#   1. The highest rate each holds without loss: RATES total msg/s from 1,000 devices, STEP seconds each;
#      a step holds when every published reading is in InfluxDB within DRAIN seconds of the last.
#   2. What each loses when InfluxDB is killed (SIGKILL) for 10 s at 1,000 msg/s.
# Prints Markdown tables for docs/benchmarks.md.
#
#   bench/gateway-peer.sh
#   RATES="1000 2000 4000" STEP=20 DRAIN=30 bench/gateway-peer.sh
set -euo pipefail
RATES=${RATES:-"1000 2000 4000 8000 16000"}
PEERS=${PEERS:-"gateway node-red"}
STEP=${STEP:-20}
DRAIN=${DRAIN:-30}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
INFLUX="$Influx__Url"
DEVICES=1000

start_peer() { # start_peer NAME DB: the gateway or Node-RED reading the fridges' telemetry into DB; $peer is its pid
  local name=$1 db=$2 tag; tag="$name-$(date +%s%N | tail -c 8)"
  if [ "$name" = gateway ]; then
    ASPNETCORE_CONTENTROOT="$(dirname "$GW")" Urls="http://127.0.0.1:5094" Influx__Database="$db" Spool__Directory="$OUT/spool-peer-$tag" \
      Mqtt__ClientId="gateway:$tag" Mqtt__SharedGroup="$tag" Mqtt__SessionExpirySeconds=300 Inventory__BaseUrl= Logging__LogLevel__Default=Warning \
      dotnet "$GW" > "$OUT/peer-$tag.log" 2>&1 &
    peer=$!; peer_client="gateway:$tag"
    wait_ready "http://127.0.0.1:5094/readyz" "the gateway (log: $OUT/peer-$tag.log)"
  else
    start_node_red "$db" 5095 "$tag"
    peer=$node_red; peer_client="nodered-$tag"
  fi
}
stop_peer() { kill "$peer" 2>/dev/null; wait "$peer" 2>/dev/null || true; forget_session "$peer_client"; }
load() { # load PREFIX RATE SECONDS: RATE msg/s in all from the 1,000 devices; echoes how many were published
  dotnet "$SIM" load --prefix "$1" --devices "$DEVICES" --rate "$(echo "$2 / $DEVICES" | bc -l)" --duration "$(date -u -d @"$3" +%H:%M:%S)" \
    --connections 20 --window 20 --summary "$OUT/load-$1.json" > "$OUT/load-$1.log"
  sed -nE 's/.*"[Pp]ublished": *([0-9]+).*/\1/p' "$OUT/load-$1.json" | head -n 1
}
drain() { # drain DB EXPECTED: seconds until EXPECTED points are in DB (or DRAIN+ when they are not); echoes "landed seconds"
  local start; start=$(date +%s.%N)
  while :; do
    local landed; landed=$(count_readings "$1"); landed=${landed:-0}
    local waited; waited=$(echo "$(date +%s.%N) - $start" | bc -l)
    if [ "$landed" -ge "$2" ] || [ "$(echo "$waited > $DRAIN" | bc)" = 1 ]; then echo "$landed $waited"; return; fi
    sleep 0.5
  done
}

rate_rows=(); outage_rows=()
for name in $PEERS; do
  held=0
  for rate in $RATES; do
    db="bench_peer"; fresh_db "$db"; start_peer "$name" "$db"
    cpu0=$(cpu_seconds "$peer")
    published=$(load "peer-$name-$rate-$(date +%s)" "$rate" "$STEP")
    read -r landed waited < <(drain "$db" "$published")
    cpu1=$(cpu_seconds "$peer")
    stop_peer
    ok=$([ "$landed" -ge "$published" ] && echo yes || echo no)
    rate_rows+=("$(printf '| %s | %s | %s | %s | %.1f s | %s | %.1f |' "$name" "$rate" "$published" "$landed" "$waited" "$ok" "$(echo "($cpu1 - $cpu0) * 1000000 / $published" | bc -l)")")
    echo "$name at $rate msg/s: $landed of $published landed, drained in $waited s" >&2
    [ "$ok" = yes ] && held=$rate || break
  done
  rate_rows+=("| **$name** | **holds $held msg/s** | | | | | |")

  # InfluxDB killed for 10 s at 1,000 msg/s, 40 s of load: what lands in the end.
  db="bench_peer_outage"; fresh_db "$db"; start_peer "$name" "$db"
  tag="peer-outage-$name-$(date +%s)"
  load "$tag" 1000 40 > "$OUT/published-$tag" &
  sim=$!
  sleep 10
  kill -9 "$(cat "$FRIGO_DATA_DIR/influxdb/influxd.pid")"
  sleep 10
  scripts/services up >/dev/null
  wait "$sim"; published=$(cat "$OUT/published-$tag")
  read -r landed waited < <(DRAIN=120 drain "$db" "$published")
  stop_peer
  outage_rows+=("$(printf '| %s | %s | %s | %s | %.1f s |' "$name" "$published" "$landed" "$((published - landed))" "$waited")")
  echo "$name, InfluxDB killed for 10 s: $landed of $published landed" >&2
done

echo
echo "Highest rate held without loss ($DEVICES devices, ${STEP} s a step, every reading in InfluxDB within ${DRAIN} s of the last):"
echo
echo "| peer | msg/s | published | in InfluxDB | drained after the load | held | CPU-s per million |"
echo "|---|---:|---:|---:|---:|---|---:|"
printf '%s\n' "${rate_rows[@]}"
echo
echo "InfluxDB killed (SIGKILL) for 10 s at 1,000 msg/s, 40 s of load:"
echo
echo "| peer | published | in InfluxDB | lost | drained after the load |"
echo "|---|---:|---:|---:|---:|"
printf '%s\n' "${outage_rows[@]}"
