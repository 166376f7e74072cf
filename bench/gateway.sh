#!/usr/bin/env bash
# Gateway ingestion benchmark (issue: FridgeGateway). Drives the gateway through the real Mosquitto into
# the real InfluxDB with the simulator's load mode, and measures in the same run the two references:
# the broker's own QoS 1 pass-through to a plain mosquitto_sub, and InfluxDB's raw ingest of the same
# line protocol posted in batches. Prints a Markdown table for docs/benchmarks.md.
#
#   bench/gateway.sh                     N=200000 messages, 1,000 and 10,000 devices (after WARMUP=300000)
#   N=500000 DEVICES="10000" bench/gateway.sh
#   SOAK=600 bench/gateway.sh            adds a 10-minute run at a steady rate, sampling the gateway's RSS
set -euo pipefail
N=${N:-200000}
WARMUP=${WARMUP:-300000}  # messages through the gateway before the measured run: its steady state is what counts
DEVICES=${DEVICES-"1000 10000"}  # DEVICES="" with SOAK=600 runs the soak alone
SOAK=${SOAK:-0}
SOAK_RATE=${SOAK_RATE:-2000}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
INFLUX="$Influx__Url"

now() { date +%s.%N; }
# A stopped gateway leaves a persistent session whose queue the broker keeps filling (as it must: a replica
# may come back). Between benchmark runs that would slow the broker down, so each run ends with
# forget_session (bench/common.sh), a connect with the same client id and a clean start.
MOSQ_PID=$(cat "$FRIGO_SERVICE_HOME/mosquitto/mosquitto.pid")
INFLUX_PID=$(cat "$FRIGO_DATA_DIR/influxdb/influxd.pid")
# CPU-seconds of the broker and InfluxDB over a phase: on a small machine they share the cores with the gateway.
phase_cpu() { echo "$(cpu_seconds "$MOSQ_PID") $(cpu_seconds "$INFLUX_PID")"; }

