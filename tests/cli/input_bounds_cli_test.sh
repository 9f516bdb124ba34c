#!/usr/bin/env bash
# Hostile inputs against the real binary (issue #10, contract §7): each must end
# in a clear error naming the file and the bound, quickly and within a memory
# bound, never a hang, a crash or an endless allocation.
# Usage: input_bounds_cli_test.sh PTRD SANITIZED(0|1)
#
# Every run has a deadline (timeout) and a memory bound: prlimit --as normally;
# under ASan (which reserves terabytes of address space) its own
# hard_rss_limit_mb instead.
set -u
ptrd=$1
sanitized=${2:-0}
case "$sanitized" in ON|on|1|TRUE|true) sanitized=1 ;; *) sanitized=0 ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
limit_mb=1024

bounded() {  # COMMAND...: runs it with a 30 s deadline and a 1 GiB memory bound
  if [ "$sanitized" = 1 ]; then
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=$limit_mb timeout -k 5 30 "$@"
  else
    timeout -k 5 30 prlimit --as=$((limit_mb * 1024 * 1024)) "$@"
  fi
}
source "$(dirname "$0")/expect.sh"

# --- 1. A stray ',' line in a ReconcilerConfig (yaml-cpp 0.7 LoadAll loop).
# (Both variants make yaml-cpp's LoadAll allocate until std::bad_alloc.)
for variant in alone after-separator; do
  cfg="$tmp/comma-$variant.yaml"
  if [ "$variant" = alone ]; then
    printf ',\n' > "$cfg"
    line=1
  else
    printf 'apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n  mappings: [m/]\n---\n,\n' > "$cfg"
    line=6
  fi
  for cmd in plan apply run; do
    bounded "$ptrd" "$cmd" -c "$cfg" > "$tmp/out" 2>&1
    expect "StrayCommaLineInConfig ($variant) makes $cmd exit 1, not grow" 1 $?
    expect_output "StrayCommaLineInConfig ($variant) $cmd names file:line" "$tmp/out" "$cfg:$line:"
  done
  bounded "$ptrd" validate "$cfg" > "$tmp/out" 2>&1
  expect "StrayCommaLineInConfig ($variant) validate exits 1" 1 $?
done

# --- 3. Symlinks in a mappings folder that point back up: an error, not a hang.
mkdir -p "$tmp/loop/sub"
printf '192.0.2.1 a.example.com\n' > "$tmp/loop/a.txt"
ln -s . "$tmp/loop/x"
ln -s . "$tmp/loop/y"
ln -s .. "$tmp/loop/sub/up"
bounded "$ptrd" validate "$tmp/loop" > "$tmp/out" 2>&1
expect "SymlinkLoopInMappingsFolderIsAnErrorNotAHang" 1 $?
expect_output "the loop error names the link" "$tmp/out" "$tmp/loop/x"
expect_output "the loop error says loop" "$tmp/out" "loops back"
expect_output "a.txt is loaded once" "$tmp/out" "1 valid, 0 invalid, 0 duplicates"

# --- 4. YAML aliases repeating a /16 range: ~1 KB must not become gigabytes.
{
  printf 'apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nmetadata: {name: bomb}\nspec:\n'
  printf '  ranges: [&r {cidr: 10.0.0.0/16, hostname: "{dashed}.pool.example.net"}'
  for _ in $(seq 200); do printf ', *r'; done
  printf ']\n'
} > "$tmp/bomb.yaml"
bounded "$ptrd" validate "$tmp/bomb.yaml" > "$tmp/out" 2>&1
expect "AliasBombOfRangesIsAnErrorNamingTheBound" 1 $?
expect_output "the alias bomb error names file:line" "$tmp/out" "$tmp/bomb.yaml:5:"
expect_output "the alias bomb error names the bound" "$tmp/out" "more than the limit of 1048576 addresses per file"

# --- 5. A FIFO named *.yaml: validate must not block on it.
mkdir -p "$tmp/fifo"
mkfifo "$tmp/fifo/pipe.yaml"
printf '192.0.2.1 a.example.com\n' > "$tmp/fifo/a.txt"
bounded "$ptrd" validate "$tmp/fifo" > "$tmp/out" 2>&1
expect "FifoNamedYamlIsAnErrorNotABlock" 1 $?
expect_output "the FIFO error names the path" "$tmp/out" "$tmp/fifo/pipe.yaml: not a regular file"

finish input_bounds_cli
