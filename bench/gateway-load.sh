#!/usr/bin/env bash
# The gateway's cost at the loads it will really carry, beside a reference commit in the same run, and Node-RED (the
# peer a user would pick instead) beside the current gateway in a second pass at the loads in PEER_LOADS. Within a pass
# both sides run at once, each on a shared subscription of its own, so the broker delivers every message to each and
# whatever else the machine does hits them alike. Per side and load, over the measured window (after a warm-up): CPU-seconds per hour and per million messages,
# RSS (mean and max of a sample every 10 s), and for the gateways the p99 time from a reading's ts to durable in every
# sink (the ingest-delay histogram of /metrics, its upper bucket bound), and its threads' context switches a second (each
# a wake-up and a sleep: on a virtual machine the kernel's largest cost; /proc/<pid>/task/*/status).
#
#   REF=3847df6 bench/gateway-load.sh                          idle, pilot, busy and flood (10 minutes each)
#   REF=3847df6 LOADS="busy" MINUTES=3 bench/gateway-load.sh   one load, a shorter window
#   REF=3847df6 PEER_LOADS= bench/gateway-load.sh              without Node-RED
#   REF=HEAD SETTINGS="Batch__MaxDelay=00:00:00.200" bench/gateway-load.sh   the current gateway with other settings
#
# The loads (docs/benchmarks.md "The gateway's cost at paced loads"):
#   idle   50 devices, one reading each every 30 s (a pilot of fridges and kiosks between festivals)
#   pilot  500 devices, one reading each every 10 s
#   busy   10,000 devices, 3,000 readings a second in all
#   flood  1,000 devices publishing as fast as the broker takes them (the saturated cost)
set -euo pipefail
REF=${REF:?name the commit to compare with, e.g. REF=HEAD~3}
LOADS=${LOADS:-"idle pilot busy flood"}
PEER_LOADS=${PEER_LOADS-"idle busy"}
MINUTES=${MINUTES:-10}
WARMUP=${WARMUP:-60}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
REF_GW=$(reference_gateway "$REF")

load_of() { # load_of NAME: devices, readings per second per device, connections
  case "$1" in
    idle) echo "50 0.0333333 5" ;;
    pilot) echo "500 0.1 5" ;;
    busy) echo "10000 0.3 50" ;;
    flood) echo "1000 100 50" ;;
    *) echo "unknown load $1 (idle, pilot, busy, flood)" >&2; exit 2 ;;
  esac
}

# start_gateway TAG DLL PORT [NAME=VALUE…]: a gateway writing to database bench_load_PORT, its pid in $started.
start_gateway() {
  local tag=$1 dll=$2 port=$3 db="bench_load_$3"; shift 3
  fresh_db "$db"
  env "$@" ASPNETCORE_CONTENTROOT="$(dirname "$dll")" Urls="http://127.0.0.1:$port" Influx__Database="$db" Spool__Directory="$OUT/spool-$tag" \
    Mqtt__ClientId="gateway:$tag" Mqtt__SharedGroup="$tag" Mqtt__SessionExpirySeconds=300 Inventory__BaseUrl= \
    Logging__LogLevel__Default=Warning dotnet "$dll" > "$OUT/gateway-$tag.log" 2>&1 &
  started=$!
  wait_ready "http://127.0.0.1:$port/readyz" "the gateway (log: $OUT/gateway-$tag.log)"
}

# switches PID: the context switches of the process's threads so far (voluntary and not).
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { printf "%d\n", n }'; }
# received PORT: the gateway's messages received so far. delay_buckets PORT: its ingest-delay histogram, "bound count" a line.
received() { curl -sf "http://127.0.0.1:$1/metrics" | awk '/^gateway_messages_received_total/ { n += $NF } END { printf "%d\n", n }'; }
delay_buckets() { curl -sf "http://127.0.0.1:$1/metrics" | sed -nE 's/^gateway_ingest_delay_milliseconds_bucket\{.*le="([^"]+)"\} ([0-9]+).*/\1 \2/p'; }
# p99 BEFORE AFTER: the smallest bucket bound holding 99 % of the readings made durable between the two histograms.
p99() {
  local total; total=$(join <(sort "$1") <(sort "$2") | awk '$1 == "+Inf" { print $3 - $2 }')
  join <(sort "$1") <(sort "$2") | awk '$1 != "+Inf" { print $1, $3 - $2 }' | sort -g \
    | awk -v total="$total" '$2 >= 0.99 * total { printf "≤ %g ms\n", $1; found = 1; exit } END { if (!found) print "> 60 s" }'
}

