#!/usr/bin/env bash
# Daemon at fleet scale: `ptrd run` over N declared addresses, everything in sync.
# Measures the duration of no-change passes and the daemon's memory (VmRSS/VmHWM)
# after 3 passes and once the FCrDNS monitor has re-checked every address.
#
#   N=65536 tests/bench/daemon_bench.sh [BUILD_DIR]      (default: build)
#   needs: cmake --build BUILD --target ptrd noc-emulator
#
# Lab (all on 127.0.0.1, kernel-chosen ports; not part of ctest):
#   - address i = 10.(i>>16).(i>>8&255).(i&255) -> h-<b>-<c>-<d>.bench.test.;
#     N in 65,536 / 262,144 / 1,048,576 (any N <= 16,777,216 works);
#   - NSD serving every PTR (10.in-addr.arpa) and A record (bench.test);
#   - the noc emulator holding the same inventory with every PTR already set
#     (no PowerDNS behind it: nothing is published, nothing needs to be);
#   - one bulk mapping file declaring exactly that.
# Env: N, INTERVAL (config interval, default 10s), QPS (dnsQueriesPerSecond,
# default 20000), PASSES (no-change passes to time, default 3), TIMEOUT (s, 3600).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
N="${N:-65536}"
INTERVAL="${INTERVAL:-10s}"
QPS="${QPS:-20000}"
PASSES="${PASSES:-3}"
TIMEOUT="${TIMEOUT:-3600}"
PTRD="${PTRD:-$BUILD/cmd/ptrd}"  # PTRD=/path/to/ptrd compares another build
NOC="${NOC:-$BUILD/tests/noc_emulator/noc-emulator}"
for b in "$PTRD" "$NOC"; do
  [ -x "$b" ] || { echo "build $b first" >&2; exit 1; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ptrd-daemonbench-XXXXXX")"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  [ -n "${KEEP:-}" ] && { echo "kept $WORK" >&2; return; }
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, getattr(socket, sys.argv[1])); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$1"
}
wait_for() {  # deadline_seconds description command...
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@"; do
    [ $SECONDS -lt $deadline ] || { echo "timed out waiting for $what" >&2; exit 1; }
    sleep 0.2
  done
}
kb() { awk -v k="$2:" '$1==k{print $2}' "/proc/$1/status"; }
status() { curl -sf "http://127.0.0.1:$HTTP_PORT/status/summary"; }
metric() {  # name: value summed over label sets
  curl -sf "http://127.0.0.1:$HTTP_PORT/metrics" | awk -v m="$1" '$1==m || index($1, m"{")==1{s+=$2} END{print s+0}'
}

echo "== daemon bench: N=$N interval=$INTERVAL dnsQueriesPerSecond=$QPS; $(nproc) cores," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(date -u '+%F %T') UTC"
echo "== uptime: $(uptime)"

# Inputs. The account's service and default names are the emulator's; the current
# PTR equals the declared hostname, so the plan has nothing to do.
t0=$SECONDS
awk -v n="$N" -v dir="$WORK" 'BEGIN{
  hdr = "$TTL 300\n@ SOA ns1.bench.test. hostmaster.bench.test. 1 3600 600 86400 300\n@ NS ns1.bench.test.";
  print hdr > dir "/10.in-addr.arpa.zone"; print hdr "\nns1 A 127.0.0.1" > dir "/bench.test.zone";
  for (i = 0; i < n; i++) {
    b = int(i / 65536) % 256; c = int(i / 256) % 256; d = i % 256;
    h = "h-" b "-" c "-" d;
    printf "%d.%d.%d PTR %s.bench.test.\n", d, c, b, h > dir "/10.in-addr.arpa.zone";
    printf "%s A 10.%d.%d.%d\n", h, b, c, d > dir "/bench.test.zone";
    printf "10.%d.%d.%d %s.bench.test\n", b, c, d, h > dir "/mappings.txt";
    printf "10.%d.%d.%d vps-%d static-%d-%d-%d.noc.test. %s.bench.test.\n", b, c, d, int(i / 4096), b, c, d, h > dir "/account";
  }}'
echo "$(head -c 24 /dev/urandom | base64)" > "$WORK/token"
echo "== inputs generated in $((SECONDS - t0)) s: $(du -h "$WORK/mappings.txt" | cut -f1) mapping file"

DNS_PORT="$(free_port SOCK_DGRAM)"
cat > "$WORK/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$DNS_PORT
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
  server-count: 1
remote-control:
  control-enable: no
zone:
  name: "10.in-addr.arpa"
  zonefile: "10.in-addr.arpa.zone"
zone:
  name: "bench.test"
  zonefile: "bench.test.zone"
CONF
nsd -d -c "$WORK/nsd.conf" &
NSD_PID=$!
PIDS+=("$NSD_PID")
last=$((N - 1))
LAST_PTR="$((last % 256)).$((last / 256 % 256)).$((last / 65536 % 256)).10.in-addr.arpa"
nsd_ready() {
  kill -0 "$NSD_PID" 2>/dev/null || { cat "$WORK/nsd.log" >&2; exit 1; }
  dig +short +time=1 +tries=1 @127.0.0.1 -p "$DNS_PORT" "$LAST_PTR" PTR 2>/dev/null | grep -q bench.test
}
wait_for 600 "NSD" nsd_ready

