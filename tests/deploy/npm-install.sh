#!/usr/bin/env bash
# Installs the pinned npm packages of the deploy checks (package-lock.json) into
# tests/deploy/node_modules (git-ignored). Idempotent: runs `npm ci` only when
# node_modules is missing or was installed from another lock file, so repeated
# runs make no network request. Called by scripts/install-deps.sh and by
# check_deploy.sh.
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.ptrd-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "npm-install: npm not found (Node.js 20 + npm are expected on the machine)" >&2; exit 1; }
echo "npm-install: npm ci in tests/deploy"
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
