#!/usr/bin/env bash
# The test command: installs what is missing, then
#   0. checks that every C++ file is formatted as .clang-format says,
#   1. the libFuzzer targets for a bounded time each (FUZZ_SECONDS, default 20),
#   2. one build with -Wall -Wextra -Werror AND AddressSanitizer + UBSan
#      (RelWithDebInfo, so -O2 warnings count too), running every test:
#      unit tests with leak detection, then CLI, integration (real PowerDNS/NSD
#      and the NOC emulator on loopback), reliability and deploy checks.
# The full ctest run comes last so its summary closes the output.
#   SKIP_FUZZ=1 scripts/test.sh
#   SANITIZE=OFF scripts/test.sh     a plain -Werror build instead
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)

echo "== format (.clang-format) after ${SECONDS} s (installing)"
bash scripts/check-format.sh

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzzers after ${SECONDS} s"
  FUZZ_SECONDS=${FUZZ_SECONDS:-20} bash tests/fuzz/run_fuzzers.sh
fi

sanitize=${SANITIZE:-ON}
build=build-test
echo "== build (-Werror, sanitizers $sanitize) after ${SECONDS} s"
# -O2 as RelWithDebInfo, but line tables only (-g1): sanitizer reports keep
# file:line, and the build -- most of CI's time on two cores -- skips the full
# debug information of every template instance.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPTRD_WERROR=ON -DPTRD_SANITIZE="$sanitize" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DPTRD_BUILD_BENCH=OFF > /dev/null
cmake --build "$build" -j"$jobs"

export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== unit tests (leak detection on) after ${SECONDS} s"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  ctest --test-dir "$build" --output-on-failure -j"$jobs" -L unit --timeout 300
# The rest run the real binaries as child processes that tests kill on purpose
# (SIGTERM, kill -9): leak reports at such exits are noise, not findings.
echo "== everything else: CLI, integration, reliability, deploy after ${SECONDS} s"
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
  ctest --test-dir "$build" --output-on-failure -j"$jobs" -LE unit --timeout 300
