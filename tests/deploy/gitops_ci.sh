#!/usr/bin/env bash
# Runs the GitOps example's pull-request workflow (examples/gitops/.github/
# workflows/ptrd.yaml, jobs validate and plan) step by step on this machine, as
# the runner would (bash -eo pipefail, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
# RUNNER_TEMP, `if: always()` steps after a failure), against a throw-away
# PowerDNS on loopback, and asserts the PR comment it renders.
#   tests/deploy/gitops_ci.sh PTRD_BINARY
# What differs from GitHub, and only that: PTRD is the built binary instead of
# `docker run IMAGE`; in a copy of the repository, ptrd.yaml's url, resolvers and
# apiKeyFile name the lab (the docker mount's host side), and the deploy/ remote
# bases point at this checkout's manifests/ (no network). Steps that talk to
# GitHub (`uses:`, the comment job's `gh`) are not run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ptrd="$(realpath "${1:-$root/build/cmd/ptrd}")"
for tool in pdns_server sqlite3 curl ss jq node kubectl; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found (scripts/install-deps.sh)"; exit 1; }
done
bash "$here/npm-install.sh" > /dev/null

tmp="$(mktemp -d)"
# shellcheck source=../../scripts/lab/pdns-lab.sh
source "$root/scripts/lab/pdns-lab.sh"
trap 'pdns_lab_stop; rm -rf "$tmp"' EXIT
passed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { echo "FAIL: $*"; echo "gitops_ci: $passed passed, 1 failed"; exit 1; }

