#!/usr/bin/env bash
# DNS observation benchmark: ptrd's CaresResolver + fcrdns::observe vs
# dnsperf (the ceiling) vs adnshost, same NSD, same query mix, same run.
#
#   tests/bench/dns_bench.sh [BUILD_DIR]     (default: build-dns; needs ptrd_dns_bench built)
#
# Lab: 10.0.0.0/16 = 65,536 PTRs (10.0.a.b -> 10-0-a-b.bench.test.) plus the
# matching A records, served by NSD on 127.0.0.1:<free port> and, for adnshost
# (which cannot use another port), on 127.0.0.53:53. Query mix for every client:
# one PTR per address plus one A per name = 131,072 queries per pass.
# Everything stays on loopback. Not part of ctest.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build-dns}"
DRIVER="$BUILD/tests/bench/ptrd_dns_bench"
ROUNDS="${ROUNDS:-5}"
MAX_IN_FLIGHT="${MAX_IN_FLIGHT:-100}"
NSD_WORKERS="${NSD_WORKERS:-1}"
ADNS_CHUNK="${ADNS_CHUNK:-150}"     # adnshost stalls when fed much more at once
ADNS_PARALLEL="${ADNS_PARALLEL:-4}"
# On a shared machine (CI, other builds) the scheduler, not the client, sets the
# figures: a 1-thread client loses to a 2-thread one just by getting fewer time
# slices. RT=1 (default, needs root) runs NSD and every client under SCHED_FIFO so
# all three are measured on the CPU alone; RT=0 measures under whatever load there is.
RT="${RT:-1}"
PRIO=()
if [ "$RT" = 1 ]; then
  if chrt -f 10 true 2>/dev/null; then PRIO=(chrt -f 10); else echo "RT=1 needs root; running without" >&2; fi
fi
[ -x "$DRIVER" ] || { echo "build $DRIVER first (cmake --build $BUILD --target ptrd_dns_bench)" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ptrd-dnsbench-XXXXXX")"
NSD_PID=""
cleanup() {
  [ -n "$NSD_PID" ] && kill "$NSD_PID" 2>/dev/null && wait "$NSD_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT="$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

# Zones and query files.
header='$TTL 300
@ SOA ns1.bench.test. hostmaster.bench.test. 1 3600 600 86400 300
@ NS ns1.bench.test.'
{ echo "$header"; awk 'BEGIN{for(a=0;a<256;a++)for(b=0;b<256;b++)printf "%d.%d.0 PTR 10-0-%d-%d.bench.test.\n",b,a,a,b}'; } \
  > "$WORK/10.in-addr.arpa.zone"
{ echo "$header"; echo "ns1 A 127.0.0.1"; awk 'BEGIN{for(a=0;a<256;a++)for(b=0;b<256;b++)printf "10-0-%d-%d A 10.0.%d.%d\n",a,b,a,b}'; } \
  > "$WORK/bench.test.zone"
awk 'BEGIN{for(a=0;a<256;a++)for(b=0;b<256;b++)printf "%d.%d.0.10.in-addr.arpa PTR\n",b,a;
           for(a=0;a<256;a++)for(b=0;b<256;b++)printf "10-0-%d-%d.bench.test A\n",a,b}' > "$WORK/queries.txt"
QUERIES=$(wc -l < "$WORK/queries.txt")

cat > "$WORK/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$PORT
  ip-address: 127.0.0.53@53
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$WORK"
  database: ""
  zonelistfile: "$WORK/zone.list"
  xfrdfile: "$WORK/xfrd.state"
  xfrdir: "$WORK"
  pidfile: "$WORK/nsd.pid"
  logfile: "$WORK/nsd.log"
  server-count: $NSD_WORKERS
remote-control:
  control-enable: no
zone:
  name: "10.in-addr.arpa"
  zonefile: "10.in-addr.arpa.zone"
zone:
  name: "bench.test"
  zonefile: "bench.test.zone"
CONF
"${PRIO[@]}" nsd -d -c "$WORK/nsd.conf" &
NSD_PID=$!
# Readiness: poll with a deadline until both listeners answer.
deadline=$((SECONDS + 30))
until dig +short +time=1 +tries=1 @127.0.0.1 -p "$PORT" 1.0.0.10.in-addr.arpa PTR 2>/dev/null | grep -q bench.test &&
      dig +short +time=1 +tries=1 @127.0.0.53 -p 53 10-0-0-1.bench.test A 2>/dev/null | grep -q 10.0.0.1; do
  kill -0 "$NSD_PID" 2>/dev/null || { cat "$WORK/nsd.log" >&2; exit 1; }
  [ $SECONDS -lt $deadline ] || { echo "NSD not ready" >&2; cat "$WORK/nsd.log" >&2; exit 1; }
done

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); NSD workers: $NSD_WORKERS; load: $(cut -d' ' -f1-3 /proc/loadavg); ${PRIO[*]:-no RT priority}; window $MAX_IN_FLIGHT"
echo "== query mix: $QUERIES queries per pass (65,536 PTR + 65,536 A); $ROUNDS rounds, clients interleaved"

