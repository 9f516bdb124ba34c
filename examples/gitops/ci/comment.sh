#!/usr/bin/env bash
# Renders plan.json and plan.exit (written by ci/plan.sh) as the Markdown of the
# pull-request comment, on stdout. Needs jq.
#   ci/comment.sh > plan-summary.md
# Names come from the plan as they are; a missing name reads "(none)" (no PTR
# yet) or "(provider default)" (a reset), never a blank. Rows are capped so the
# comment stays under GitHub's 65536 characters; plan.json (the artifact) has all.
set -euo pipefail
max_rows="${PTRD_COMMENT_MAX_ROWS:-100}"
rc="$(cat plan.exit)"

case "$rc" in
  0) verdict="nothing to change" ;;
  2) verdict="$(jq '.changes | length' plan.json) change(s) pending on merge" ;;
  *) verdict="**plan failed** (exit $rc)" ;;
esac
echo "### ptrd plan: $verdict"
echo

if jq -e 'has("error")' plan.json > /dev/null; then
  echo '```'
  jq -r '.error' plan.json
  echo '```'
  exit 0
fi

# jq helpers: a Markdown-table-safe cell, and the two kinds of missing name.
defs='def cell: tostring | gsub("[\r\n]"; " ") | gsub("\\|"; "\\|") | gsub("`"; "'"'"'");
      def name(missing): if . == null or . == "" then missing else cell end;'

echo "| state | IPs |"
echo "| --- | ---: |"
jq -r "$defs"' .summary | to_entries[] | select(.value > 0) | "| \(.key | cell) | \(.value) |"' plan.json
echo
if jq -e '.cap_exceeded' plan.json > /dev/null; then
  echo "> **Safety cap exceeded**: apply would refuse this change set (maxChanges / maxChangePercent)."
  echo
fi

table() {  # TITLE JQ_SELECT: one collapsible table of .records
  local n
  n="$(jq "[.records[] | $2] | length" plan.json)"
  [ "$n" -gt 0 ] || return 0
  echo "<details><summary>$1 ($n)</summary>"
  echo
  echo "| IP | state | from | to | source | reason |"
  echo "| --- | --- | --- | --- | --- | --- |"
  jq -r --argjson max "$max_rows" "$defs"' [.records[] | '"$2"'] | .[:$max][] |
    "| \(.ip | cell) | \(.state | cell) | \(.from | name("(none)")) | \(.to | name("(provider default)")) | \(.source | name("-")) | \(.reason | name("-")) |"' plan.json
  if [ "$n" -gt "$max_rows" ]; then
    echo
    echo "... and $((n - max_rows)) more: see the plan.json artifact."
  fi
  echo
  echo "</details>"
  echo
}
table "changes on merge" 'select(.state == "set" or .state == "reset")'
table "will not be applied: forward DNS, ownership, input" \
  'select(.state == "blocked_forward" or .state == "not_owned" or .state == "invalid" or .state == "lookup_error")'
table "waiting for DNS" 'select(.state == "propagating")'
