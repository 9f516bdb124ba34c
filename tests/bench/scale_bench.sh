#!/usr/bin/env bash
# Fleet-scale benchmark for the one-shot commands: memory and time of `validate`,
# `check -o text`, `check -o json` and `plan` (everything in sync) at several fleet
# sizes, extra bytes per added address (slope between sizes), time per address,
# and `check`'s queries/s against dnsperf's on the same server and query mix.
#
#   tests/bench/scale_bench.sh [BUILD_DIR]      (default: build; needs ptrd and noc-emulator)
#
# Environment:
#   SIZES="65536 262144 1048576"   fleet sizes (addresses), ascending
#   ROUNDS=3                        dnsperf/check alternations per size (median; 0: none)
#   RT=0                            1: NSD and the clients under SCHED_FIFO (root)
#   QUIET=0                         1: only the final table (the smoke test uses it)
#
# Lab per size N: addresses 10.0.0.0 .. 10.0.0.0+N-1, each declared in one bulk
# mapping file as host-B-C-D.customers.example.net; NSD on 127.0.0.1:<free port>
# serves every PTR and every A record; the noc emulator holds the same inventory,
# every PTR already as declared (no PowerDNS behind it: nothing is published).
# Query mix for dnsperf and check alike: one PTR per address plus one A per name.
# Everything stays on loopback; every ptrd command gets --resolver explicitly.
# Not part of ctest (a tiny smoke run is: label bench-smoke).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="$(cd "${1:-$ROOT/build}" && pwd)"
PTRD="$BUILD/cmd/ptrd"
NOC="$BUILD/tests/noc_emulator/noc-emulator"
SIZES="${SIZES:-65536 262144 1048576}"
ROUNDS="${ROUNDS:-3}"
RT="${RT:-0}"
QUIET="${QUIET:-0}"
for bin in "$PTRD" "$NOC"; do
  [ -x "$bin" ] || { echo "build $bin first (cmake --build BUILD --target ptrd noc-emulator)" >&2; exit 1; }
done
command -v nsd > /dev/null || { echo "needs nsd (apt-get install nsd)" >&2; exit 1; }
HAVE_DNSPERF=1
command -v dnsperf > /dev/null || HAVE_DNSPERF=0
PRIO=()
if [ "$RT" = 1 ] && chrt -f 10 true 2> /dev/null; then PRIO=(chrt -f 10); fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ptrd-scalebench-XXXXXX")"
NSD_PID=""
NOC_PID=""
stop_lab() {
  if [ -n "$NOC_PID" ]; then kill "$NOC_PID" 2> /dev/null || true; wait "$NOC_PID" 2> /dev/null || true; fi
  if [ -n "$NSD_PID" ]; then kill "$NSD_PID" 2> /dev/null || true; wait "$NSD_PID" 2> /dev/null || true; fi
  NOC_PID=""
  NSD_PID=""
}
cleanup() {
  stop_lab
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { [ "$QUIET" = 1 ] || echo "$@"; }
free_port() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Writes the lab's files for N addresses into $1.
make_files() {  # dir n
  local dir=$1 n=$2
  local header='$TTL 300
@ SOA ns1.customers.example.net. hostmaster.customers.example.net. 1 3600 600 86400 300
@ NS ns1.customers.example.net.'
  { echo "$header"; awk -v n="$n" 'BEGIN{for(i=0;i<n;i++){b=int(i/65536)%256;c=int(i/256)%256;d=i%256;
      printf "%d.%d.%d PTR host-%d-%d-%d.customers.example.net.\n",d,c,b,b,c,d}}'; } > "$dir/10.in-addr.arpa.zone"
  { echo "$header"; echo "ns1 A 127.0.0.1"; awk -v n="$n" 'BEGIN{for(i=0;i<n;i++){b=int(i/65536)%256;c=int(i/256)%256;d=i%256;
      printf "host-%d-%d-%d A 10.%d.%d.%d\n",b,c,d,b,c,d}}'; } > "$dir/customers.example.net.zone"
  awk -v n="$n" 'BEGIN{for(i=0;i<n;i++){b=int(i/65536)%256;c=int(i/256)%256;d=i%256;
      printf "10.%d.%d.%d host-%d-%d-%d.customers.example.net\n",b,c,d,b,c,d}}' > "$dir/fleet.txt"
  awk -v n="$n" 'BEGIN{for(i=0;i<n;i++){b=int(i/65536)%256;c=int(i/256)%256;d=i%256;
      printf "%d.%d.%d.10.in-addr.arpa PTR\n",d,c,b}
      for(i=0;i<n;i++){b=int(i/65536)%256;c=int(i/256)%256;d=i%256;
      printf "host-%d-%d-%d.customers.example.net A\n",b,c,d}}' > "$dir/queries.txt"
  awk -v n="$n" 'BEGIN{for(i=0;i<n;i++){b=int(i/65536)%256;c=int(i/256)%256;d=i%256;
      printf "10.%d.%d.%d vps-%d 10-%d-%d-%d.static.noc.example.net host-%d-%d-%d.customers.example.net\n",
        b,c,d,i,b,c,d,b,c,d}}' > "$dir/account"
  echo "token-$RANDOM-$RANDOM" > "$dir/token"
  chmod 600 "$dir/token"
}

