#!/usr/bin/env bash
# A summer on the platform (issue 29, docs/season.md): scripts/season plays firmware-sim/seasons/summer.json
# through the broker, two gateways and the API (Release) and compares every report with the ground truth; then
# every dashboard page and report is loaded on the season's data, signed in as a lead, LOADS times each
# (after 3 warm-up loads): p50 and p99 of curl's total time on this machine (docs/benchmarks.md, "A summer").
#   bench/season.sh                      the summer
#   SEASON=firmware-sim/seasons/short.json LOADS=20 bench/season.sh
#   REPLAY=0 bench/season.sh             the pages only, on the season's data of the last replay
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
SEASON=${SEASON:-firmware-sim/seasons/summer.json}
LOADS=${LOADS:-50}
NAME=$(basename "$SEASON" .json)
DB="season_${NAME//[^a-z0-9]/_}"

started=$(date +%s.%N)
status=0
if [ "${REPLAY:-1}" != 0 ]; then
CONFIG=Release scripts/season "$SEASON" > "$OUT/season-$NAME.txt" 2>&1 || status=$?
wall=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }')
grep -v '^played\|^gateways' "$OUT/season-$NAME.txt" | tail -n 25
differences=$(sed -nE 's/^differences: ([0-9]+)$/\1/p' "$OUT/season-$NAME.txt")
played=$(sed -nE 's/.*: ([0-9]+) device messages and ([0-9]+) actions played and forwarded in ([0-9.]+) s.*/\1 \2 \3/p' "$OUT/season-$NAME.txt")
read -r messages actions play <<<"${played:-? ? ?}"
rows() { psql_ -d "$DB" -c "$1"; }
echo
echo "| season | wall time | device messages | people's actions | played and forwarded | movements | shelf counts | sale lines | differences |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
echo "| $NAME | ${wall} s | $messages | $actions | ${play} s | $(rows 'SELECT count(*) FROM movements') | $(rows 'SELECT count(*) FROM shelf_counts') | $(rows 'SELECT count(*) FROM sale_lines') | ${differences:-none printed (exit $status)} |"
fi

# The pages on the season's data: the API on the season's databases, a lead signed in.
export ConnectionStrings__Inventory="Host=127.0.0.1;Port=$PG_PORT;Database=$DB;Username=frigo;Password=$PGPASSWORD"
export Influx__Database="$DB"
printf 'bench-password-local-only\n' | dotnet "$API" admin create-user --username lea-bench --name "Léa" --role lead --password-stdin >/dev/null
port=5097
start_api "$port" "$OUT/season-pages-api.log"
jar="$OUT/season-cookies.txt"; rm -f "$jar"
curl -sf -c "$jar" -H 'Content-Type: application/json' -d '{"username":"lea-bench","password":"bench-password-local-only"}' "http://127.0.0.1:$port/api/v1/auth/sign-in" >/dev/null
first=$(python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(s['firstDay'])" "$SEASON")
last=$(python3 -c "import json,sys,datetime as d; s=json.load(open(sys.argv[1])); print(d.date.fromisoformat(s['firstDay']) + d.timedelta(days=s['days'] - 1))" "$SEASON")
festival=$(python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print([f['code'] for f in s['festivals'] if f.get('kind', 'festival') == 'festival' and not f.get('cancelledOn')][0])" "$SEASON")
device=$(python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(s['fridges'][0]['device'])" "$SEASON")
measure() { # measure PATH → "p50 p99 status"
  local url="http://127.0.0.1:$port$1" code
  code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' "$url")
  for _ in 1 2 3; do curl -s -b "$jar" -o /dev/null "$url"; done
  for _ in $(seq "$LOADS"); do curl -s -b "$jar" -o /dev/null -w '%{time_total}\n' "$url"; done |
    sort -n | awk -v code="$code" '{ t[NR] = $1 * 1000 } END { printf "%.1f %.1f %s\n", t[int(NR * 0.5)], t[int(NR * 0.99)], code }'
}
echo
echo "| page or report ($NAME's data) | p50 | p99 | status |"
echo "|---|---:|---:|---:|"
for path in / /stock /flotte "/frigos/$device" "/frigos/$device?periode=30j" /alertes /appareils /avis /brassins /epicerie /festivals \
  "/festivals/$festival/listes" "/festivals/$festival/reglement" /membres /parc /personnes "/rapport?du=$first&au=$last" /tournees \
  "/api/v1/sales/fridges?from=$first&to=$last" "/api/v1/sales/revenue?from=$first&to=$last" "/api/v1/table/funder-report?from=$first&to=$last" \
  "/api/v1/festivals/$festival/results" "/api/v1/festivals/$festival/settlement" /api/v1/movements \
  "/releves?mois=${first:0:7}" "/api/v1/money/statements?month=${first:0:7}" "/api/v1/money/statements/${first:0:7}/issues"; do
  read -r p50 p99 code < <(measure "$path")
  echo "| \`$path\` | $p50 ms | $p99 ms | $code |"
done
exit "$status"
