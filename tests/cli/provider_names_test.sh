#!/usr/bin/env bash
# The provider seam (providers/registry.h): no provider's name appears in
# reconciler/ or cmd/ outside comments, so adding a provider touches neither.
# The names are those of the folders under providers/ that hold a provider.
set -euo pipefail
root=${1:?usage: provider_names_test.sh SOURCE_DIR}
cd "$root"
fail=0
for dir in providers/*/; do
  name=$(basename "$dir")
  [ "$name" = http ] && continue  # shared HTTP plumbing, not a provider
  # Drop // comments, then look for the name as a word.
  hits=$(grep -rn --include='*.cpp' --include='*.h' --include='*.txt' -i "$name" reconciler cmd |
         sed 's#//.*##' | grep -iw "$name" || true)
  if [ -n "$hits" ]; then
    echo "provider name '$name' outside providers/ (use the registry's capabilities):"
    echo "$hits"
    fail=1
  fi
done
exit $fail
