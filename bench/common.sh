# Sourced by the benchmark scripts: the local services up, a Release build, and what they share.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/.local/bench"; mkdir -p "$OUT"
scripts/services up >/dev/null
eval "$(scripts/services env)"
dotnet build FrigoCoop.slnx -c Release -v quiet -nologo -clp:ErrorsOnly >/dev/null
API="$ROOT/src/Inventory.Api/bin/Release/net10.0/Inventory.Api.dll"
GW="$ROOT/src/FridgeGateway/bin/Release/net10.0/FridgeGateway.dll"
SIM="$ROOT/firmware-sim/bin/Release/net10.0/firmware-sim.dll"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGPASSWORD=$(cat "$FRIGO_DATA_DIR/secrets/postgres-app"); export PGPASSWORD
# The port comes from the services script's settings (the one place that chooses ports).
PG_PORT=$(sed -E 's/.*Port=([0-9]+);.*/\1/' <<<"$ConnectionStrings__Inventory")
psql_() { "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U frigo -qAt "$@"; }

# fresh_inventory_database NAME: an empty PostgreSQL database for the API, which the API then uses.
fresh_inventory_database() {
  psql_ -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
  export ConnectionStrings__Inventory="Host=127.0.0.1;Port=$PG_PORT;Database=$1;Username=frigo;Password=$PGPASSWORD"
}

# wait_ready URL NAME: until the app answers its readiness probe; a clear failure after 20 s.
wait_ready() {
  for _ in $(seq 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.2; done
  echo "$2 did not become ready at $1" >&2; return 1
}

# start_api PORT LOG: the API (Release) in the background, stopped when the script ends; $api is its pid.
start_api() {
  # No per-caller buckets: a benchmark is one caller posting as fast as the machine goes (they would answer it 429).
  ASPNETCORE_CONTENTROOT="$(dirname "$API")" Urls="http://127.0.0.1:$1" Logging__LogLevel__Default=Warning \
    RateLimits__WritesPerMinute=1000000 RateLimits__ExpensiveReadsPerMinute=1000000 dotnet "$API" > "$2" 2>&1 &
  api=$!
  trap 'kill $api 2>/dev/null || true' EXIT
  wait_ready "http://127.0.0.1:$1/readyz" "the inventory API (log: $2)"
}

# InfluxDB (1.x API) and the broker, as the gateway benchmarks use them.
influx_q() { curl -sf -G "$Influx__Url/query" --data-urlencode "db=$1" --data-urlencode "q=$2"; }
fresh_db() { influx_q "" "DROP DATABASE $1" >/dev/null 2>&1 || true; curl -sf -XPOST "$Influx__Url/query" --data-urlencode "q=CREATE DATABASE $1" >/dev/null; }
count_readings() { influx_q "$1" "SELECT count(temp_c) FROM fridge_reading" | sed -nE 's/.*"values":\[\["[^"]*",([0-9]+)\]\].*/\1/p'; }
# forget_session CLIENT_ID: a clean connect discards a stopped gateway's persistent session (else the broker keeps queueing for it).
forget_session() { timeout 5 mosquitto_sub -h "$Mqtt__Host" -p "$Mqtt__Port" -u "$Mqtt__Username" -P "$Mqtt__Password" -i "$1" -t coop/v1/cleanup -W 1 -V mqttv5 >/dev/null 2>&1 || true; }
cpu_seconds() { awk '{ print ($14 + $15) / 100 }' "/proc/$1/stat"; }

# reference_gateway REV: the gateway of commit REV, built (Release) in a worktree of its own under .local/bench
# once per commit; echoes its dll. Benchmarks run it beside the current one for same-run ratios.
reference_gateway() {
  local dir="$OUT/gateway-ref" rev; rev=$(git rev-parse "$1")
  if [ ! -f "$dir/.ref" ] || [ "$(cat "$dir/.ref")" != "$rev" ]; then
    rm -rf "$dir"; git worktree prune
    git worktree add --detach "$dir/src" "$rev" >/dev/null 2>&1
    dotnet build "$dir/src/src/FridgeGateway/FridgeGateway.csproj" -c Release -v quiet -nologo -clp:ErrorsOnly >/dev/null \
      || { echo "the reference gateway ($1) does not build" >&2; return 1; }
    echo "$rev" > "$dir/.ref"
  fi
  echo "$dir/src/src/FridgeGateway/bin/Release/net10.0/FridgeGateway.dll"
}

# flood PREFIX DEVICES COUNT [extra args]: the simulator's load mode, COUNT readings as fast as the broker takes them.
flood() {
  local prefix=$1 devices=$2 count=$3; shift 3
  dotnet "$SIM" load --prefix "$prefix" --devices "$devices" --rate 100000 --count "$count" --connections 50 --window 20 --summary "$OUT/load-$prefix.json" "$@" > "$OUT/load-$prefix.log"
}

# start_node_red DB PORT TAG: Node-RED with node-red-contrib-influxdb (pinned, from npm, into .local/tools), running the
# flow a user would build (MQTT in at QoS 1 → JSON → InfluxDB out, bench/node-red/flows.json) into DB on a shared
# subscription of its own; $node_red is its pid, once it is connected to the broker. The peer a user would pick instead
# of the gateway (bench/gateway-peer.sh, bench/gateway-load.sh).
NODE_RED_VERSION=4.1.2  # 5.x needs Node.js 22.9; Debian 12 has 20
INFLUX_NODES_VERSION=0.7.0
start_node_red() {
  local db=$1 port=$2 tag=$3 tools="$ROOT/.local/tools/node-red" dir="$OUT/node-red-$3" host
  if [ "$(cat "$tools/.version" 2>/dev/null)" != "$NODE_RED_VERSION $INFLUX_NODES_VERSION" ]; then
    command -v npm >/dev/null 2>&1 || { echo "Node-RED: npm is missing: apt-get install npm, then run again" >&2; return 1; }
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "node-red@$NODE_RED_VERSION" "node-red-contrib-influxdb@$INFLUX_NODES_VERSION" >/dev/null
    echo "$NODE_RED_VERSION $INFLUX_NODES_VERSION" > "$tools/.version"
  fi
  host=$(sed -E 's#https?://([^:/]+).*#\1#' <<<"$Influx__Url")
  mkdir -p "$dir"; cp "$ROOT/bench/node-red/settings.js" "$dir/"
  sed -e "s#@MQTT_HOST@#$Mqtt__Host#; s#@MQTT_PORT@#$Mqtt__Port#; s#@CLIENT_ID@#nodered-$tag#; s#@GROUP@#$tag#; s#@INFLUX_HOST@#$host#; s#@INFLUX_PORT@#$(sed -E 's#.*:([0-9]+).*#\1#' <<<"$Influx__Url")#; s#@INFLUX_DB@#$db#g" \
    "$ROOT/bench/node-red/flows.json" > "$dir/flows.json"
  printf '{"broker":{"user":"%s","password":"%s"},"influx":{"username":"","password":""}}' "$Mqtt__Username" "$Mqtt__Password" > "$dir/flows_cred.json"
  NODE_RED_PORT=$port "$tools/node_modules/.bin/node-red" --userDir "$dir" --settings "$dir/settings.js" > "$dir/node-red.log" 2>&1 &
  node_red=$!
  for _ in $(seq 150); do grep -q "Connected to broker" "$dir/node-red.log" && return 0; sleep 0.2; done
  echo "Node-RED did not connect (log: $dir/node-red.log)" >&2; return 1
}