results=()
for devices in $DEVICES; do
  tag="d$devices-$(date +%s)"

  # Reference 1: the broker's own QoS 1 pass-through to a plain mosquitto_sub.
  mosquitto_sub -h "$Mqtt__Host" -p "$Mqtt__Port" -u "$Mqtt__Username" -P "$Mqtt__Password" -q 1 -V mqttv5 \
    -t "\$share/bref-$tag/coop/v1/fridges/#" -C "$N" > /dev/null &
  sub=$!
  sleep 1
  read -r m0 i0 < <(phase_cpu)
  start=$(now); flood "bref-$tag" "$devices" "$N"; wait "$sub"; end=$(now)
  read -r m1 i1 < <(phase_cpu)
  broker_rate=$(echo "$N / ($end - $start)" | bc -l)
  echo "reference pass-through: mosquitto $(echo "$m1 - $m0" | bc) CPU-s over $(echo "$end - $start" | bc) s" >&2

  # Reference 2: InfluxDB's raw ingest of the same line protocol, 5,000 lines a POST, two at a time. Like
  # the gateway's database below, this one first takes WARMUP points of the same devices (not timed), so
  # InfluxDB measures in the same state: series known, its cache filling and compacting as in service.
  db="bench_raw_$devices"
  influx_q "" "DROP DATABASE $db" >/dev/null 2>&1 || true
  curl -sf -XPOST "$INFLUX/query" --data-urlencode "q=CREATE DATABASE $db" > /dev/null
  raw_lines() { # raw_lines FIRST COUNT: fridge readings of the run's devices, numbered from FIRST
    awk -v first="$1" -v n="$2" -v d="$devices" -v t0="$(date +%s%3N)" 'BEGIN { for (i = first; i < first + n; i++) printf "fridge_reading,device=fridge-raw-%05d,kind=fridge temp_c=3.5,ambient_c=21,door_open=false,compressor_on=true,power_w=90,on_battery=false,battery_pct=100,rssi=-60,seq=%di,ts_substituted=false %d\n", i % d, i, (t0 + int(i / d)) * 1000000 + i % 1000000 }'
  }
  post_raw() { split -l 5000 "$1" "$OUT/raw-part-"; ls "$OUT"/raw-part-* | xargs -P 2 -I{} curl -sf -XPOST "$INFLUX/write?db=$db&precision=ns" --data-binary @{}; rm -f "$OUT"/raw-part-*; }
  raw_lines 0 "$WARMUP" > "$OUT/raw-warm.lp"; post_raw "$OUT/raw-warm.lp"
  raw_lines "$WARMUP" "$N" > "$OUT/raw.lp"
  start=$(now)
  post_raw "$OUT/raw.lp"
  end=$(now)
  rm -f "$OUT/raw.lp" "$OUT/raw-warm.lp"
  influx_rate=$(echo "$N / ($end - $start)" | bc -l)

  # The gateway: fresh database and spool, its own client id and shared group.
  db="bench_gw_$devices"
  influx_q "" "DROP DATABASE $db" >/dev/null 2>&1 || true
  curl -sf -XPOST "$INFLUX/query" --data-urlencode "q=CREATE DATABASE $db" > /dev/null
  spool="$OUT/spool-$tag"; rm -rf "$spool"
  port=5091
  ASPNETCORE_CONTENTROOT="$(dirname "$GW")" Urls="http://127.0.0.1:$port" Influx__Database="$db" Spool__Directory="$spool" \
    Mqtt__ClientId="gateway:bench-$tag" Mqtt__SharedGroup="bench-$tag" Mqtt__SessionExpirySeconds=300 Inventory__BaseUrl= \
    Logging__LogLevel__Default=Warning dotnet "$GW" > "$OUT/gateway-$tag.log" 2>&1 &
  gw=$!
  wait_ready "http://127.0.0.1:$port/readyz" "the gateway (log: $OUT/gateway-$tag.log)"
  # Warm-up, not measured: a service runs for weeks, so its steady state is what counts, not the first
  # seconds of JIT compilation (a cold gateway spends about twice the CPU per message; docs/benchmarks.md).
  # The same devices as the measured run (the load generator starts each run on a fresh seq range), so
  # InfluxDB already knows their series too, as it would after weeks.
  flood "bgw-$tag" "$devices" "$WARMUP"
  while [ "$(count_readings "$db")" != "$WARMUP" ]; do sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/metrics" > "$OUT/metrics-$tag-warm.txt"
  cpu0=$(cpu_seconds "$gw")
  read -r m0 i0 < <(phase_cpu)
  start=$(now)
  flood "bgw-$tag" "$devices" "$N"
  published=$(now)
  while [ "$(count_readings "$db")" != "$((WARMUP + N))" ]; do sleep 0.1; done
  end=$(now)
  cpu1=$(cpu_seconds "$gw")
  read -r m1 i1 < <(phase_cpu)
  echo "gateway run: gateway $(echo "$cpu1 - $cpu0" | bc) CPU-s, mosquitto $(echo "$m1 - $m0" | bc), influxd $(echo "$i1 - $i0" | bc) over $(echo "$end - $start" | bc) s" >&2
  rss_peak_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$gw/status")
  curl -sf "http://127.0.0.1:$port/metrics" > "$OUT/metrics-$tag.txt"
  kill "$gw"; wait "$gw" 2>/dev/null || true
  forget_session "gateway:bench-$tag"
  gw_rate=$(echo "$N / ($end - $start)" | bc -l)
  # p50 / p99 of "device ts -> durable in InfluxDB" from the gateway's histogram (upper bucket bounds).
  # The warm-up's messages are taken out: bucket counts after the run minus those before it.
  read -r p50 p99 < <(awk -v n="$N" '/^gateway_ingest_delay_milliseconds_bucket/ {
      match($0, /le="[^"]+"/); le = substr($0, RSTART + 4, RLENGTH - 5)
      if (FILENAME ~ /-warm.txt$/) { before[le] = $NF; next }
      c = $NF - before[le]
      if (!p50 && c >= n * 0.50) p50 = le; if (!p99 && c >= n * 0.99) p99 = le }
      END { print p50, p99 }' "$OUT/metrics-$tag-warm.txt" "$OUT/metrics-$tag.txt")
  lower=$(echo "if ($broker_rate < $influx_rate) $broker_rate else $influx_rate" | bc -l)
  # On one machine the broker's and InfluxDB's work share the same cores, so even a gateway that cost
  # nothing could not exceed 1 / (1/broker + 1/influx): the references' time per message, added up.
  ceiling=$(echo "1 / (1 / $broker_rate + 1 / $influx_rate)" | bc -l)
  gw_cpu=$(echo "$cpu1 - $cpu0" | bc -l)
  results+=("$(printf '| %s | %s | %.0f | %.0f | %.0f | %.0f %% | %.0f | %.0f %% | %.0f | ≤ %s ms | ≤ %s ms | %.1f | %.0f MiB |' \
    "$devices" "$N" "$broker_rate" "$influx_rate" "$gw_rate" "$(echo "100 * $gw_rate / $lower" | bc -l)" \
    "$ceiling" "$(echo "100 * $gw_rate / $ceiling" | bc -l)" "$(echo "$N / $gw_cpu" | bc -l)" "$p50" "$p99" \
    "$(echo "$gw_cpu * 1000000 / $N" | bc -l)" "$(echo "$rss_peak_kb / 1024" | bc -l)")")
  echo "devices=$devices broker=$broker_rate influx=$influx_rate gateway=$gw_rate published_after=$(echo "$published - $start" | bc -l)s" >&2
