#!/bin/bash
# Run once by the influxdb:2.x image after its first setup (/docker-entrypoint-initdb.d), with the
# influx CLI already configured with the admin token. Makes one token per service, each allowed
# only what that service does (DESIGN rule 8: a stolen token is worth as little as possible):
#   the gateway writes the bucket and cannot read it; the API reads it and cannot write.
# Each token lands as a key-per-file setting (file name = configuration key) in a volume that only
# its service mounts (read-only) at /run/secrets/frigo; the admin token stays in this container.
set -euo pipefail
org="$DOCKER_INFLUXDB_INIT_ORG"
bucket_id=$(influx bucket list --org "$org" --name "$DOCKER_INFLUXDB_INIT_BUCKET" --hide-headers | cut -f1)
[ -n "$bucket_id" ] || { echo "service-tokens: bucket $DOCKER_INFLUXDB_INIT_BUCKET not found" >&2; exit 1; }

issue() { # issue SERVICE PERMISSION-FLAG
  local dir="/service-tokens/$1"
  [ -s "$dir/Influx__Token" ] && return 0   # a re-run keeps the token the service already holds
  umask 077
  influx auth create --org "$org" --description "frigo $1" "$2" "$bucket_id" --json \
    | sed -nE 's/.*"token": *"([^"]+)".*/\1/p' > "$dir/Influx__Token.tmp"
  [ -s "$dir/Influx__Token.tmp" ] || { echo "service-tokens: no token issued for $1" >&2; exit 1; }
  chmod 444 "$dir/Influx__Token.tmp"   # read by the service's non-root user through its read-only mount
  mv "$dir/Influx__Token.tmp" "$dir/Influx__Token"
}
issue gateway --write-bucket
issue api --read-bucket
echo "service-tokens: write-only token for the gateway, read-only token for the API"