start_nsd() {  # dir port
  local dir=$1 port=$2
  cat > "$dir/nsd.conf" << CONF
server:
  ip-address: 127.0.0.1@$port
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$dir"
  database: ""
  zonelistfile: "$dir/zone.list"
  xfrdfile: "$dir/xfrd.state"
  xfrdir: "$dir"
  pidfile: "$dir/nsd.pid"
  logfile: "$dir/nsd.log"
  server-count: 1
remote-control:
  control-enable: no
zone:
  name: "10.in-addr.arpa"
  zonefile: "10.in-addr.arpa.zone"
zone:
  name: "customers.example.net"
  zonefile: "customers.example.net.zone"
CONF
  "${PRIO[@]}" nsd -d -c "$dir/nsd.conf" &
  NSD_PID=$!
  # Readiness: poll with a deadline until both zones answer (1 M records load in seconds).
  local deadline=$((SECONDS + 180))
  until dig +short +time=1 +tries=1 @127.0.0.1 -p "$port" 0.0.0.10.in-addr.arpa PTR 2> /dev/null | grep -q customers &&
    dig +short +time=1 +tries=1 @127.0.0.1 -p "$port" host-0-0-0.customers.example.net A 2> /dev/null | grep -q 10.0.0.0; do
    kill -0 "$NSD_PID" 2> /dev/null || { cat "$dir/nsd.log" >&2; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "NSD not ready" >&2; cat "$dir/nsd.log" >&2; exit 1; }
  done
}

start_noc() {  # dir
  local dir=$1
  "$NOC" --port 0 --token-file "$dir/token" --account "$dir/account" > "$dir/noc.out" 2> "$dir/noc.err" &
  NOC_PID=$!
  local deadline=$((SECONDS + 180))
  until grep -q 'listening on 127.0.0.1:' "$dir/noc.out" 2> /dev/null; do
    kill -0 "$NOC_PID" 2> /dev/null || { cat "$dir/noc.err" >&2; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "noc-emulator not ready" >&2; exit 1; }
  done
  NOC_PORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$dir/noc.out" | head -1)
}

# Runs a ptrd command under /usr/bin/time; prints "SECONDS KB" and keeps its
# stdout in $dir/last.out. Exit status 0 (in sync) is required: anything else
# means the lab is not what the figures claim.
measure() {  # dir args...
  local dir=$1
  shift
  local rc=0
  /usr/bin/time -f "%e %M" -o "$dir/time" "${PRIO[@]}" "$PTRD" "$@" > "$dir/last.out" 2> "$dir/last.err" || rc=$?
  if [ "$rc" != 0 ]; then
    echo "ptrd $* exited $rc (expected 0: everything confirmed / in sync)" >&2
    tail -5 "$dir/last.err" >&2
    tail -3 "$dir/last.out" >&2
    exit 1
  fi
  tail -1 "$dir/time"
}

median() { sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }

RESULTS="$WORK/results.tsv"  # size command seconds kb
QPS="$WORK/qps.tsv"          # size dnsperf_qps check_qps
: > "$RESULTS"
: > "$QPS"
say "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(date -u '+%F %T UTC'); ${PRIO[*]:-no RT priority}"
for n in $SIZES; do
  dir="$WORK/n$n"
  mkdir -p "$dir"
  make_files "$dir" "$n"
  port=$(free_port)
  start_nsd "$dir" "$port"
  start_noc "$dir"  # not in $(...): NOC_PID must reach this shell to be stopped
  nocport=$NOC_PORT
  cat > "$dir/ptrd.yaml" << CONF
