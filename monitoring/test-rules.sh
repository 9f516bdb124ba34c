#!/usr/bin/env bash
# Checks and unit-tests ptrd's alert rules with promtool (Debian package prometheus).
#   monitoring/test-rules.sh
# alerts.test.yaml asserts labels only: promtool compares annotations verbatim, so
# it runs against a copy of the rules with the annotations cut out (an awk pass on
# indentation, so no YAML tool is needed). annotations.test.yaml runs against the
# real file and renders one alert's annotations in full.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

promtool check rules "$here/rules/ptrd.rules.yaml"

mkdir -p "$tmp/rules" "$tmp/tests"
# Drop each rule's `annotations:` key and every line indented deeper than it.
awk '
  skip && NF && match($0, /^ */) && RLENGTH <= indent { skip = 0 }
  /^ *annotations:/ { skip = 1; match($0, /^ */); indent = RLENGTH; next }
  !skip
' "$here/rules/ptrd.rules.yaml" > "$tmp/rules/ptrd.rules.yaml"
grep -q 'annotations:' "$tmp/rules/ptrd.rules.yaml" && { echo "test-rules: annotations not stripped" >&2; exit 1; }
cp "$here/tests/alerts.test.yaml" "$tmp/tests/"
promtool test rules "$tmp/tests/alerts.test.yaml"
promtool test rules "$here/tests/annotations.test.yaml"
