#!/usr/bin/env bash
# Pull-request check: what merging would change, read from the provider and DNS
# with a read-only credential (plan never writes). Run from the repository root:
#   ci/plan.sh          writes plan.json (the plan, or a JSON error object) and plan.exit
# Exit 0 when ptrd plan exits 0 (nothing to do) or 2 (changes pending: what a pull
# request is for), 1 otherwise (bad config, provider unreadable, a file failed).
set -uo pipefail
read -r -a ptrd <<< "${PTRD:-ptrd}"

rc=0
"${ptrd[@]}" plan -c ptrd.yaml -o json > plan.json || rc=$?
echo "$rc" > plan.exit
case "$rc" in
  0 | 2) exit 0 ;;
  *) echo "ptrd plan failed (exit $rc):" >&2; jq -r '.error.message // .' plan.json >&2 || cat plan.json >&2
     exit 1 ;;
esac
