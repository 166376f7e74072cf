#!/usr/bin/env bash
# CPU per message when the gateway is saturated (issue 20: halve it). The gateway of a reference commit and the
# current one, in turns (ROUNDS), on the same broker and InfluxDB: each warmed up with WARMUP readings, then
# flooded with N more from DEVICES devices as fast as the broker takes them; the clock and the CPU count stop
# when InfluxDB holds them all. Per run: msg/s, the gateway's CPU-seconds per million, its peak RSS.
#
#   REF=08746f5 bench/gateway-cpu.sh          N=200000 WARMUP=600000 DEVICES=1000 ROUNDS=2
#   REF=08746f5 TRY="DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0" bench/gateway-cpu.sh   (the current one again, with these settings)
# The warm-up is long on purpose: tiered compilation still recompiles hot methods for tens of seconds (perf
# showed the JIT's thread at 11 % of the gateway's CPU after 300,000 messages); a service runs for weeks.
set -euo pipefail
REF=${REF:?name the commit to compare with, e.g. REF=HEAD~3}
N=${N:-200000}
WARMUP=${WARMUP:-600000}
TRY=${TRY:-}
DEVICES=${DEVICES:-1000}
ROUNDS=${ROUNDS:-2}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
REF_GW=$(reference_gateway "$REF")

rows=()
run() { # run NAME DLL [NAME=VALUE…] (the name's first word goes into ids and the load's device ids)
  local tag; tag="cpu-${1%% *}-$(date +%s)"; local db="bench_cpu" port=5092
  fresh_db "$db"
  # shellcheck disable=SC2086 # settings are NAME=VALUE words for env
  env ${3:-} ASPNETCORE_CONTENTROOT="$(dirname "$2")" Urls="http://127.0.0.1:$port" Influx__Database="$db" Spool__Directory="$OUT/spool-$tag" \
    Mqtt__ClientId="gateway:$tag" Mqtt__SharedGroup="$tag" Mqtt__SessionExpirySeconds=300 Inventory__BaseUrl= \
    Logging__LogLevel__Default=Warning dotnet "$2" > "$OUT/gateway-$tag.log" 2>&1 &
  local gw=$!
  wait_ready "http://127.0.0.1:$port/readyz" "the gateway (log: $OUT/gateway-$tag.log)"
  flood "$tag" "$DEVICES" "$WARMUP"
  while [ "$(count_readings "$db")" != "$WARMUP" ]; do sleep 0.1; done
  local cpu0 start; cpu0=$(cpu_seconds "$gw"); start=$(date +%s.%N)
  flood "$tag" "$DEVICES" "$N"
  while [ "$(count_readings "$db")" != "$((WARMUP + N))" ]; do sleep 0.1; done
  local end cpu1 peak; end=$(date +%s.%N); cpu1=$(cpu_seconds "$gw"); peak=$(awk '/VmHWM/ { print $2 }' "/proc/$gw/status")
  kill "$gw"; wait "$gw" 2>/dev/null || true
  forget_session "gateway:$tag"
  rows+=("$(printf '| %s | %s | %.0f | %.1f | %.0f MiB |' "$1" "$N" "$(echo "$N / ($end - $start)" | bc -l)" \
    "$(echo "($cpu1 - $cpu0) * 1000000 / $N" | bc -l)" "$(echo "$peak / 1024" | bc -l)")")
  echo "${rows[-1]}" >&2
}
for _ in $(seq "$ROUNDS"); do
  run "reference ($REF)" "$REF_GW"; run current "$GW"
  [ -z "$TRY" ] || run "current with $TRY" "$GW" "$TRY"
done
echo
echo "| gateway | messages | msg/s | CPU-s per million | peak RSS |"
echo "|---|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
