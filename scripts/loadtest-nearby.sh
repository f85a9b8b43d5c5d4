#!/usr/bin/env bash
# Load test of GET /api/v1/options/nearby at OPTIONS options (default
# 100,000, spread over the country by the demo generator), with wrk on
# loopback. Needs wrk (Debian: apt-get install wrk). Prints wrk's report.
set -euo pipefail
cd "$(dirname "$0")/.."
OPTIONS=${OPTIONS:-100000}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
ADDR=127.0.0.1:18099
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
CGO_ENABLED=0 go build -o "$dir/dichtbij" .
"$dir/dichtbij" -addr "$ADDR" -data-dir "$dir/data" -demo nl -demo-options "$OPTIONS" -log-level warn &
pid=$!
for i in $(seq 1 600); do
  curl -fs "http://$ADDR/readyz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fs "http://$ADDR/readyz" >/dev/null
echo "server ready with $OPTIONS options after ${i}s; wrk -t2 -c$CONNECTIONS -d$DURATION"
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/nearby.lua "http://$ADDR"
