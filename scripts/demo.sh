#!/usr/bin/env bash
# The main job: installs what is missing, builds ptrd, starts a throw-away
# PowerDNS on loopback, and reconciles examples/mappings/ against it:
#   validate -> check (before) -> plan -> apply -> plan (nothing left) -> check (after)
# Nothing leaves 127.0.0.1: ptrd is always given the lab's resolver.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build -j"$(nproc)" --target ptrd
ptrd=$root/build/cmd/ptrd

# shellcheck source=scripts/lab/pdns-lab.sh
source scripts/lab/pdns-lab.sh
lab=$(mktemp -d /tmp/ptrd-demo-XXXXXX)
trap 'pdns_lab_stop; rm -rf "$lab"' EXIT
pdns_lab_start "$lab/pdns"
echo "== PowerDNS on 127.0.0.1: DNS port $PDNS_DNS_PORT, API port $PDNS_API_PORT"

# The provider side: reverse zones the account owns, with some PTRs already set.
v6zone=0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
for z in 113.0.203.in-addr.arpa. 100.51.198.in-addr.arpa. "$v6zone"; do pdns_lab_zone "$z"; done
pdns_lab_rr 113.0.203.in-addr.arpa. 10.113.0.203.in-addr.arpa. PTR old-mail.example.com.  # drifted
pdns_lab_rr 113.0.203.in-addr.arpa. 11.113.0.203.in-addr.arpa. PTR mx1.example.com.       # already right
pdns_lab_rr 113.0.203.in-addr.arpa. 13.113.0.203.in-addr.arpa. PTR relay.example.com.     # to be reset
# Forward DNS: every name resolves back, except mx2.example.com (no A record yet),
# which ptrd must refuse to publish (blocked_forward).
for z in example.com. example.net. example.org.; do pdns_lab_zone "$z"; done
pdns_lab_rr example.com. mail.example.com. A 203.0.113.10
pdns_lab_rr example.com. mail.example.com. AAAA 2001:db8::25
pdns_lab_rr example.com. mx1.example.com. A 203.0.113.11
pdns_lab_rr example.com. mx1.example.com. AAAA 2001:db8::26
for i in 1 2 3; do pdns_lab_rr example.com. "web$i.example.com." A "203.0.113.2$((i - 1))"; done
for i in 30 31 32; do pdns_lab_rr example.org. "srv$i.example.org." A "203.0.113.$i"; done
for i in $(seq 0 15); do pdns_lab_rr example.net. "198-51-100-$i.pool.example.net." A "198.51.100.$i"; done

cat > "$lab/ptrd.yaml" <<CONF
apiVersion: ptrd.io/v1alpha1
kind: ReconcilerConfig
spec:
  mappings: ["$root/examples/mappings/"]
  provider:
    type: powerdns
    url: http://127.0.0.1:$PDNS_API_PORT
    apiKeyFile: $PDNS_API_KEY_FILE
  resolvers: ["127.0.0.1:$PDNS_DNS_PORT"]
  policy: upsert-only
  requireForwardMatch: true
  maxChangePercent: 100
  maxChanges: 1000
CONF

run() {  # prints the command, runs it, shows its exit status without stopping
  echo
  echo "== $*"
  set +e
  "$@"
  local rc=$?
  set -e
  echo "(exit status $rc)"
}
run "$ptrd" validate examples/mappings/
run "$ptrd" check --resolver "127.0.0.1:$PDNS_DNS_PORT" 203.0.113.10 203.0.113.11 203.0.113.12 2001:db8::25
run "$ptrd" plan -c "$lab/ptrd.yaml"
run "$ptrd" apply -c "$lab/ptrd.yaml"
run "$ptrd" plan -c "$lab/ptrd.yaml"
run "$ptrd" check -c "$lab/ptrd.yaml"
echo
echo "Demo done. mx2.example.com stays blocked until its A record exists:"
echo "that is the FCrDNS gate at work."
