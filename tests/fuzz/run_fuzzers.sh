#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a
# bounded time from the seed corpus in tests/fuzz/corpus/.
#   tests/fuzz/run_fuzzers.sh            30 s each (what CI runs)
#   FUZZ_SECONDS=3600 tests/fuzz/run_fuzzers.sh   longer
# New inputs found go to a scratch directory, not into the repository; copy an
# interesting one into the corpus by hand.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-30}
# -O1 -g1: libFuzzer's usual level, and far less code generation than -O2 -g
# (the build is most of this step's time on two cores).
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPTRD_FUZZ=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DPTRD_BUILD_BENCH=OFF -DPTRD_BUILD_INTEGRATION=OFF > /dev/null
targets=(fuzz_mapping_yaml fuzz_bulk_text fuzz_names fuzz_reconciler_config fuzz_noc_json fuzz_powerdns_json)
targets+=(fuzz_dns_message)  # DNS replies (reconciler/dns/dns_message.*)
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for t in "${targets[@]}"; do
  corpus=tests/fuzz/corpus/${t#fuzz_}
  mkdir -p "$scratch/$t"
  echo "== $t for ${seconds}s"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "build-fuzz/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=0 "$scratch/$t" "$corpus" 2>&1 | tail -3
done
echo "fuzzers: ${#targets[@]} passed, 0 failed"