done

echo
echo "| devices | messages | broker QoS 1 pass-through (msg/s) | InfluxDB raw ingest (points/s) | gateway, acked after durable write (msg/s) | gateway ÷ lower reference | shared-machine ceiling (msg/s) | gateway ÷ ceiling | gateway msg per CPU-second | p50 ts→durable | p99 ts→durable | gateway CPU-s per million | gateway peak RSS |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${results[@]}"

if [ "$SOAK" -gt 0 ]; then
  db="bench_soak"; tag="soak-$(date +%s)"; port=5092
  influx_q "" "DROP DATABASE $db" >/dev/null 2>&1 || true
  curl -sf -XPOST "$INFLUX/query" --data-urlencode "q=CREATE DATABASE $db" > /dev/null
  ASPNETCORE_CONTENTROOT="$(dirname "$GW")" Urls="http://127.0.0.1:$port" Influx__Database="$db" Spool__Directory="$OUT/spool-$tag" \
    Mqtt__ClientId="gateway:$tag" Mqtt__SharedGroup="$tag" Mqtt__SessionExpirySeconds=300 Inventory__BaseUrl= Logging__LogLevel__Default=Warning \
    dotnet "$GW" > "$OUT/gateway-$tag.log" 2>&1 &
  gw=$!
  wait_ready "http://127.0.0.1:$port/readyz" "the gateway (log: $OUT/gateway-$tag.log)"
  dotnet "$SIM" load --prefix "bsoak" --devices 10000 --rate "$(echo "$SOAK_RATE / 10000" | bc -l)" --duration "$(date -u -d @"$SOAK" +%H:%M:%S)" \
    --connections 50 --window 20 > "$OUT/load-soak.log" &
  sim=$!
  : > "$OUT/soak-rss.txt"
  while kill -0 "$sim" 2>/dev/null; do awk -v t="$(date +%s)" '/VmRSS/ { print t, $2 }' "/proc/$gw/status" >> "$OUT/soak-rss.txt"; sleep 10; done
  kill "$gw"; wait "$gw" 2>/dev/null || true
  forget_session "gw-$tag"
  echo
  echo "Soak: $SOAK s at $SOAK_RATE msg/s from 10,000 devices; gateway RSS (MiB) every 10 s, first minute left out:"
  awk 'NR > 6 { v = $2 / 1024; if (min == "" || v < min) min = v; if (v > max) max = v; sum += v; n++ } END { printf "min %.0f, mean %.0f, max %.0f MiB over %d samples\n", min, sum / n, max, n }' "$OUT/soak-rss.txt"
fi
