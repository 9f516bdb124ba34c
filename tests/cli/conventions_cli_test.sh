#!/usr/bin/env bash
# CLI conventions (README "Commands"): an unknown command is named with the nearest
# real one; "Usage:" names `ptrd`, not the path that started it; every option that
# takes a value shows its default in --help; JSON logs keep numbers as numbers.
#   conventions_cli_test.sh PTRD
set -u
ptrd="$(realpath "$1")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"

"$ptrd" plna -c x.yaml > "$tmp/out" 2>&1
expect "unknown command is a usage error" 1 $?
expect_output "names the unknown command and suggests the nearest" "$tmp/out" \
  'ptrd: unknown command "plna"; did you mean "plan"? (ptrd --help lists the commands)'
"$ptrd" valdiate --log-level debug x > "$tmp/out" 2>&1
expect "unknown command with options after it" 1 $?
expect_output "suggests validate" "$tmp/out" 'did you mean "validate"?'
"$ptrd" frobnicate > "$tmp/out" 2>&1
expect "a word unlike any command" 1 $?
expect_output "no suggestion for an unrelated word" "$tmp/out" 'unknown command "frobnicate" (ptrd --help'
if grep -q 'did you mean' "$tmp/out"; then expect "no far-fetched suggestion" 0 1; fi

# Started through a path and a differently named symlink: usage still says ptrd.
ln -s "$ptrd" "$tmp/some-other-name"
for cmd in "" version validate check plan apply run; do
  "$tmp/some-other-name" $cmd --help > "$tmp/help" 2>&1
  expect "ptrd $cmd --help" 0 $?
  expect_output "Usage: names ptrd ($cmd)" "$tmp/help" "Usage: ptrd ${cmd:+$cmd }"
  if grep -q "some-other-name\|$tmp" "$tmp/help"; then expect "no path in ptrd $cmd --help" 0 1; fi
done

# Every option with a value (TEXT, INT, FLOAT, UINT ... in CLI11's help) that is not
# REQUIRED shows its default ("TEXT=json", "INT:INT in [1 - 10]=2") or says
# "(default ..." / "default: ..." in its (possibly wrapped) text.
for cmd in validate check plan apply run; do
  "$ptrd" $cmd --help > "$tmp/help" 2>&1
  awk '
    /^Options:/ { on = 1; next }
    on && /^ *-/ { if (opt != "") print opt; opt = $0; next }
    on && /^                    / { opt = opt " " $0; next }   # a wrapped description
    on && /^[^ ]/ { on = 0 }
    END { if (opt != "") print opt }
  ' "$tmp/help" > "$tmp/options"
  while IFS= read -r line; do
    case "$line" in *" -h,--help "*) continue ;; esac
    if ! grep -qE '^ *-[^ ]* (TEXT|INT|UINT|FLOAT|[A-Z]+:)' <<< "$line"; then continue; fi  # a flag
    case "$line" in *REQUIRED*) continue ;; esac
    if grep -qE '[]A-Za-z0-9}]=[^ ]|\(default|default: ' <<< "$line"; then
      passes=$((passes + 1))
    else
      echo "FAIL: ptrd $cmd --help: no default shown: $line"; failures=$((failures + 1))
    fi
  done < "$tmp/options"
done
"$ptrd" check --help > "$tmp/help" 2>&1
expect_output "check --timeout shows its value" "$tmp/help" "--timeout FLOAT:FLOAT in [0.001 - 60]=2"
if grep -q '=\[\]' "$tmp/help"; then expect "an empty list default is not shown as =[]" 0 1; fi

# JSON logs: counts stay numbers, flags stay booleans. One pass against a provider
# and a resolver that refuse at once (loopback port 1): the pass fails and says so.
mkdir -p "$tmp/m"
printf 'apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nmetadata:\n  name: one\nspec:\n  records:\n    - ip: 192.0.2.1\n      hostname: a.example.com\n' \
  > "$tmp/m/one.yaml"
printf 'not-a-key' > "$tmp/key"
chmod 600 "$tmp/key"
# A port the kernel hands out (ptrd's config does not take port 0).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$tmp/ptrd.yaml" <<CFG
apiVersion: ptrd.io/v1alpha1
kind: ReconcilerConfig
spec:
  mappings: ["$tmp/m/"]
  provider:
    type: powerdns
    url: http://127.0.0.1:1
    apiKeyFile: $tmp/key
    requestTimeout: 2s
  resolvers: ["127.0.0.1:1"]
  listen: "127.0.0.1:$port"
CFG
timeout 60 "$ptrd" run --once --log-format json -c "$tmp/ptrd.yaml" > "$tmp/log" 2>&1
expect "run --once against a refusing provider fails its pass" 1 $?
typed() {  # DESCRIPTION JQ_FILTER (over the array of log lines)
  if grep '^{' "$tmp/log" | jq -s -e "$2" > /dev/null 2>&1; then echo "ok: $1"; passes=$((passes + 1)); else
    echo "FAIL: $1"; head -c 3000 "$tmp/log"; failures=$((failures + 1)); fi
}
typed "failures and retry_in_ms are JSON numbers" \
  '[.[] | select(.msg == "pass failed; retrying after backoff")] | length == 1 and
   (.[0].failures == 1) and (.[0].retry_in_ms | type == "number")'
typed "passes is a JSON number" '[.[] | select(.msg == "stopped")] | .[0].passes == 1'
typed "dry_run is a JSON boolean" '[.[] | select(.msg == "starting")] | .[0].dry_run == false'
finish conventions_cli