"$NOC" --token-file "$WORK/token" --account "$WORK/account" > "$WORK/noc.out" 2> "$WORK/noc.err" &
NOC_PID=$!
PIDS+=("$NOC_PID")
noc_ready() {
  kill -0 "$NOC_PID" 2>/dev/null || { cat "$WORK/noc.err" >&2; exit 1; }
  grep -q "listening on 127.0.0.1:" "$WORK/noc.out"
}
wait_for 600 "noc emulator" noc_ready
NOC_URL="http://127.0.0.1:$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/noc.out" | head -1)"
echo "== lab ready after $((SECONDS - t0)) s (NSD on 127.0.0.1:$DNS_PORT, noc emulator on $NOC_URL)"

HTTP_PORT="$(free_port SOCK_STREAM)"
cat > "$WORK/ptrd.yaml" <<CONF
apiVersion: ptrd.io/v1alpha1
kind: ReconcilerConfig
spec:
  mappings: ["$WORK/mappings.txt"]
  provider:
    type: noc
    url: $NOC_URL
    tokenFile: $WORK/token
    stateFile: $WORK/state.json
  resolvers: ["127.0.0.1:$DNS_PORT"]
  maxChangePercent: 100
  interval: $INTERVAL
  dnsQueriesPerSecond: $QPS
  listen: "127.0.0.1:$HTTP_PORT"
CONF
"$PTRD" run -c "$WORK/ptrd.yaml" > "$WORK/ptrd.out" 2> "$WORK/ptrd.err" &
PTRD_PID=$!
PIDS+=("$PTRD_PID")
start=$SECONDS

passes() {  # 0 until the HTTP listener is up
  local v
  v="$(metric ptrd_reconcile_duration_seconds_count 2>/dev/null)" || v=0
  echo "${v:-0}"
}
seen=0
report_pass() {  # one line per pass seen; sets OBSERVED and DURATION
  local line
  line="$(status | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["fcrdns"]["observed"], d["duration_seconds"], d["result"], d["summary"]["in_sync"])')"
  read -r OBSERVED DURATION result in_sync <<< "$line"
  printf 'pass %d: %s, %.2f s, in_sync %s, fcrdns observed %s; VmRSS %d MB, VmHWM %d MB; load %s\n' \
    "$1" "$result" "$DURATION" "$in_sync" "$OBSERVED" \
    "$(($(kb "$PTRD_PID" VmRSS) / 1024))" "$(($(kb "$PTRD_PID" VmHWM) / 1024))" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
}
# Follow passes until PASSES are done and the monitor has observed every address,
# then time QUIET more passes: with every answer's TTL (300 s) still running, the
# monitor has nothing due and they are pure no-change passes.
QUIET="${QUIET:-2}"
all_seen_at=""
quiet=()
while :; do
  kill -0 "$PTRD_PID" 2>/dev/null || { tail -20 "$WORK/ptrd.err" >&2; exit 1; }
  [ $((SECONDS - start)) -lt "$TIMEOUT" ] || { echo "timed out" >&2; exit 1; }
  n="$(passes)"
  n="${n%.*}"
  if [ "${n:-0}" -gt "$seen" ]; then
    seen=$n
    report_pass "$seen"
    if [ "$seen" -ge "$PASSES" ] && [ -z "${RSS3:-}" ]; then
      RSS3=$(kb "$PTRD_PID" VmRSS); HWM3=$(kb "$PTRD_PID" VmHWM)
    fi
    if [ -n "$all_seen_at" ]; then
      quiet+=("$DURATION")
      [ "${#quiet[@]}" -ge "$QUIET" ] && break
    elif [ "$seen" -ge "$PASSES" ] && [ "$OBSERVED" -ge "$N" ]; then
      all_seen_at=$seen
      RSS_ALL=$(kb "$PTRD_PID" VmRSS); HWM_ALL=$(kb "$PTRD_PID" VmHWM)
      [ "$QUIET" -gt 0 ] || break
    fi
  fi
  sleep 0.2
done
RSS_END=$(kb "$PTRD_PID" VmRSS); HWM_END=$(kb "$PTRD_PID" VmHWM)
grep -c '"level":"error"\|level=error' "$WORK/ptrd.err" > /dev/null && echo "(errors in the log:)" && grep 'error' "$WORK/ptrd.err" | head -5
echo "== summary N=$N"
echo "no-change passes with nothing due for the monitor: ${quiet[*]:-none} s"
# Where the time of those passes went (the daemon's "pass done" log line):
# listing = the provider's own share (N/1,000 pages over HTTP), the rest is ptrd's.
grep 'msg="pass done"' "$WORK/ptrd.err" | tail -n "$QUIET" | awk '{
  out = "";
  for (i = 1; i <= NF; i++) if ($i ~ /_seconds=/) { split($i, kv, "="); sub(/_seconds$/, "", kv[1]);
    out = out sprintf(" %s %.2f", kv[1], kv[2]); }
  print "  phases (s):" out }'
python3 - "$N" "$RSS3" "$HWM3" "$RSS_ALL" "$HWM_ALL" "$RSS_END" "$HWM_END" <<'PY'
import sys
n, rss3, hwm3, rss, hwm, rss_end, hwm_end = map(int, sys.argv[1:8])
print(f"after 3 passes:          VmRSS {rss3/1024:8.1f} MB = {rss3*1024/n:6.0f} B/address (HWM {hwm3/1024:.1f} MB)")
print(f"every address observed:  VmRSS {rss/1024:8.1f} MB = {rss*1024/n:6.0f} B/address (HWM {hwm/1024:.1f} MB = {hwm*1024/n:.0f} B/address)")
print(f"at the end:              VmRSS {rss_end/1024:8.1f} MB (HWM {hwm_end/1024:.1f} MB)")
print(f"RESULT n={n} rss3_kb={rss3} rss_all_kb={rss} hwm_kb={hwm_end} rss_end_kb={rss_end}")
PY
echo "== uptime: $(uptime)"
