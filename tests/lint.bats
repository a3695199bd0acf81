#!/usr/bin/env bats
# lint.bats: checks of the test suites themselves.

load lib

@test "lint: no bats line negates a command whose status nothing checks" {
    run "$TOP/ci/bats-lint.sh" "$TOP"/tests/*.bats "$TOP"/tests/*.bash "$TOP"/tests/tools/*.bash
    [ "$status" -eq 0 ] || {
        echo "set -e ignores '! cmd': use expect_no_line, run !, or if ...; then ... return 1; fi" >&2
        echo "$output" >&2
        return 1
    }
}

@test "lint: the checker names file and line of each bare negation, and only those" {
    local sample=$TOP/tests/lint/bare-negation.sample
    run "$TOP/ci/bats-lint.sh" "$sample"
    expect_status 1
    # Exactly the lines the sample marks BAD.
    want=$(grep -n '# BAD' "$sample" | cut -d: -f1 | sed "s|^|$sample:|" | tr '\n' ' ')
    got=$(cut -d: -f1,2 <<<"$output" | tr '\n' ' ')
    [ "$got" = "$want" ] || { echo "want: $want" >&2; echo "got:  $got" >&2; return 1; }
}
