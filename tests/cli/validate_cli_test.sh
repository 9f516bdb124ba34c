#!/usr/bin/env bash
# CLI contract checks for `ptrd validate`, `version`, `--help` and `--log-level` (contract §3):
# exit statuses and that errors name file:line. Usage: validate_cli_test.sh PTRD SRC_DIR
set -u
ptrd=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/expect.sh"

# examples/gitops/ also holds kustomize and CI files: validate what ptrd reads.
"$ptrd" validate "$src/examples/mappings/" "$src/examples/ptrd.yaml" "$src/examples/gitops/mappings/" \
  "$src/examples/gitops/ptrd.yaml" > "$tmp/out" 2>&1
expect "validate examples/" 0 $?
expect_output "validate examples/ counts" "$tmp/out" "0 invalid"

printf 'apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nmetadata:\n  name: bad\nspec:\n  records:\n    - ip: 192.0.2.1\n      hostname: mail\n' > "$tmp/bad.yaml"
"$ptrd" validate "$tmp/bad.yaml" > "$tmp/out" 2>&1
expect "validate hostname: mail" 1 $?
expect_output "error names file and line" "$tmp/out" "$tmp/bad.yaml:8:17: hostname \"mail\" has no domain"

"$ptrd" validate -o json "$tmp/bad.yaml" > "$tmp/out" 2>&1
expect "validate -o json on a bad file" 1 $?
expect_output "json has the line" "$tmp/out" '"line": 8'

"$ptrd" validate "$tmp/missing.yaml" > "$tmp/out" 2>&1
expect "validate a missing file" 1 $?

printf '192.0.2.1 a.example.com\n' > "$tmp/ok.txt"
"$ptrd" validate "$tmp/ok.txt" > "$tmp/out" 2>&1
expect "validate a bulk .txt file" 0 $?

"$ptrd" version > "$tmp/out" 2>&1
expect "version" 0 $?
expect_output "version prints ptrd" "$tmp/out" "ptrd "
"$ptrd" --help > /dev/null 2>&1
expect "--help" 0 $?
for cmd in validate check plan apply run version; do
  "$ptrd" "$cmd" --help > /dev/null 2>&1
  expect "$cmd --help" 0 $?
done
"$ptrd" validate > /dev/null 2>&1
expect "validate without paths is a usage error" 1 $?

# validate tells ReconcilerConfig files apart by kind and checks them as plan would.
mkdir -p "$tmp/repo/mappings"
cp "$tmp/ok.txt" "$tmp/repo/mappings/"
printf 'apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n  mappings: ["mappings/"]\n  provider:\n    type: powerdnz\n    url: http://127.0.0.1:1\n    apiKeyFile: k\n  polcy: sync\n' > "$tmp/repo/ptrd.yaml"
"$ptrd" validate "$tmp/repo/ptrd.yaml" > "$tmp/out" 2>&1
expect "validate a config with typos" 1 $?
expect_output "the provider typo names its line" "$tmp/out" "ptrd.yaml:6:11: unknown provider 'powerdnz'"
expect_output "the field typo names its line" "$tmp/out" "ptrd.yaml:9:3: unknown field \"polcy\""
sed -i 's/powerdnz/powerdns/; s/polcy/policy/' "$tmp/repo/ptrd.yaml"
"$ptrd" validate "$tmp/repo" > "$tmp/out" 2>&1
expect "validate a repository with a good config and its mappings" 0 $?
expect_output "the config is reported" "$tmp/out" "ptrd.yaml (ReconcilerConfig): ok"
expect_output "its mappings are counted once" "$tmp/out" "total: 1 valid, 0 invalid, 0 duplicates"

# Every command takes --log-level (contract §3); a level it does not know is a usage error.
for cmd in validate check plan apply run version; do
  "$ptrd" "$cmd" --log-level debug --help > /dev/null 2>&1
  expect "$cmd takes --log-level" 0 $?
done
"$ptrd" validate --log-level warn "$tmp/ok.txt" > /dev/null 2>&1
expect "validate --log-level warn runs" 0 $?
"$ptrd" validate --log-level loud "$tmp/ok.txt" > /dev/null 2>&1
expect "an unknown --log-level is a usage error" 1 $?
"$ptrd" run --help > "$tmp/out" 2>&1
expect_output "run documents --dry-run" "$tmp/out" "--dry-run"

finish validate_cli
