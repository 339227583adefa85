#!/usr/bin/env bash
# The docker-compose topology as processes on this machine, for trying the farm and looking at the
# dashboards' queries without Docker: two lighthouses (DNS on 127.0.0.1 and 127.0.0.2), three SOCKS
# nodes on 127.0.0.11-13:1080 and Debian's prometheus with the repository's ops/prometheus
# configuration, discovering every member through the lighthouses' /sd/prometheus. Everything listens on loopback only. Members talk over
# mutual TLS: the first start makes a farm CA and one certificate per member with farmctl under
# $FARM_RUN_DIR/certs (kept for later starts), and an operator certificate for farmctl's policy writes
# through a node in $FARM_RUN_DIR/certs/operator.
#
#   ops/local-farm.sh start | stop | status
#
# Environment:
#   FARM_RUN_DIR          run directory: PIDs, logs, cluster data, Prometheus storage
#                         (default ${TMPDIR:-/tmp}/farm-local-$USER)
#   FARM_PORT_OFFSET      added to every port below, for a second farm or a port already taken
#                         (default 0: cluster 4053, 4054 and 4061-4063, admin 9110-9114, metrics
#                         9464-9468, lighthouse DNS 5353, SOCKS 1080, Prometheus 9090)
#   FARM_SCRAPE_INTERVAL  shortens the repository's scrape, rule and discovery intervals
#                         (for example 1s); unset keeps the repository's own
#   FARM_SKIP_BUILD=1     run the existing Release build instead of building first
#   FARM_EXTRA_RULES      policy lines placed before the farm's own (bench/soak/run.sh opens UDP with it)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run="${FARM_RUN_DIR:-${TMPDIR:-/tmp}/farm-local-${USER:-$(id -un)}}"
offset="${FARM_PORT_OFFSET:-0}"
prometheus_port=$((9090 + offset))
tfm=net10.0
nodes=(1 2 3)

# Fixed ports, one per member and role, all distinct on the shared loopback address.
lighthouse_cluster=$((4053 + offset))
lighthouse_admin=$((9110 + offset))
lighthouse_telemetry=$((9464 + offset))
lighthouse_dns=$((5353 + offset))
# The second lighthouse: its own ports, and DNS on its own address so that the two NS records differ.
lighthouse2_cluster=$((4054 + offset))
lighthouse2_admin=$((9114 + offset))
lighthouse2_telemetry=$((9468 + offset))
lighthouse2_dns_address=127.0.0.2
node_cluster() { echo $((4060 + offset + $1)); }
node_admin() { echo $((9110 + offset + $1)); }
node_telemetry() { echo $((9464 + offset + $1)); }
node_socks() { echo "127.0.0.1$1:$((1080 + offset))"; }

members=(prometheus node3 node2 node1 lighthouse2 lighthouse) # stop order: the scraper first, the first seed last

pid_of() { cat "$run/$1.pid" 2>/dev/null || true; }
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# Starts a process in the background with its output in the run directory and records its PID.
launch() {
  local name=$1
  shift
  "$@" >"$run/$name.log" 2>&1 &
  echo $! >"$run/$name.pid"
}

wait_http() {
  local name=$1 url=$2 deadline=$((SECONDS + 60))
  until curl --silent --fail --max-time 2 --output /dev/null "$url"; do
    if ! alive "$(pid_of "$name")"; then
      echo "$name exited; last lines of $run/$name.log:" >&2
      tail -n 20 "$run/$name.log" >&2
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "$name not ready at $url within 60 s; see $run/$name.log" >&2
      exit 1
    fi
    sleep 0.5
  done
}