# --- the repository, pointed at the lab --------------------------------------------
repo="$tmp/repo"
cp -r "$root/examples/gitops" "$repo"
manifests="$(realpath --relative-to="$repo/deploy/production" "$root/manifests")"
sed -i "s#https://github.com/example-org/ptrd//manifests/\([a-z/]*\)?ref=v0.1.0#$manifests/\1#" \
  "$repo"/deploy/*/kustomization.yaml
runner_temp="$tmp/runner"; mkdir -p "$runner_temp"

pdns_lab_start "$tmp/pdns" || fail "PowerDNS did not start"
sed -i -e "s#url: https://pdns-api.example.net#url: http://127.0.0.1:$PDNS_API_PORT#" \
  -e "s#^  resolvers: .*#  resolvers: [\"127.0.0.1:$PDNS_DNS_PORT\"]#" \
  -e "s#apiKeyFile: /etc/ptrd/secrets/api-key#apiKeyFile: $runner_temp/secrets/api-key#" "$repo/ptrd.yaml"
grep -q "127.0.0.1:$PDNS_API_PORT" "$repo/ptrd.yaml" && grep -q "$runner_temp/secrets/api-key" "$repo/ptrd.yaml" \
  || fail "ptrd.yaml's url/apiKeyFile lines changed shape; update this test's rewrite"
rr() {  # ZONE NAME TYPE CONTENT
  pdns_api PATCH "/api/v1/servers/localhost/zones/$1" \
    "{\"rrsets\":[{\"name\":\"$2\",\"type\":\"$3\",\"ttl\":60,\"changetype\":\"REPLACE\",\"records\":[{\"content\":\"$4\",\"disabled\":false}]}]}" > /dev/null
}
# fra1-db1 (mappings/fra1/servers.yaml) resolves to its IP, whose PTR still names
# the old host: the plan sets it. Its neighbours have no forward record: blocked.
pdns_lab_zone example.net.
pdns_lab_zone 2.0.192.in-addr.arpa.
rr example.net. fra1-db1.example.net. A 192.0.2.10
rr 2.0.192.in-addr.arpa. 10.2.0.192.in-addr.arpa. PTR old-db1.example.net.
ptr_now() { pdns_api GET /api/v1/servers/localhost/zones/2.0.192.in-addr.arpa. | jq -r '.rrsets[] | select(.name == "10.2.0.192.in-addr.arpa.") | .records[0].content'; }

# --- the runner -----------------------------------------------------------------
# run_job JOB [SECRET]: every run step in order; after a failure only `if:
# always()` steps. Returns 1 if a step failed. Step output lands in $tmp/JOB.log.
run_job() {
  local job="$1" secret="${2:-}" failed=0 line name cond run
  node "$here/checks.mjs" workflow-steps "$repo/.github/workflows/ptrd.yaml" "$job" > "$tmp/steps.jsonl" \
    || { cat "$tmp/steps.jsonl"; fail "workflow-steps $job"; }
  : > "$tmp/$job.log"
  while IFS= read -r line; do
    name="$(jq -r .name <<< "$line")" cond="$(jq -r .if <<< "$line")" run="$(jq -r .run <<< "$line")"
    if [ "$failed" = 1 ] && [[ "$cond" != *"always()"* ]]; then continue; fi
    local envs=() key value
    while IFS=$'\t' read -r key value; do
      case "$key" in
        PTRD) value="$ptrd" ;;
        *) case "$value" in
             '${{ secrets.PTRD_PLAN_API_KEY }}') value="$secret" ;;
             *'${{'*) fail "step \"$name\": env $key=$value is an expression this runner does not know" ;;
           esac ;;
      esac
      envs+=("$key=$value")
    done < <(jq -r '.env | to_entries[] | [.key, .value] | @tsv' <<< "$line")
    echo "--- step: $name" >> "$tmp/$job.log"
    if ! (cd "$repo" && env "${envs[@]}" GITHUB_OUTPUT="$tmp/github_output" GITHUB_STEP_SUMMARY="$tmp/step_summary" \
          RUNNER_TEMP="$runner_temp" bash --noprofile --norc -eo pipefail -c "$run") >> "$tmp/$job.log" 2>&1 < /dev/null; then
      echo "--- step failed: $name" >> "$tmp/$job.log"
      failed=1
    fi
  done < "$tmp/steps.jsonl"
  return "$failed"
}

# --- validate -----------------------------------------------------------------------
run_job validate || { cat "$tmp/validate.log"; fail "job validate failed on the example as shipped"; }
grep -q 'kubectl kustomize deploy/production/' "$tmp/validate.log" || fail "validate did not render deploy/production"
ok "job validate passes: mappings, ptrd.yaml, every deploy/<env>/ renders"

cp "$repo/mappings/fra1/pool.yaml" "$repo/mappings/fra1/pool2.yaml"
sed -i 's/name: fra1-pool/name: fra1-pool2/; s#198.51.100.128/26#198.51.100.192/26#' "$repo/mappings/fra1/pool2.yaml"
if run_job validate; then fail "validate passed with a mapping file that mappings/Kustomization does not list"; fi
grep -q 'mappings/fra1/pool2.yaml: not listed in mappings/Kustomization' "$tmp/validate.log" \
  || { cat "$tmp/validate.log"; fail "no message naming the unlisted file"; }
rm "$repo/mappings/fra1/pool2.yaml"
ok "job validate fails on a mapping file that would never reach the pod, naming it"

printf '    - ip: 192.0.2.300\n      hostname: bad.example.net\n' >> "$repo/mappings/fra1/servers.yaml"
if run_job validate; then fail "validate passed with an invalid address"; fi
grep -q 'mappings/fra1/servers.yaml:[0-9]*:[0-9]*:' "$tmp/validate.log" || { cat "$tmp/validate.log"; fail "no file:line:col"; }
cp "$root/examples/gitops/mappings/fra1/servers.yaml" "$repo/mappings/fra1/servers.yaml"
ok "job validate fails on an invalid mapping with file:line:col"

# --- plan + comment ------------------------------------------------------------------
run_job plan "$(cat "$PDNS_API_KEY_FILE")" || { cat "$tmp/plan.log"; fail "job plan failed"; }
[ "$(cat "$repo/plan.exit")" = 2 ] || fail "plan exit $(cat "$repo/plan.exit"), want 2 (changes pending)"
[ ! -e "$runner_temp/secrets" ] || fail "the credential file outlived the job"
[ "$(ptr_now)" = "old-db1.example.net." ] || fail "plan changed the PTR (now $(ptr_now))"
summary="$repo/plan-summary.md"
cmp -s "$summary" "$tmp/step_summary" || fail "the step summary is not the comment"
grep -qF '### ptrd plan: 1 change(s) pending on merge' "$summary" || { cat "$summary"; fail "verdict line"; }
grep -qF '| 192.0.2.10 | set | old-db1.example.net. | fra1-db1.example.net. | mappings/fra1/servers.yaml:8:7 |' "$summary" \
  || { cat "$summary"; fail "the change row lacks its real names and source"; }
grep -qF '| 192.0.2.11 | blocked_forward | (none) | fra1-db2.example.net. | mappings/fra1/servers.yaml:10:7 |' "$summary" \
  || { cat "$summary"; fail "the blocked row lacks its names"; }
if grep -nE '\|[[:space:]]*\||null|undefined' "$summary"; then fail "blank or null cells in the comment"; fi
ok "job plan: exit 2 passes, the comment names IPs, old and new names and file:line, no blanks; DNS untouched"

if run_job plan "not-the-key"; then fail "plan passed with a rejected credential"; fi
grep -qF '### ptrd plan: **plan failed** (exit 1)' "$summary" || { cat "$summary" "$tmp/plan.log"; fail "failed plan's comment"; }
grep -qiE 'powerdns|401|unauthori|forbidden' "$summary" || { cat "$summary"; fail "the comment does not say why"; }
[ ! -e "$runner_temp/secrets" ] || fail "the credential file outlived the failed job"
ok "job plan fails on a rejected credential; the comment still says why; credential removed"

echo "gitops_ci: $passed passed, 0 failed"
