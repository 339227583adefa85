#!/usr/bin/env bash
# Soak: mixed load for a long time against a 3-node farm (ops/local-farm.sh: two lighthouses, three nodes,
# Prometheus, all on loopback), sampling each node's resident memory, descriptors and threads. Judged flat
# when the median of the last window is within 5 % of the median right after the warm-up. See bench/README.md.
#
#   bench/soak/run.sh [MINUTES (30)] [WARMUP_MINUTES (5)]
#
# Load per node: paced 1 s downloads every 5 s, 20 short sessions/s, 200 idle sessions of which a tenth are
# replaced every minute, 20 datagrams/s through a UDP association renewed every two minutes.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
minutes=${1:-30}
warmup=${2:-5}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results=$here/results
work=$results/$stamp
mkdir -p "$work"

export FARM_RUN_DIR=$work/farm
export FARM_PORT_OFFSET=${FARM_PORT_OFFSET:-500}
export FARM_EXTRA_RULES="pass udp from 127.0.0.0/8 to 127.0.0.0/8 name soak-udp"
socks_port=$((1080 + FARM_PORT_OFFSET))

stop_farm() { "$root/ops/local-farm.sh" stop >>"$work/farm-stop.log" 2>&1 || true; }
trap stop_farm EXIT
trap 'exit 130' INT TERM

ulimit -n 20000 2>/dev/null || true
dotnet build "$root/bench/Farm.Bench/Farm.Bench.csproj" -c Release -v quiet -nologo -clp:NoSummary
"$root/ops/local-farm.sh" start >"$work/farm-start.log"

nodes=()
for n in 1 2 3; do
    nodes+=(--node "node$n=127.0.0.1$n:$socks_port@$(cat "$FARM_RUN_DIR/node$n.pid")")
done

echo "soak: $minutes minutes ($warmup warm-up) against ${nodes[*]}; samples in $work/samples.csv" >&2
set +e
# The generator is bounded by its own --minutes; the timeout only guards against a hang.
timeout $(( (minutes + 5) * 60 )) dotnet "$root/bench/Farm.Bench/bin/Release/net10.0/Farm.Bench.dll" soak "${nodes[@]}" \
    --minutes "$minutes" --warmup-minutes "$warmup" --out "$work/samples.csv" 2>"$work/progress.log" | tee "$results/$stamp.txt"
status=${PIPESTATUS[0]}
set -e
echo "results: $results/$stamp.txt, samples: $work/samples.csv, farm logs: $FARM_RUN_DIR" >&2
exit "$status"
