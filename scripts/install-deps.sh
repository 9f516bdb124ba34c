#!/usr/bin/env bash
# Installs every Debian 12 package ptrd needs to build, test and run its demo.
# Idempotent: packages already present are skipped by apt itself.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake make pkg-config git ca-certificates clang-format
  # libraries
  libyaml-cpp-dev libcurl4-openssl-dev nlohmann-json3-dev libc-ares-dev
  prometheus-cpp-dev libcli11-dev libspdlog-dev libfmt-dev libcpp-httplib-dev
  libidn2-dev libssl-dev zlib1g-dev libldns-dev libexpat1-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # real DNS servers and DNS tools for the lab (tests, demo, benchmarks)
  pdns-server pdns-backend-sqlite3 sqlite3 nsd dnsperf adns-tools dnsutils curl
  procps time
  # RFC 2136 primaries for the rfc2136 provider's tests (BIND 9, Knot DNS) and nsupdate
  bind9 bind9-utils bind9-dnsutils knot
  # deploy checks (tests/deploy): promtool for the alert rules, Prometheus for the e2e test
  prometheus
  # the status page in a real headless browser (tests/status_page, driven by node)
  chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm packages of the deploy checks: pinned by tests/deploy/package-lock.json, into
# its git-ignored node_modules; `npm ci` only when missing or stale. Node.js and
# npm come with the machine, not from the list above.
bash "$(dirname "$0")/../tests/deploy/npm-install.sh"

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
# Debian's service packages (pdns-server, nsd, bind9, knot) try to start their daemons on
# install; ptrd's lab starts its own on loopback, so keep them from starting.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
