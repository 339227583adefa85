#!/usr/bin/env bash
# Side-by-side benchmark on loopback: Farm (one node, Release), Dante, microsocks and a direct
# baseline, measured the same way and interleaved by round. See bench/README.md.
#
#   bench/run.sh [--quick] [--targets direct,farm,dante,microsocks] [--no-build]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
quick=0
build=1
targets=direct,farm,dante,microsocks
while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) quick=1 ;;
        --no-build) build=0 ;;
        --targets) targets=$2; shift ;;
        *) echo "usage: $0 [--quick] [--targets direct,farm,dante,microsocks] [--no-build]" >&2; exit 2 ;;
    esac
    shift
done

if [[ $quick == 1 ]]; then
    rounds=2 duration=1.5 warmup=0.5 idle=2000 settle=1 limit=600
else
    rounds=5 duration=4 warmup=5 idle=5000 settle=2 limit=1800
fi
farm_idle=20000
servers_port=9000
spread=8

stamp=$(date -u +%Y%m%dT%H%M%SZ)
results=$here/results
work=$results/$stamp
mkdir -p "$work"

pids=()
stop_all() {
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    # Bounded wait: 50 x 0.1 s, then whatever is left is killed.
    for _ in $(seq 50); do
        local alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [[ $alive == 0 ]] && break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT
trap 'exit 130' INT TERM

wait_port() { # host port name: bounded to 10 s
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "$3 did not listen on $1:$2; see $work" >&2
    return 1
}

has() { [[ ,$targets, == *,$1,* ]]; }

# Each proxied session holds two descriptors in the proxy (client and upstream) and one in each of
# the generator and the servers process. Raise the limit as far as this machine allows; where the
# hard limit is below what 20,000 sessions need (2 x 20,000 + slack), Farm's idle count is lowered
# to what fits and the table says which count ran.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
nofile=$(ulimit -n)
fits=$(( (nofile - 500) / 2 ))
if (( farm_idle > fits )); then
    echo "ulimit -n is $nofile: Farm idle test lowered from $farm_idle to $fits sessions" >&2
    farm_idle=$fits
fi
if (( idle > fits )); then idle=$fits; fi

bench_dll=$here/Farm.Bench/bin/Release/net10.0/Farm.Bench.dll
node_dll=$root/src/Farm.Node/bin/Release/net10.0/Farm.Node.dll
if [[ $build == 1 ]]; then
    dotnet build -c Release "$here/Farm.Bench" -v quiet -nologo >"$work/build.log"
    if has farm; then dotnet build -c Release "$root/src/Farm.Node" -v quiet -nologo >>"$work/build.log"; fi
fi

# For the generator and its servers only, not for the proxies: idle thread-pool workers sleep
# instead of spinning, so that the three .NET processes sharing 2 cores do not burn each other's
# CPU (ping-pong p99 direct went from ~3.5 ms to ~1 ms). Inline socket completions were tried and
# rejected: they serialize all streams on the one epoll thread (16-stream direct fell to ~1.7 GB/s).
generator_env=(env DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0)

"${generator_env[@]}" dotnet "$bench_dll" serve "$servers_port" --spread "$spread" >"$work/servers.log" 2>&1 &
servers_pid=$!
pids+=("$servers_pid")
wait_port 127.0.0.1 "$servers_port" servers

args=(matrix --servers "$servers_port@$servers_pid" --spread "$spread" --rounds "$rounds" --duration "$duration"
      --warmup "$warmup" --idle "$idle" --idle-settle "$settle" --out "$results/$stamp.json")
has direct && args+=(--target direct)

if has farm; then
    FARM__SOCKS__LISTENERS__0=127.0.0.1:1080 \
    FARM__SOCKS__MAXSESSIONS=50000 \
    FARM__SOCKS__IDLETIMEOUT=01:00:00 \
    FARM__POLICY__ALLOWLOOPBACKDESTINATIONS=true \
    FARM__SESSIONLOG__PATH="$work/farm-sessions.jsonl" \
    FARM__CLUSTER__DATADIRECTORY="$work/farm-ddata" \
        dotnet "$node_dll" >"$work/farm.log" 2>&1 &
    farm_pid=$!
    pids+=("$farm_pid")
    wait_port 127.0.0.1 1080 farm
    args+=(--target "farm=127.0.0.1:1080@$farm_pid" --idle-extra "farm=$farm_idle")
fi

if has dante; then
    cat >"$work/danted.conf" <<CONF
logoutput: $work/danted.log
internal: 127.0.0.1 port = 1081
external: 127.0.0.1
clientmethod: none
socksmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 127.0.0.0/8 to: 127.0.0.0/8 }
socks pass { from: 127.0.0.0/8 to: 127.0.0.0/8 command: connect }
CONF
    danted -f "$work/danted.conf" >"$work/danted.out" 2>&1 &
    dante_pid=$!
    pids+=("$dante_pid")
    wait_port 127.0.0.1 1081 dante
    args+=(--target "dante=127.0.0.1:1081@$dante_pid")
fi

if has microsocks; then
    microsocks -i 127.0.0.1 -p 1082 >"$work/microsocks.log" 2>&1 &
    microsocks_pid=$!
    pids+=("$microsocks_pid")
    wait_port 127.0.0.1 1082 microsocks
    args+=(--target "microsocks=127.0.0.1:1082@$microsocks_pid")
fi

{
    echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, $(uname -sr), $(dotnet --version) SDK"
    echo "# $(danted -v 2>&1 | head -1); microsocks $(dpkg-query -W -f='${Version}' microsocks 2>/dev/null)"
    echo "# bench/run.sh $([[ $quick == 1 ]] && echo --quick) --targets $targets"
} >"$results/$stamp.txt"

# The generator is started in the background and waited for, so that $! is its own PID (through
# timeout, which passes TERM on) and the EXIT trap can stop it.
timeout --signal=TERM "$limit" "${generator_env[@]}" dotnet "$bench_dll" "${args[@]}" \
    > >(tee -a "$results/$stamp.txt") 2> >(tee "$work/progress.log" >&2) &
bench_pid=$!
pids+=("$bench_pid")
wait "$bench_pid"
echo "raw results: $results/$stamp.json; table: $results/$stamp.txt; logs: $work" >&2
