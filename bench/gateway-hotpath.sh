#!/usr/bin/env bash
# The gateway's per-message work in-process (issue 20: CPU per message), under BenchmarkDotNet: parse, line
# protocol, alert machines, the whole of Prepare for one message, a batch's spool record. Time and bytes
# allocated per message; bytes allocated do not depend on what else the machine is doing.
#
#   bench/gateway-hotpath.sh                  # BenchmarkDotNet's short run
#   bench/gateway-hotpath.sh --job default    # longer, steadier
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dotnet run -c Release --project bench/GatewayHotPath -- --filter '*' --job short --inProcess --artifacts .local/bench/hotpath "$@"