apiVersion: ptrd.io/v1alpha1
kind: ReconcilerConfig
spec:
  mappings: ["fleet.txt"]
  provider: {type: noc, url: "http://127.0.0.1:$nocport", tokenFile: "$dir/token", batchSize: 500}
  resolvers: ["127.0.0.1:$port"]
  policy: upsert-only
  maxChangePercent: 100
  maxChanges: 10000000
CONF
  say "== $n addresses (load: $(cut -d' ' -f1-3 /proc/loadavg)); NSD 127.0.0.1:$port, noc-emulator 127.0.0.1:$nocport"
  res=(--resolver "127.0.0.1:$port")
  run() {  # label args...
    local label=$1
    shift
    local r
    r=$(measure "$dir" "$@")
    echo "$n $label $r" >> "$RESULTS"
    say "$(printf '  %-16s %8.2f s  peak RSS %8d KB' "$label" ${r% *} ${r#* })"
  }
  run validate validate "$dir/fleet.txt"
  run check-text check -c "$dir/ptrd.yaml" "${res[@]}" -o text
  grep -q "^$n checked: $n confirmed$" "$dir/last.out" || { echo "check: not all $n confirmed:" >&2; tail -2 "$dir/last.out" >&2; exit 1; }
  run check-json check -c "$dir/ptrd.yaml" "${res[@]}" -o json
  run plan-text plan -c "$dir/ptrd.yaml" -o text
  run plan-json plan -c "$dir/ptrd.yaml" -o json

  # check vs dnsperf, alternating so that other load on the machine hits both alike.
  if [ "$HAVE_DNSPERF" = 1 ] && [ "$ROUNDS" -gt 0 ]; then
    : > "$dir/d.qps"
    : > "$dir/c.qps"
    queries=$((2 * n))
    for round in $(seq "$ROUNDS"); do
      "${PRIO[@]}" dnsperf -s 127.0.0.1 -p "$port" -d "$dir/queries.txt" -n 1 -c 4 -T 2 -q 500 -t 5 > "$dir/dnsperf.txt" 2>&1
      d=$(awk '/Queries per second/{printf "%.0f", $4}' "$dir/dnsperf.txt")
      lost=$(awk '/Queries lost/{print $3}' "$dir/dnsperf.txt")
      echo "$d" >> "$dir/d.qps"
      r=$(measure "$dir" check -c "$dir/ptrd.yaml" "${res[@]}" -o json)
      c=$(awk -v q="$queries" -v s="${r% *}" 'BEGIN{printf "%.0f", q/s}')
      echo "$c" >> "$dir/c.qps"
      say "  round $round: dnsperf $d q/s (lost $lost) | check -o json end to end $c q/s (${r% *} s)"
    done
    echo "$n $(median < "$dir/d.qps") $(median < "$dir/c.qps")" >> "$QPS"
  fi
  stop_lab
  rm -rf "$dir"
done

# The table: per size, then the slope between consecutive sizes.
python3 - "$RESULTS" "$QPS" << 'PY'
import sys, collections
rows = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    n, label, secs, kb = line.split()
    rows[label][int(n)] = (float(secs), int(kb))
sizes = sorted({n for r in rows.values() for n in r})
print("== peak RSS (MB) / wall (s) / µs per address")
print(f"{'command':<12}" + "".join(f"{n:>28,}" for n in sizes))
for label, r in rows.items():
    cells = "".join(f"{r[n][1]/1024:>10.0f} MB {r[n][0]:>6.2f} s {1e6*r[n][0]/n:>5.1f} µs" for n in sizes)
    print(f"{label:<12}{cells}")
if len(sizes) > 1:
    print("== extra bytes per added address (slope of peak RSS between sizes)")
    for label, r in rows.items():
        slopes = [f"{(r[b][1]-r[a][1])*1024/(b-a):,.0f} B ({a:,}->{b:,})" for a, b in zip(sizes, sizes[1:])]
        print(f"{label:<12} " + "  ".join(slopes))
qps = [l.split() for l in open(sys.argv[2])]
if qps:
    print("== check -o json end to end vs dnsperf (median q/s; query mix: PTR + A per address)")
    for n, d, c in qps:
        print(f"{int(n):>9,}: dnsperf {float(d):>9,.0f}  check {float(c):>9,.0f}  = {100*float(c)/float(d):.0f}%")
PY
