#!/usr/bin/env bash
# CPU per message when the gateway is saturated (issue 20: halve it). The gateway of a reference commit and the
# current one on the same broker and InfluxDB: each warmed up with WARMUP readings, then flooded with N more from
# DEVICES devices as fast as the broker takes them; a gateway's clock and CPU count stop when InfluxDB holds them
# all. Per run: msg/s, the gateway's CPU-seconds per million, its peak RSS.
#
#   REF=08746f5 bench/gateway-cpu.sh          N=200000 WARMUP=600000 DEVICES=1000 ROUNDS=2
#   REF=08746f5 TRY="DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0" bench/gateway-cpu.sh   (the current one again, with these settings)
#   REF=08746f5 TOGETHER=1 bench/gateway-cpu.sh   (both at once, each on a shared subscription of its own)
# In turns (the default), each gateway has the machine to itself, but the machine is shared and noisy: the same
# code measured 8.1-10.4 CPU-s per million in four runs. TOGETHER=1 runs the two side by side on the same
# flood (the broker delivers every reading to both), so that whatever else the machine does hits both alike:
# the ratio is steadier, the absolute figures are those of a busier machine.
# The warm-up is long on purpose: tiered compilation still recompiles hot methods for tens of seconds (perf
# showed the JIT's thread at 11 % of the gateway's CPU after 300,000 messages); a service runs for weeks.
set -euo pipefail
REF=${REF:?name the commit to compare with, e.g. REF=HEAD~3}
N=${N:-200000}
WARMUP=${WARMUP:-600000}
TRY=${TRY:-}
DEVICES=${DEVICES:-1000}
ROUNDS=${ROUNDS:-2}
TOGETHER=${TOGETHER:-}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
REF_GW=$(reference_gateway "$REF")

# start TAG DLL PORT [NAME=VALUE…]: a gateway writing to database bench_cpu_PORT, its pid in $started.
start() {
  local tag=$1 dll=$2 port=$3 db="bench_cpu_$3"
  fresh_db "$db"
  # shellcheck disable=SC2086 # settings are NAME=VALUE words for env
  env ${4:-} ASPNETCORE_CONTENTROOT="$(dirname "$dll")" Urls="http://127.0.0.1:$port" Influx__Database="$db" Spool__Directory="$OUT/spool-$tag" \
    Mqtt__ClientId="gateway:$tag" Mqtt__SharedGroup="$tag" Mqtt__SessionExpirySeconds=300 Inventory__BaseUrl= \
    Logging__LogLevel__Default=Warning dotnet "$dll" > "$OUT/gateway-$tag.log" 2>&1 &
  started=$!
  wait_ready "http://127.0.0.1:$port/readyz" "the gateway (log: $OUT/gateway-$tag.log)"
}

stop() { # stop PID TAG
  kill "$1"; wait "$1" 2>/dev/null || true
  forget_session "gateway:$2"
}

# measure PREFIX NAME PID PORT [NAME PID PORT]: floods N readings after the warm-up; a row per gateway, its CPU
# counted until its own database holds them all.
measure() {
  local prefix=$1; shift
  local names=() pids=() dbs=() cpu0=() start=() done_at=() cpu1=() peak=() i
  while [ $# -gt 0 ]; do names+=("$1"); pids+=("$2"); dbs+=("bench_cpu_$3"); shift 3; done
  flood "$prefix" "$DEVICES" "$WARMUP"
  for i in "${!names[@]}"; do while [ "$(count_readings "${dbs[i]}")" != "$WARMUP" ]; do sleep 0.1; done; done
  for i in "${!names[@]}"; do cpu0[i]=$(cpu_seconds "${pids[i]}"); start[i]=$(date +%s.%N); done
  flood "$prefix" "$DEVICES" "$N"
  local left=${#names[@]}
  while [ "$left" -gt 0 ]; do
    for i in "${!names[@]}"; do
      [ -z "${done_at[i]:-}" ] || continue
      [ "$(count_readings "${dbs[i]}")" = "$((WARMUP + N))" ] || continue
      done_at[i]=$(date +%s.%N); cpu1[i]=$(cpu_seconds "${pids[i]}"); peak[i]=$(awk '/VmHWM/ { print $2 }' "/proc/${pids[i]}/status")
      left=$((left - 1))
    done
    sleep 0.1
  done
  for i in "${!names[@]}"; do
    rows+=("$(printf '| %s | %s | %.0f | %.1f | %.0f MiB |' "${names[i]}" "$N" "$(echo "$N / (${done_at[i]} - ${start[i]})" | bc -l)" \
      "$(echo "(${cpu1[i]} - ${cpu0[i]}) * 1000000 / $N" | bc -l)" "$(echo "${peak[i]} / 1024" | bc -l)")")
    echo "${rows[-1]}" >&2
  done
}

# run NAME DLL [NAME=VALUE…]: one gateway alone (the name's first word goes into ids and the load's device ids).
run() {
  local tag; tag="cpu-${1%% *}-$(date +%s)"
  start "$tag" "$2" 5092 "${3:-}"
  local gw=$started
  measure "$tag" "$1" "$gw" 5092
  stop "$gw" "$tag"
}

# together: the reference and the current one at once, on the same flood (each its own shared group).
together() {
  local stamp; stamp=$(date +%s)
  start "cpu-ref-$stamp" "$REF_GW" 5092; local ref=$started
  start "cpu-cur-$stamp" "$GW" 5094 "$TRY"; local cur=$started
  measure "cpu-$stamp" "reference ($REF), side by side" "$ref" 5092 "current${TRY:+ with $TRY}, side by side" "$cur" 5094
  stop "$ref" "cpu-ref-$stamp"; stop "$cur" "cpu-cur-$stamp"
}

rows=()
for _ in $(seq "$ROUNDS"); do
  if [ -n "$TOGETHER" ]; then together; continue; fi
  run "reference ($REF)" "$REF_GW"; run current "$GW"
  [ -z "$TRY" ] || run "current with $TRY" "$GW" "$TRY"
done
echo
echo "| gateway | messages | msg/s | CPU-s per million | peak RSS |"
echo "|---|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
