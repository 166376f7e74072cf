#!/usr/bin/env bash
# Gateway memory at 10,000 devices, steady (issue 20). Runs the gateway of a reference commit and the
# current one, and the current one under other GC settings, one after the other in this script on the same
# broker, InfluxDB and load, so that the ratios hold on a shared machine. Each run: RATE msg/s from 10,000
# devices for DURATION seconds (enough messages to fill the old 500,000-key memory), the gateway's RSS every
# 5 s (the first minute left out: JIT and warm-up), its peak RSS, its CPU-seconds per million messages, and
# what it wrote to disk (the spool, the alert state), and a heap snapshot (dotnet-gcdump) of the largest types at
# the end. Prints a Markdown table.
#
#   bench/gateway-memory.sh                         REF=c5a0174 (the last gateway with the 500,000-key memory)
#   REF=HEAD~3 DURATION=300 RATE=3000 VARIANTS="current workstation" bench/gateway-memory.sh
#   DOOR_EVERY=20 bench/gateway-memory.sh   (every 20th reading of a device with its door open: alerts change course
#                                           all the time, as in a real fleet, and the alert state is saved with them)
set -euo pipefail
REF=${REF:-c5a0174}
DURATION=${DURATION:-240}
RATE=${RATE:-3000}
DOOR_EVERY=${DOOR_EVERY:-0}
VARIANTS=${VARIANTS:-"reference current conserve workstation datas-off"}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
INFLUX="$Influx__Url"

REF_GW=$(reference_gateway "$REF")

# dotnet-gcdump in a folder of the benchmark's own, not in the repository's tool manifest: only this script
# uses it, and a third tool there trips the SDK's parallel restore on a fresh machine (dotnet/sdk#53783).
GCDUMP="$OUT/tools/dotnet-gcdump"
[ -x "$GCDUMP" ] || dotnet tool install dotnet-gcdump --version 10.0.750501 --tool-path "$OUT/tools" >/dev/null

variant() { # variant NAME: the gateway dll and the runtime settings of a variant
  case "$1" in
    reference) echo "$REF_GW" ;;
    current) echo "$GW" ;;
    # Server GC with DATAS (the .NET 10 default for ASP.NET Core) asked to keep the heap small.
    conserve) echo "$GW DOTNET_GCConserveMemory=7" ;;
    # Workstation GC, concurrent: one heap, the GC on the allocating thread.
    workstation) echo "$GW DOTNET_gcServer=0 DOTNET_gcConcurrent=1" ;;
    # Server GC without DATAS: a heap per core, as before .NET 9.
    datas-off) echo "$GW DOTNET_GCDynamicAdaptationMode=0" ;;
    # Idle thread-pool threads block at once instead of spinning first (sched_yield was ~10 % of a flood's profile).
    nospin) echo "$GW DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0" ;;
    # The young generation's allocation budget capped at 16 MiB (DATAS sizes it by itself, up to far more).
    gen0cap) echo "$GW DOTNET_GCgen0MaxBudget=0x1000000" ;;
    # JIT-compiled code mapped once instead of twice (write and execute views): what W^X costs in memory.
    # A hardening the gateway keeps; measured to know, not to switch off.
    nowx) echo "$GW DOTNET_EnableWriteXorExecute=0" ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
  esac
}

rows=()
for name in $VARIANTS; do
  read -r dll settings <<<"$(variant "$name")"
  tag="mem-$name-$(date +%s)"; db="bench_mem"; port=5093
  curl -sf -XPOST "$INFLUX/query" --data-urlencode "q=DROP DATABASE $db" >/dev/null || true
  curl -sf -XPOST "$INFLUX/query" --data-urlencode "q=CREATE DATABASE $db" > /dev/null
  # shellcheck disable=SC2086 # the settings are NAME=VALUE words for env
  env $settings ASPNETCORE_CONTENTROOT="$(dirname "$dll")" Urls="http://127.0.0.1:$port" Influx__Database="$db" Spool__Directory="$OUT/spool-$tag" \
    Mqtt__ClientId="gateway:$tag" Mqtt__SharedGroup="$tag" Mqtt__SessionExpirySeconds=300 Inventory__BaseUrl= Logging__LogLevel__Default=Warning \
    dotnet "$dll" > "$OUT/gateway-$tag.log" 2>&1 &
  gw=$!
  wait_ready "http://127.0.0.1:$port/readyz" "the gateway (log: $OUT/gateway-$tag.log)"
  dotnet "$SIM" load --prefix "bmem" --devices 10000 --rate "$(echo "$RATE / 10000" | bc -l)" --duration "$(date -u -d @"$DURATION" +%H:%M:%S)" \
    --connections 50 --window 20 --door-open-every "$DOOR_EVERY" --summary "$OUT/load-$tag.json" > "$OUT/load-$tag.log" &
  sim=$!
  cpu0=$(cpu_seconds "$gw"); io0=$(awk '/^write_bytes/ { print $2 }' "/proc/$gw/io"); : > "$OUT/rss-$tag.txt"
  while kill -0 "$sim" 2>/dev/null; do awk '/VmRSS/ { print $2 }' "/proc/$gw/status" >> "$OUT/rss-$tag.txt"; sleep 5; done
  wait "$sim" || true
  cpu1=$(cpu_seconds "$gw"); io1=$(awk '/^write_bytes/ { print $2 }' "/proc/$gw/io")
  sent=$(sed -nE 's/.*"[Pp]ublished": *([0-9]+).*/\1/p' "$OUT/load-$tag.json" | head -n 1)
  peak=$(awk '/VmHWM/ { print $2 }' "/proc/$gw/status")
  # Where the managed heap is at the end: the largest types by size in a heap snapshot.
  "$GCDUMP" collect -p "$gw" -o "$OUT/heap-$tag.gcdump" >/dev/null 2>&1 \
    && "$GCDUMP" report "$OUT/heap-$tag.gcdump" 2>/dev/null | head -n 14 > "$OUT/heap-$tag.txt" || true
  kill "$gw"; wait "$gw" 2>/dev/null || true
  forget_session "gateway:$tag"
  read -r mean max < <(awk 'NR > 12 { v = $1 / 1024; if (v > max) max = v; sum += v; n++ } END { printf "%.0f %.0f\n", sum / n, max }' "$OUT/rss-$tag.txt")
  rows+=("$(printf '| %s | %s | %s | %s | %.0f MiB | %s | %.1f | %.0f |' "$name" "${settings:-(default: server GC, DATAS)}" "${sent:-?}" "$mean" "$(echo "$peak / 1024" | bc -l)" "$max" \
    "$(echo "($cpu1 - $cpu0) * 1000000 / ${sent:-1}" | bc -l)" "$(echo "($io1 - $io0) / 1048576" | bc -l)")")
  echo "$name: steady mean $mean MiB, max $max MiB, peak $(( peak / 1024 )) MiB; heap: $OUT/heap-$tag.txt" >&2
done
echo
echo "| gateway | runtime settings | messages | steady RSS, mean (MiB) | peak RSS | steady RSS, max (MiB) | CPU-s per million | written to disk (MiB) |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
