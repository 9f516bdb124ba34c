#!/usr/bin/env bash
# Load-and-validate benchmark (issue: Foundation). Not a test: it prints figures
# for docs/benchmarks.md. Usage: tests/bench/load_bench.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
gen="$build/tests/bench/ptrd_gen_mappings"
ptrd="$build/cmd/ptrd"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$gen" bulk 1000000 > "$work/fleet.txt"
"$gen" yaml 100000 > "$work/fleet.yaml"
measure() {  # label file
  local best=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$ptrd" validate "$2" > /dev/null
    read -r secs kb < "$work/time"
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < ${best%% *})}"; then best="$secs $kb"; fi
  done
  read -r secs kb <<< "$best"
  printf '%-36s %6.2f s  peak RSS %4d MB\n' "$1" "$secs" "$((kb / 1024))"
}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(date -u +%F)"
measure "1,000,000 bulk lines (.txt)" "$work/fleet.txt"
measure "100,000 YAML records" "$work/fleet.yaml"
