#!/usr/bin/env bash
# A throw-away PowerDNS Authoritative (sqlite3 backend, HTTP API) on loopback, for
# the demo. Source it, then:
#   pdns_lab_start DIR        starts it; sets PDNS_DNS_PORT, PDNS_API_PORT, PDNS_API_KEY_FILE
#   pdns_api METHOD PATH [JSON]
#   pdns_lab_stop
# Rule zero: everything binds 127.0.0.1 and the config carries
# security-poll-suffix= so PowerDNS never looks anything up on the internet.

# A port nothing listens on (TCP or UDP), from a range the kernel does not hand
# out as ephemeral ports.
pdns_lab_free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 10000))
    if ! ss -Hltun "sport = :$port" 2>/dev/null | grep -q .; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

pdns_lab_start() {
  PDNS_LAB_DIR=$1
  mkdir -p "$PDNS_LAB_DIR"
  PDNS_DNS_PORT=$(pdns_lab_free_port)
  PDNS_API_PORT=$(pdns_lab_free_port)
  PDNS_API_KEY_FILE="$PDNS_LAB_DIR/pdns-api-key"
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$PDNS_API_KEY_FILE"
  chmod 600 "$PDNS_API_KEY_FILE"
  sqlite3 "$PDNS_LAB_DIR/pdns.sqlite3" < /usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
  cat > "$PDNS_LAB_DIR/pdns.conf" <<CONF
launch=gsqlite3
gsqlite3-database=$PDNS_LAB_DIR/pdns.sqlite3
security-poll-suffix=
local-address=127.0.0.1
local-port=$PDNS_DNS_PORT
socket-dir=$PDNS_LAB_DIR
daemon=no
guardian=no
disable-syslog=yes
loglevel=4
api=yes
api-key=$(cat "$PDNS_API_KEY_FILE")
webserver=yes
webserver-address=127.0.0.1
webserver-port=$PDNS_API_PORT
webserver-allow-from=127.0.0.1
webserver-max-bodysize=64
cache-ttl=0
negquery-cache-ttl=0
query-cache-ttl=0
zone-cache-refresh-interval=0
CONF
  pdns_server --config-dir="$PDNS_LAB_DIR" > "$PDNS_LAB_DIR/pdns.log" 2>&1 &
  PDNS_LAB_PID=$!
  local deadline=$((SECONDS + 20))
  until pdns_api GET /api/v1/servers/localhost > /dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 "$PDNS_LAB_PID" 2>/dev/null; then
      echo "PowerDNS did not come up; its log:" >&2
      cat "$PDNS_LAB_DIR/pdns.log" >&2
      return 1
    fi
    sleep 0.05  # polling interval, bounded by the deadline above
  done
}

pdns_api() {  # METHOD PATH [JSON]
  local args=(-fsS -X "$1" -H "X-API-Key: $(cat "$PDNS_API_KEY_FILE")" "http://127.0.0.1:$PDNS_API_PORT$2")
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data "$3")
  curl "${args[@]}"
}

pdns_lab_zone() {  # ZONE.  creates a Native zone (no NOTIFY to anyone)
  pdns_api POST /api/v1/servers/localhost/zones \
    "{\"name\":\"$1\",\"kind\":\"Native\",\"nameservers\":[\"ns1.example.com.\"]}" > /dev/null
}

pdns_lab_rr() {  # ZONE NAME TYPE CONTENT...
  local zone=$1 name=$2 type=$3
  shift 3
  local records="" c
  for c in "$@"; do records+="${records:+,}{\"content\":\"$c\",\"disabled\":false}"; done
  pdns_api PATCH "/api/v1/servers/localhost/zones/$zone" \
    "{\"rrsets\":[{\"name\":\"$name\",\"type\":\"$type\",\"ttl\":60,\"changetype\":\"REPLACE\",\"records\":[$records]}]}" > /dev/null
}

pdns_lab_stop() {
  [ -n "${PDNS_LAB_PID:-}" ] || return 0
  kill "$PDNS_LAB_PID" 2>/dev/null || true
  local deadline=$((SECONDS + 5))
  while kill -0 "$PDNS_LAB_PID" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
  kill -9 "$PDNS_LAB_PID" 2>/dev/null || true
  PDNS_LAB_PID=""
}