# The farm's CA and a certificate per member, made once: members accept only peers the CA signed.
# Each member's certificate and key sit in a directory of their own, and each member is given only
# its own: no member is pointed at another's key (all run as one user here, so the files are
# separated, not protected; on real hosts each member has only its own files).
make_certs() {
  local farmctl=(dotnet "$repo/src/Farm.Cli/bin/Release/$tfm/farmctl.dll") name
  [ -f "$run/certs/ca/ca.key" ] || "${farmctl[@]}" certs init --out "$run/certs/ca" >/dev/null
  for name in lighthouse lighthouse2 "${nodes[@]/#/node}"; do
    # A node's certificate also names its SOCKS address: members use only advertised addresses a certificate names.
    local socks_ip=()
    [[ $name == node* ]] && socks_ip=(--ip "$(node_socks "${name#node}" | cut -d: -f1)")
    [ -f "$run/certs/$name/$name.key" ] ||
      "${farmctl[@]}" certs issue "$name" --role "$([[ $name == lighthouse* ]] && echo lighthouse || echo socks)" \
        --ca-dir "$run/certs/ca" --out "$run/certs/$name" --ip 127.0.0.1 "${socks_ip[@]}" >/dev/null
  done
  # The operator's certificate: farmctl signs policy writes through a socks node with it
  # (FARM_OPERATOR_CERT=$run/certs/operator/operator.crt FARM_OPERATOR_KEY=$run/certs/operator/operator.key).
  [ -f "$run/certs/operator/operator.key" ] ||
    "${farmctl[@]}" certs issue operator --role operator --ca-dir "$run/certs/ca" --out "$run/certs/operator" >/dev/null
}

member_environment() {
  local name=$1 cluster=$2 admin=$3 telemetry=$4
  export FARM__CLUSTER__TLS__CERTIFICATE="$run/certs/$name/$name.crt"
  export FARM__CLUSTER__TLS__KEY="$run/certs/$name/$name.key"
  export FARM__CLUSTER__TLS__CA="$run/certs/$name/ca.crt"
  export FARM__CLUSTER__HOSTNAME=127.0.0.1
  export FARM__CLUSTER__PORT=$cluster
  export FARM__CLUSTER__DATADIRECTORY="$run/$name/ddata"
  export FARM__ADMIN__LISTEN="127.0.0.1:$admin"
  export FARM__TELEMETRY__LISTEN="127.0.0.1:$telemetry"
  # Both lighthouses are seeds, in one order for every member: the first forms the farm, either lets a member (re)join.
  export FARM__CLUSTER__SEEDS__0="akka.ssl.tcp://farm@127.0.0.1:$lighthouse_cluster"
  export FARM__CLUSTER__SEEDS__1="akka.ssl.tcp://farm@127.0.0.1:$lighthouse2_cluster"
}

# A lighthouse's DNS on its own address, naming both lighthouses as the zone's name servers.
lighthouse_dns_environment() {
  export FARM__DNS__LISTEN__0="$1:$lighthouse_dns"
  export FARM__DNS__NAMESERVERS__0__NAME=ns1.farm.test
  export FARM__DNS__NAMESERVERS__0__ADDRESSES__0=127.0.0.1
  export FARM__DNS__NAMESERVERS__1__NAME=ns2.farm.test
  export FARM__DNS__NAMESERVERS__1__ADDRESSES__0=$lighthouse2_dns_address
}

protected_ports() {
  local ports=("$lighthouse_cluster" "$lighthouse_admin" "$lighthouse_telemetry" "$lighthouse2_cluster" "$lighthouse2_admin" "$lighthouse2_telemetry" "$prometheus_port") n
  for n in "${nodes[@]}"; do
    ports+=("$(node_cluster "$n")" "$(node_admin "$n")" "$(node_telemetry "$n")")
  done
  echo "${ports[@]}"
}

# The repository's prometheus.yml, pointed at the local lighthouses and the repository's rule files.
prometheus_config() {
  local config
  config="$(sed \
    -e "s#http://lighthouse:9464/sd/prometheus#http://127.0.0.1:$lighthouse_telemetry/sd/prometheus#" \
    -e "s#http://lighthouse2:9464/sd/prometheus#http://127.0.0.1:$lighthouse2_telemetry/sd/prometheus#" \
    -e "s#^\(\s*-\s*\)rules/#\1$repo/ops/prometheus/rules/#" \
    "$repo/ops/prometheus/prometheus.yml")"
  if [ -n "${FARM_SCRAPE_INTERVAL:-}" ]; then
    config="$(sed -E "s#^(\s*(scrape_interval|evaluation_interval|refresh_interval):\s*)\S+#\1$FARM_SCRAPE_INTERVAL#" <<<"$config")"
  fi
  grep -q "127.0.0.1:$lighthouse_telemetry/sd/prometheus" <<<"$config" && grep -q "127.0.0.1:$lighthouse2_telemetry/sd/prometheus" <<<"$config" || {
    echo "ops/prometheus/prometheus.yml no longer names http://lighthouse:9464/sd/prometheus and http://lighthouse2:9464/sd/prometheus" >&2
    exit 1
  }
  echo "$config"
}

# The farm's policy, seeded by the lighthouse and reloaded by the nodes: the default, after two rules
# for trying the farm against servers on this machine. The nodes' loopback opt-in would not do: it
# loosens a node's own file only, never the farm's policy.
farm_policy() {
  local ports
  ports="$(protected_ports) $((1080 + offset)) $lighthouse_dns"
  cat <<EOF
# Written by ops/local-farm.sh: loopback destinations are open, the farm's own ports are not.
block any to 127.0.0.0/8, ::1 port ${ports// /,} name local-farm-ports log warning
${FARM_EXTRA_RULES:-}
pass connect from 127.0.0.0/8, ::1 to 127.0.0.0/8, ::1 name local-loopback

EOF
  cat "$repo/ops/policies/default.policy"
}

start() {
  local name
  for name in "${members[@]}"; do
    if alive "$(pid_of "$name")"; then
      echo "already running ($name, pid $(pid_of "$name")); run '$0 stop' first" >&2
      exit 1
    fi
  done

  # Fail before starting anything when another program (or another farm) holds one of the ports.
  local port address taken=()
  for address in $(protected_ports | tr ' ' '\n' | sed 's/^/127.0.0.1:/') 127.0.0.1:$lighthouse_dns $lighthouse2_dns_address:$lighthouse_dns $(for n in "${nodes[@]}"; do node_socks "$n"; done); do
    port=${address##*:}
    if (exec 3<>"/dev/tcp/${address%:*}/$port") 2>/dev/null; then
      taken+=("$address")
    fi
  done
  if [ ${#taken[@]} -gt 0 ]; then
    echo "in use: ${taken[*]}; stop whatever holds them or set FARM_PORT_OFFSET" >&2
    exit 1
  fi

  if [ "${FARM_SKIP_BUILD:-}" != 1 ]; then
    dotnet build "$repo/src/Farm.Lighthouse/Farm.Lighthouse.csproj" -c Release -v quiet -nologo -clp:NoSummary
    dotnet build "$repo/src/Farm.Node/Farm.Node.csproj" -c Release -v quiet -nologo -clp:NoSummary
    dotnet build "$repo/src/Farm.Cli/Farm.Cli.csproj" -c Release -v quiet -nologo -clp:NoSummary
  fi

  mkdir -p "$run"
  # A member that does not come up leaves nothing behind: whatever did start is stopped by PID.
  trap 'echo "start failed; stopping what was started" >&2; stop' EXIT
  rm -rf "$run/prometheus-data"
  make_certs
  prometheus_config >"$run/prometheus.yml"
  farm_policy >"$run/farm.policy"
  export FARM__POLICY__FILE="$run/farm.policy"

  (
    member_environment lighthouse "$lighthouse_cluster" "$lighthouse_admin" "$lighthouse_telemetry"
    lighthouse_dns_environment 127.0.0.1
    launch lighthouse dotnet "$repo/src/Farm.Lighthouse/bin/Release/$tfm/Farm.Lighthouse.dll"
  )
  (
    member_environment lighthouse2 "$lighthouse2_cluster" "$lighthouse2_admin" "$lighthouse2_telemetry"
    lighthouse_dns_environment "$lighthouse2_dns_address"
    launch lighthouse2 dotnet "$repo/src/Farm.Lighthouse/bin/Release/$tfm/Farm.Lighthouse.dll"
  )
  local n
  for n in "${nodes[@]}"; do
    (
      member_environment "node$n" "$(node_cluster "$n")" "$(node_admin "$n")" "$(node_telemetry "$n")"
      export FARM__SOCKS__LISTENERS__0="$(node_socks "$n")"
      export FARM__SESSIONLOG__PATH="$run/node$n-sessions.jsonl"
      export FARM__SESSIONLOG__NODENAME="node$n"
      launch "node$n" dotnet "$repo/src/Farm.Node/bin/Release/$tfm/Farm.Node.dll"
    )
  done

  wait_http lighthouse "http://127.0.0.1:$lighthouse_telemetry/healthz/ready"
  wait_http lighthouse2 "http://127.0.0.1:$lighthouse2_telemetry/healthz/ready"
  for n in "${nodes[@]}"; do
    wait_http "node$n" "http://127.0.0.1:$(node_telemetry "$n")/healthz/ready"
  done

  launch prometheus prometheus \
    --config.file="$run/prometheus.yml" \
    --storage.tsdb.path="$run/prometheus-data" \
    --web.listen-address="127.0.0.1:$prometheus_port"
  wait_http prometheus "http://127.0.0.1:$prometheus_port/-/ready"
  trap - EXIT

  cat <<EOF
Farm started; run directory $run (PIDs, logs, session records, certs).
  Cluster      mutual TLS between members; CA and member certificates in $run/certs
  Prometheus   http://127.0.0.1:$prometheus_port/targets  (config $run/prometheus.yml)
  Lighthouses  metrics and service discovery http://127.0.0.1:$lighthouse_telemetry/sd/prometheus
               and http://127.0.0.1:$lighthouse2_telemetry/sd/prometheus
               DNS: dig @127.0.0.1 -p $lighthouse_dns socks.farm.test (or @$lighthouse2_dns_address)
  SOCKS nodes  $(for n in "${nodes[@]}"; do printf '%s  ' "$(node_socks "$n")"; done)
Try it against a server on this machine (loopback destinations are allowed, the farm's ports are not):
  python3 -m http.server 8000 --bind 127.0.0.1 &
  curl --socks5 $(node_socks 1) http://127.0.0.1:8000/
  curl --socks5-hostname $(node_socks 2) http://localhost:8000/
Stop with: $0 stop
EOF
}

stop() {
  local name pid deadline
  for name in "${members[@]}"; do
    pid="$(pid_of "$name")"
    if alive "$pid"; then
      kill -TERM "$pid"
      deadline=$((SECONDS + 15))
      while alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
      if alive "$pid"; then
        echo "$name (pid $pid) ignored SIGTERM for 15 s; killing it" >&2
        kill -KILL "$pid"
      fi
      echo "stopped $name (pid $pid)"
    fi
    rm -f "$run/$name.pid"
  done
}

status() {
  local name pid running=0
  for name in lighthouse lighthouse2 node1 node2 node3 prometheus; do
    pid="$(pid_of "$name")"
    if alive "$pid"; then
      echo "$name: running (pid $pid)"
      running=$((running + 1))
    else
      echo "$name: not running"
    fi
  done
  if alive "$(pid_of prometheus)"; then
    local targets up discovered
    targets="$(curl --silent --max-time 5 "http://127.0.0.1:$prometheus_port/api/v1/targets?state=active" || true)"
    up="$(grep -o '"health":"up"' <<<"$targets" | wc -l || true)"
    discovered="$(grep -o '"health":"' <<<"$targets" | wc -l || true)"
    echo "prometheus: $up of $discovered discovered targets up (http://127.0.0.1:$prometheus_port/targets)"
  fi
  [ $running -eq 6 ]
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
