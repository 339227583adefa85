#!/usr/bin/env bash
# Installs what the test suite drives for real on a Debian machine: the SOCKS clients (curl,
# proxychains4, the npm "socks" package), network and mount namespaces (iproute2, util-linux), a packet filter
# inside a test's own namespace (iptables),
# DNS clients (dnsutils), the servers Farm is compared with (dante-server, microsocks), Prometheus, HAProxy
# (the PROXY protocol sender in front of a node), and an MIT
# Kerberos realm with a GSSAPI client for RFC 1961 logins (krb5-kdc, krb5-admin-server, krb5-user, python3-gssapi).
set -euo pipefail

packages=(curl proxychains4 iproute2 iptables util-linux dnsutils dante-server microsocks prometheus haproxy
  krb5-kdc krb5-admin-server krb5-user libgssapi-krb5-2 python3-gssapi)
# Node.js runs the npm "socks" client (BIND, UDP ASSOCIATE); Debian's packages unless one is already on PATH.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
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

# The npm client, pinned by tests/clients/package-lock.json.
here=$(cd "$(dirname "$0")/.." && pwd)
npm ci --prefix "$here/tests/clients" --no-audit --no-fund --silent
