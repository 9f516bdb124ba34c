#!/usr/bin/env bash
# The main job: installs what is missing, builds ptrd, and runs it over examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)" --target ptrd
echo "== ptrd validate examples/"
./build/cmd/ptrd validate examples/
