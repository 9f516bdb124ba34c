#!/usr/bin/env bash
# Pull-request check: every mapping file and the CI config load exactly as the
# daemon would load them, and every mapping file is deployed (listed in
# mappings/Kustomization, or it would be valid in Git and never reach the pod).
# Run from the repository root:
#   ci/validate.sh                       (ptrd on PATH)
#   PTRD="docker run --rm -v $PWD:/repo:ro -w /repo IMAGE" ci/validate.sh
# Exit 0 valid, 1 an error (printed as file:line:col: reason).
set -euo pipefail
read -r -a ptrd <<< "${PTRD:-ptrd}"

"${ptrd[@]}" validate mappings/ ptrd.yaml

# The files ptrd reads below mappings/ (hidden paths are skipped, as ptrd does).
status=0
while IFS= read -r file; do
  rel="${file#mappings/}"
  if ! awk -v want="$rel" '/^ *- / { sub(/^ *- /, ""); sub(/^[^=]*=/, ""); if ($0 == want) found = 1 }
                           END { exit !found }' mappings/Kustomization; then
    echo "$file: not listed in mappings/Kustomization (add \"- <key>=$rel\"): it would never reach the pod" >&2
    status=1
  fi
done < <(find mappings -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.txt' -o -name '*.csv' \) \
           -not -path '*/.*' | sort)
exit "$status"
