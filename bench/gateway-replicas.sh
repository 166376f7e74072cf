#!/usr/bin/env bash
# What several replicas cost (issue 20). The same paced load (DEVICES devices, RATE msg/s in all, DURATION s)
# through one gateway alone, then through N replicas sharing the ingestion with one alert session, where the
# broker delivers every device message twice: once to the shared group, once to the alert session's holder.
# One setup after the other in this script, on the same broker and InfluxDB. Per setup: published, in
# InfluxDB after the load, and the CPU-seconds per million messages of the broker and of the gateways (all
# replicas together). Prints a Markdown table.
#
#   bench/gateway-replicas.sh                     SETUPS="1 1a 2a 3a" RATE=3000 DURATION=60 DEVICES=1000
#   (1: one gateway, alerts on its own subscription; Na: N replicas with Mqtt__AlertSession)
set -euo pipefail
SETUPS=${SETUPS:-"1 1a 2a 3a"}
RATE=${RATE:-3000}
DURATION=${DURATION:-60}
DEVICES=${DEVICES:-1000}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
BROKER=$(cat "$FRIGO_DATA_DIR/services/mosquitto/mosquitto.pid")

rows=()
for setup in $SETUPS; do
  replicas=${setup%a}; tag="rep-$setup-$(date +%s)"; db="bench_replicas"; fresh_db "$db"
  session=""; [ "$setup" != "$replicas" ] && session="gateway:$tag-alerts"
  pids=(); clients=()
  for i in $(seq "$replicas"); do
    port=$((5095 + i))
    ASPNETCORE_CONTENTROOT="$(dirname "$GW")" Urls="http://127.0.0.1:$port" Influx__Database="$db" Spool__Directory="$OUT/spool-$tag-$i" \
      Mqtt__ClientId="gateway:$tag-$i" Mqtt__SharedGroup="$tag" Mqtt__AlertSession="$session" Mqtt__SessionExpirySeconds=300 \
      Inventory__BaseUrl= Logging__LogLevel__Default=Warning dotnet "$GW" > "$OUT/gateway-$tag-$i.log" 2>&1 &
    pids+=($!); clients+=("gateway:$tag-$i")
    wait_ready "http://127.0.0.1:$port/readyz" "replica $i (log: $OUT/gateway-$tag-$i.log)"
  done
  # With an alert session, the load starts once one replica holds it (its subscriptions are then in place).
  if [ -n "$session" ]; then
    for _ in $(seq 100); do
      for i in $(seq "$replicas"); do curl -sf "http://127.0.0.1:$((5095 + i))/readyz" | grep -q '"holding"' && break 2; done
      sleep 0.2
    done
  fi
  gw_cpu() { local sum=0; for p in "${pids[@]}"; do sum=$(echo "$sum + $(cpu_seconds "$p")" | bc -l); done; echo "$sum"; }
  b0=$(cpu_seconds "$BROKER"); g0=$(gw_cpu)
  dotnet "$SIM" load --prefix "$tag" --devices "$DEVICES" --rate "$(echo "$RATE / $DEVICES" | bc -l)" --duration "$(date -u -d @"$DURATION" +%H:%M:%S)" \
    --connections 20 --window 20 --summary "$OUT/load-$tag.json" > "$OUT/load-$tag.log"
  published=$(sed -nE 's/.*"[Pp]ublished": *([0-9]+).*/\1/p' "$OUT/load-$tag.json" | head -n 1)
  for _ in $(seq 120); do [ "$(count_readings "$db")" -ge "$published" ] && break; sleep 0.5; done
  b1=$(cpu_seconds "$BROKER"); g1=$(gw_cpu); landed=$(count_readings "$db")
  for p in "${pids[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
  for c in "${clients[@]}"; do forget_session "$c"; done
  [ -n "$session" ] && forget_session "$session"
  per_million() { echo "($1 - $2) * 1000000 / $published" | bc -l; }
  rows+=("$(printf '| %s | %s | %s | %s | %.1f | %.1f |' "$replicas" "${session:+yes}" "$published" "$landed" "$(per_million "$b1" "$b0")" "$(per_million "$g1" "$g0")")")
  echo "setup $setup: published $published, landed $landed" >&2
done
echo
echo "| replicas | alert session | published | in InfluxDB | broker CPU-s per million | gateways' CPU-s per million |"
echo "|---:|---|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
