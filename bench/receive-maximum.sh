#!/usr/bin/env bash
# Does the local Mosquitto hold a consumer to the Receive Maximum it announces while acknowledgements flow
# (issue 20: the flood's memory)? A consumer announcing 1,000 and acknowledging every 50 ms, 100,000 QoS 1
# messages, on a plain and on a shared subscription. Exit 1 when the broker let it hold more than 1,100.
#
#   bench/receive-maximum.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dotnet build bench/ReceiveMaximumProbe -c Release -v quiet -nologo -clp:ErrorsOnly >/dev/null
probe="bench/ReceiveMaximumProbe/bin/Release/net10.0/ReceiveMaximumProbe.dll"
status=0
for kind in plain shared; do
  dotnet "$probe" "$Mqtt__Host" "$Mqtt__Port" "$Mqtt__Username" "$Mqtt__Password" "$kind" || status=1
done
exit "$status"
