#!/usr/bin/env bash
# Fails when production code (cmd/, reconciler/, providers/) starts a shell or
# another program: system(), popen(), exec*(), posix_spawn*(). ptrd talks to
# DNS and HTTP itself; a shell would be an injection path for hostnames that
# come from mapping files. Comments are ignored.
set -euo pipefail
root=${1:-$(dirname "$0")/../..}
pattern='\b(system|popen|execl|execlp|execle|execv|execvp|execvpe|execve|fexecve|posix_spawnp?|fork|vfork)[[:space:]]*\('
hits=$(grep -rnE --include='*.cpp' --include='*.h' "$pattern" "$root/cmd" "$root/reconciler" "$root/providers" \
  | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//' || true)
if [ -n "$hits" ]; then
  echo "production code must not shell out or spawn processes:"
  echo "$hits"
  exit 1
fi
echo "no shelling out in cmd/, reconciler/, providers/"
