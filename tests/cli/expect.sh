# Shared by the CLI test scripts: counts checks and prints one line each.
#   source "$(dirname "$0")/expect.sh"
#   expect "validate examples/" 0 $?
#   expect_output "names the line" "$tmp/out" "file.yaml:8:17"
#   finish validate_cli     # "validate_cli: N passed, M failed"; exit status 1 on a failure
failures=0
passes=0
expect() {  # DESCRIPTION EXPECTED_STATUS ACTUAL_STATUS
  if [ "$2" != "$3" ]; then
    echo "FAIL: $1: exit status $3, want $2 (124 = deadline, 134/137 = abort/killed)"
    failures=$((failures + 1))
  else
    echo "ok: $1"
    passes=$((passes + 1))
  fi
}
expect_output() {  # DESCRIPTION FILE PATTERN
  if grep -qF -- "$3" "$2"; then echo "ok: $1"; passes=$((passes + 1)); else
    echo "FAIL: $1: output lacks '$3':"; head -c 2000 "$2"; failures=$((failures + 1)); fi
}
finish() {  # NAME
  echo "$1: $passes passed, $failures failed"
  [ "$failures" -eq 0 ]
}
