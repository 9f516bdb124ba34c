#!/usr/bin/env bash
# The test command: installs what is missing, builds with warnings as errors, runs
# every test (unit + integration against real DNS servers on loopback), then runs
# the unit tests again under AddressSanitizer + UBSan.
#   scripts/test.sh            everything
#   SKIP_SANITIZERS=1 scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPTRD_WERROR=ON
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 300

if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPTRD_WERROR=ON -DPTRD_SANITIZE=ON -DPTRD_BUILD_BENCH=OFF
  cmake --build build-asan -j"$jobs" --target ptrd_unit_tests
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -L unit --timeout 300
fi
