#!/usr/bin/env bash
# The gateway's cost at the loads it will really carry, beside a reference commit in the same run. Each load is
# a paced fleet (never a flood): both gateways run at once, each on a shared subscription of its own, so the
# broker delivers every message to both and whatever else the machine does hits both alike. Per gateway and load:
# CPU-seconds per hour and per million messages over the measured window (after a warm-up), and its RSS (mean
# and max of a sample every 10 s).
#
#   REF=3847df6 bench/gateway-load.sh                       idle and pilot (LOADS="idle pilot")
#   REF=3847df6 LOADS=idle MINUTES=5 bench/gateway-load.sh  a shorter window
#
# The loads (the Table's fleets, docs/benchmarks.md "The gateway's cost at paced loads"):
#   idle   50 devices, one reading each every 30 s (a pilot of fridges and kiosks between festivals)
#   pilot  500 devices, one reading each every 10 s
# The busy (10,000 devices at 3,000 msg/s) and flood loads are bench/gateway-memory.sh and bench/gateway-cpu.sh.
set -euo pipefail
REF=${REF:?name the commit to compare with, e.g. REF=HEAD~3}
LOADS=${LOADS:-"idle pilot"}
MINUTES=${MINUTES:-10}
WARMUP=${WARMUP:-60}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
REF_GW=$(reference_gateway "$REF")

load_of() { # load_of NAME: devices and readings per second per device
  case "$1" in
    idle) echo "50 0.0333333" ;;
    pilot) echo "500 0.1" ;;
    *) echo "unknown load $1 (idle, pilot)" >&2; exit 2 ;;
  esac
}

# start TAG DLL PORT: a gateway writing to database bench_load_PORT, its pid in $started.
start() {
  local tag=$1 dll=$2 port=$3 db="bench_load_$3"
  fresh_db "$db"
  ASPNETCORE_CONTENTROOT="$(dirname "$dll")" Urls="http://127.0.0.1:$port" Influx__Database="$db" Spool__Directory="$OUT/spool-$tag" \
    Mqtt__ClientId="gateway:$tag" Mqtt__SharedGroup="$tag" Mqtt__SessionExpirySeconds=300 Inventory__BaseUrl= \
    Logging__LogLevel__Default=Warning dotnet "$dll" > "$OUT/gateway-$tag.log" 2>&1 &
  started=$!
  wait_ready "http://127.0.0.1:$port/readyz" "the gateway (log: $OUT/gateway-$tag.log)"
}

rows=()
for load in $LOADS; do
  read -r devices rate <<<"$(load_of "$load")"
  run="load-$load-$(date +%s)"
  start "$run-ref" "$REF_GW" 5096; ref=$started
  start "$run-cur" "$GW" 5097; cur=$started
  dotnet "$SIM" load --prefix "bl$load" --devices "$devices" --rate "$rate" --duration "$(date -u -d @"$((WARMUP + MINUTES * 60))" +%H:%M:%S)" \
    --connections 5 --window 20 --summary "$OUT/$run.json" > "$OUT/$run.log" &
  sim=$!
  sleep "$WARMUP"
  t0=$(date +%s.%N); r0=$(cpu_seconds "$ref"); c0=$(cpu_seconds "$cur"); : > "$OUT/$run-rss-ref.txt"; : > "$OUT/$run-rss-cur.txt"
  while kill -0 "$sim" 2>/dev/null; do
    awk '/VmRSS/ { print $2 }' "/proc/$ref/status" >> "$OUT/$run-rss-ref.txt"
    awk '/VmRSS/ { print $2 }' "/proc/$cur/status" >> "$OUT/$run-rss-cur.txt"
    sleep 10
  done
  wait "$sim" || true
  t1=$(date +%s.%N); r1=$(cpu_seconds "$ref"); c1=$(cpu_seconds "$cur")
  seconds=$(echo "$t1 - $t0" | bc -l)
  messages=$(echo "$devices * $rate * $seconds" | bc -l)
  for side in ref cur; do
    if [ "$side" = ref ]; then pid=$ref; cpu=$(echo "$r1 - $r0" | bc -l); name="reference ($REF)"; else pid=$cur; cpu=$(echo "$c1 - $c0" | bc -l); name="current"; fi
    read -r mean max < <(awk '{ v = $1 / 1024; if (v > max) max = v; sum += v; n++ } END { printf "%.0f %.0f\n", sum / n, max }' "$OUT/$run-rss-$side.txt")
    rows+=("$(printf '| %s | %s | %d × 1/%.0f s | %.0f s | %.0f | %.1f | %.1f | %s | %s |' "$load" "$name" "$devices" "$(echo "1 / $rate" | bc -l)" \
      "$seconds" "$messages" "$(echo "$cpu * 3600 / $seconds" | bc -l)" "$(echo "$cpu * 1000000 / $messages" | bc -l)" "$mean" "$max")")
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
  forget_session "gateway:$run-ref"; forget_session "gateway:$run-cur"
  echo "$load: done ($OUT/$run.log)" >&2
done
echo
echo "| load | gateway | fleet | measured | messages | CPU-s per hour | CPU-s per million | RSS mean (MiB) | RSS max (MiB) |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