# adnshost input: the same mix, PTR as raw "ptr-" queries (adns' "ptr" would add
# its own forward check), in chunks of $ADNS_CHUNK names per process.
mkdir -p "$WORK/adns"
awk '$2=="PTR"{print $1}' "$WORK/queries.txt" | split -l "$ADNS_CHUNK" - "$WORK/adns/ptr."
awk '$2=="A"{print $1}' "$WORK/queries.txt" | split -l "$ADNS_CHUNK" - "$WORK/adns/a."
for f in "$WORK"/adns/ptr.*; do sed -i '1i --type ptr-' "$f"; done
for f in "$WORK"/adns/a.*; do sed -i '1i --type a' "$f"; done

now() { date +%s.%N; }
qps() { python3 -c "print(round($1/($3-$2)))"; }

# The three clients take turns, round after round, so that load from anything
# else on the machine hits them alike; each figure is the median over rounds.
: > "$WORK/dnsperf.qps"; : > "$WORK/ptrd.qps"; : > "$WORK/adns.qps"
for round in $(seq "$ROUNDS"); do
  "${PRIO[@]}" dnsperf -s 127.0.0.1 -p "$PORT" -d "$WORK/queries.txt" -n 1 -c 4 -T 2 -q 500 -t 5 > "$WORK/dnsperf.txt" 2>&1
  lost=$(awk '/Queries lost/{print $3}' "$WORK/dnsperf.txt")
  d=$(awk '/Queries per second/{printf "%.0f", $4}' "$WORK/dnsperf.txt")
  echo "$d" >> "$WORK/dnsperf.qps"

  "${PRIO[@]}" "$DRIVER" --server "127.0.0.1:$PORT" --cidr 10.0.0.0/16 --repeat 1 --max-in-flight "$MAX_IN_FLIGHT" > "$WORK/ptrd.txt"
  p=$(awk '/^TOTAL/{for(i=1;i<=NF;i++)if($i ~ /^qps=/){sub("qps=","",$i);print $i}}' "$WORK/ptrd.txt")
  confirmed=$(awk '/^RESULT/{for(i=1;i<=NF;i++)if($i ~ /^confirmed=/){sub("confirmed=","",$i);print $i}}' "$WORK/ptrd.txt")
  echo "$p" >> "$WORK/ptrd.qps"

  start=$(now)
  ls "$WORK"/adns/ | "${PRIO[@]}" xargs -P "$ADNS_PARALLEL" -I{} sh -c \
    "adnshost +e -a -Fi --config 'nameserver 127.0.0.53' -f < '$WORK/adns/{}'" > "$WORK/adns.out" 2>&1
  end=$(now)
  failed=$(grep -c '^; failed' "$WORK/adns.out" || true)
  a=$(qps "$QUERIES" "$start" "$end")
  echo "$a" >> "$WORK/adns.qps"
  echo "round $round: dnsperf $d qps (lost $lost) | ptrd $p qps (confirmed $confirmed/65536) | adnshost $a qps (failed $failed)"
done
DNSPERF_QPS=$(sort -n "$WORK/dnsperf.qps" | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}')
PTRD_QPS=$(sort -n "$WORK/ptrd.qps" | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}')
ADNS_QPS=$(sort -n "$WORK/adns.qps" | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}')

echo "== summary (median of $ROUNDS rounds, one pass each)"
python3 - "$DNSPERF_QPS" "$PTRD_QPS" "$ADNS_QPS" <<'PY'
import sys
dnsperf, ptrd, adns = map(float, sys.argv[1:4])
print(f"dnsperf  {dnsperf:>10,.0f} qps (ceiling: -c 4 -T 2 -q 500)")
print(f"ptrd     {ptrd:>10,.0f} qps = {100*ptrd/dnsperf:.0f}% of dnsperf (goal >= 80%), end to end incl. verdicts")
print(f"adnshost {adns:>10,.0f} qps = {100*adns/dnsperf:.0f}% of dnsperf")
PY
