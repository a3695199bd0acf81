#!/bin/bash
# Runs every test suite (tests/*.bats, each run with bats in TAP mode) and
# ends with the line "N passed, N failed, N skipped".
# Usage: tests/run-tests.sh [SUITE.bats...]   (default: all of tests/*.bats)
set -u
cd "$(dirname "$0")/.."
export SOLO5_TOP=$PWD
suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(tests/*.bats)
pass=0 fail=0 skip=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for s in "${suites[@]}"; do
    echo "# suite: $s"
    bats --tap "$s" 2>&1 | tee "$log"
    p=$(grep -cE '^ok [0-9]+ ' "$log" | tr -d ' ')
    k=$(grep -cE '^ok [0-9]+ .*# ?[Ss][Kk][Ii][Pp]' "$log" | tr -d ' ')
    f=$(grep -cE '^not ok [0-9]+ ' "$log" | tr -d ' ')
    planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log" | head -n1)
    ran=$((p + f))
    # A suite that dies part-way counts its unrun tests as failed.
    if [ -n "$planned" ] && [ "$ran" -lt "$planned" ]; then
        echo "# $s: only $ran of $planned tests reported"
        f=$((f + planned - ran))
    elif [ -z "$planned" ]; then
        echo "# $s: no test plan (bats failed to start)"
        f=$((f + 1))
    fi
    pass=$((pass + p - k)) skip=$((skip + k)) fail=$((fail + f))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
