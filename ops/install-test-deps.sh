#!/usr/bin/env bash
# Installs what the test suite drives for real on a Debian machine: the SOCKS clients (curl,
# proxychains4), network namespaces (iproute2), DNS clients (dnsutils), the servers Farm is
# compared with or chained to (dante-server, microsocks) and Prometheus.
set -euo pipefail

packages=(curl proxychains4 iproute2 dnsutils dante-server microsocks prometheus)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # Debian's packages start their daemons where an init system runs; the tests start their own.
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