# Whatever is still running when the script ends (a failure half-way) is stopped with it.
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
rows=()
# measure LOAD SIDES: the load played to the sides running at once (ref: the reference gateway, cur: the current one,
# nr: Node-RED) over the window after the warm-up; a row a side.
measure() {
  local load=$1 sides=$2 devices rate connections run side pid cpu name messages delay mean max seconds t0 t1 sim switched
  read -r devices rate connections <<<"$(load_of "$load")"
  run="load-$load-$(date +%s)"
  declare -A pid cpu0 sw0 n0 n1 port=([ref]=5096 [cur]=5097 [nr]=5095)
  for side in $sides; do
    case $side in
      ref) start_gateway "$run-ref" "$REF_GW" 5096; pid[ref]=$started ;;
      # shellcheck disable=SC2086 # SETTINGS are NAME=VALUE words
      cur) start_gateway "$run-cur" "$GW" 5097 ${SETTINGS:-}; pid[cur]=$started ;;
      nr) fresh_db bench_load_nodered; start_node_red bench_load_nodered 5095 "$run"; pid[nr]=$node_red ;;
    esac
  done
  dotnet "$SIM" load --prefix "bl$load" --devices "$devices" --rate "$rate" --duration "$(date -u -d @"$((WARMUP + MINUTES * 60))" +%H:%M:%S)" \
    --connections "$connections" --window 20 --summary "$OUT/$run.json" > "$OUT/$run.log" &
  sim=$!
  sleep "$WARMUP"
  t0=$(date +%s.%N)
  for side in $sides; do
    cpu0[$side]=$(cpu_seconds "${pid[$side]}"); sw0[$side]=$(switches "${pid[$side]}"); : > "$OUT/$run-rss-$side.txt"
    [ "$side" = nr ] && continue
    n0[$side]=$(received "${port[$side]}"); delay_buckets "${port[$side]}" > "$OUT/$run-delay0-$side.txt"
  done
  while kill -0 "$sim" 2>/dev/null; do
    for side in $sides; do awk '/VmRSS/ { print $2 }' "/proc/${pid[$side]}/status" >> "$OUT/$run-rss-$side.txt"; done
    sleep 10
  done
  wait "$sim" || true
  t1=$(date +%s.%N)
  for side in $sides; do
    [ "$side" = nr ] && continue
    n1[$side]=$(received "${port[$side]}"); delay_buckets "${port[$side]}" > "$OUT/$run-delay1-$side.txt"
  done
  seconds=$(echo "$t1 - $t0" | bc -l)
  for side in $sides; do
    cpu=$(echo "$(cpu_seconds "${pid[$side]}") - ${cpu0[$side]}" | bc -l)
    switched=$(( $(switches "${pid[$side]}") - sw0[$side] ))
    case $side in
      ref) name="gateway, reference ($REF)" ;;
      cur) name="gateway, current${SETTINGS:+ ($SETTINGS)}" ;;
      nr) name="Node-RED $NODE_RED_VERSION" ;;
    esac
    if [ "$side" = nr ]; then
      # Node-RED is delivered what the gateway beside it is (each its own shared group); it has no time-to-durable to read.
      messages=$((n1[cur] - n0[cur])); delay="—"
    else
      messages=$((n1[$side] - n0[$side])); delay=$(p99 "$OUT/$run-delay0-$side.txt" "$OUT/$run-delay1-$side.txt")
    fi
    read -r mean max < <(awk '{ v = $1 / 1024; if (v > max) max = v; sum += v; n++ } END { printf "%.0f %.0f\n", sum / n, max }' "$OUT/$run-rss-$side.txt")
    rows+=("$(printf '| %s | %s | %d at %s/s | %.0f s | %d | %.1f | %.1f | %.0f | %s | %s | %s |' "$load" "$name" "$devices" "$rate" \
      "$seconds" "$messages" "$(echo "$cpu * 3600 / $seconds" | bc -l)" "$(echo "$cpu * 1000000 / ($messages + 0.000001)" | bc -l)" \
      "$(echo "$switched / $seconds" | bc -l)" "$mean" "$max" "$delay")")
    kill "${pid[$side]}"; wait "${pid[$side]}" 2>/dev/null || true
  done
  forget_session "gateway:$run-ref"; forget_session "gateway:$run-cur"; forget_session "nodered-$run"
  echo "$load ($sides): done ($OUT/$run.log)" >&2
}

for load in $LOADS; do
  measure "$load" "ref cur"
  # Node-RED in a pass of its own beside the current gateway: three at once overload a two-core machine at the busy load.
  if [[ " $PEER_LOADS " == *" $load "* ]]; then measure "$load" "cur nr"; fi
done
echo
echo "| load | side | fleet (readings/s a device) | measured | messages | CPU-s per hour | CPU-s per million | switches a second | RSS mean (MiB) | RSS max (MiB) | p99 to durable |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
