#!/usr/bin/env bash
# The test command: installs what is missing, then
#   1. the unit tests under AddressSanitizer + UBSan,
#   2. the libFuzzer targets for a bounded time each (FUZZ_SECONDS, default 20),
#   3. a build with -Wall -Wextra -Werror and every test: unit, CLI, integration
#      (real PowerDNS/NSD started on loopback by the tests), deploy checks.
# The full ctest run comes last so its summary closes the output.
#   SKIP_SANITIZERS=1 SKIP_FUZZ=1 scripts/test.sh    just step 3
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)

if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== unit tests under ASan + UBSan"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPTRD_WERROR=ON -DPTRD_SANITIZE=ON \
    -DPTRD_BUILD_BENCH=OFF -DPTRD_BUILD_INTEGRATION=OFF > /dev/null
  cmake --build build-asan -j"$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -L unit --timeout 300
fi

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzzers"
  FUZZ_SECONDS=${FUZZ_SECONDS:-20} bash tests/fuzz/run_fuzzers.sh
fi

echo "== all tests (-Werror build)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPTRD_WERROR=ON > /dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 300
