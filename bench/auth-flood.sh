#!/bin/sh
# Issue 16 item 8: no-auth CONNECT latency with and without a 10/s wrong-password flood from
# another source, against a Release node whose policy has one user with a production-cost hash.
# Usage: bench/auth-flood.sh [SECONDS] [FLOOD_PER_SECOND] [--no-build]; loopback ports 1080, 9000-9002.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-10}
rate=${2:-10}
[ "${3:-}" = "--no-build" ] || {
  dotnet build -c Release src/Farm.Node >/dev/null
  dotnet build -c Release bench/Farm.Bench >/dev/null
}
work=$(mktemp -d)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
node=src/Farm.Node/bin/Release/net10.0/Farm.Node.dll
bench=bench/Farm.Bench/bin/Release/net10.0/Farm.Bench.dll
hash=$(echo 'bench-secret' | dotnet "$node" hash-password alice | awk '{print $3}')
cat >"$work/bench.policy" <<POLICY
client pass from 127.0.0.0/8
user alice $hash
pass connect from 127.0.0.3 to 127.0.0.0/8
pass connect from 127.0.0.0/8 to 127.0.0.0/8 auth password
POLICY
dotnet "$bench" serve 9000 --spread 1 >"$work/servers.log" 2>&1 & pids="$pids $!"
FARM__SOCKS__LISTENERS__0=127.0.0.1:1080 FARM__POLICY__FILE="$work/bench.policy" \
  FARM__SESSIONLOG__PATH="$work/sessions.jsonl" FARM__CLUSTER__PORT=0 FARM__CLUSTER__DATADIRECTORY="$work/ddata" \
  FARM__ADMIN__LISTEN=127.0.0.1:0 FARM__TELEMETRY__LISTEN=127.0.0.1:0 \
  dotnet "$node" >"$work/node.out" 2>"$work/node.err" & pids="$pids $!"
sleep 6
timeout 300 dotnet "$bench" auth-flood 127.0.0.1:1080 127.0.0.1:9000 alice "$seconds" "$rate"
