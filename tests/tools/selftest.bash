# tests/tools/selftest.bash: what a self-test unikernel's run must show,
# independent of the target. Load after lib: `load tools/selftest`.
#
# A suite defines run_ut NAME [ARGS...], which runs unikernel NAME with the
# command line ARGS under bats' `run` (so $status and $output are set),
# with the target's device options taken from the array UT_OPTS. The
# expectations below then judge the run the same way on every target.

# expect_success: the unikernel reported SUCCESS, no FAILURE, status 0.
expect_success() {
    expect_line '^SUCCESS$' && expect_no_line 'FAILURE' && expect_status 0
}

# expect_no_verdict: no SUCCESS and no FAILURE line (for runs that must
# end in a fault before the unikernel could judge itself).
expect_no_verdict() {
    expect_no_line '^SUCCESS$' && expect_no_line 'FAILURE'
}

# expect_abort [REGEX]: the bindings ended the guest abnormally: status 255
# and an ABORT line (matching REGEX, case-insensitive, when given).
expect_abort() {
    expect_status 255 && expect_line 'ABORT' && expect_no_verdict || return 1
    if [ -n "${1:-}" ] && ! grep 'ABORT' <<<"$output" | grep -qiE -- "$1"; then
        output_fails "expected an ABORT line matching: $1"
    fi
}

# expect_fault: the access faulted, whichever side caught it: a guest
# exception (status 255 with an ABORT line) or the host refusing the
# access (status 1 with a line from the tender or runner naming it).
expect_fault() {
    expect_no_verdict || return 1
    case $status in
        255) expect_line 'ABORT' ;;
        1) expect_line "${UT_HOST_FAULT:-^solo5-hvt: }" ;;
        *) output_fails "expected status 255 (guest fault) or 1 (host fault), got $status" ;;
    esac
}

# expect_cmdline TEXT: the unikernel saw exactly TEXT as its command line
# (hello's "Command line is: '...'" line).
expect_cmdline() {
    local want="Command line is: '$1'"
    grep -qxF -- "$want" <<<"$output" || output_fails "expected the line: $want"
}

# check_exceptions: each of the exception test's traps aborts the guest,
# naming the trap.
check_exceptions() {
    run_ut exception ud
    expect_abort 'invalid opcode|#UD'
    run_ut exception de
    expect_abort 'divide|#DE'
    run_ut exception gp
    expect_abort 'general protection|#GP'
    # int3 from the application: #BP, or #GP where the gate is kernel-only.
    run_ut exception bp
    expect_abort 'breakpoint|#BP|general protection|#GP'
}

# console_expected: what the console test writes with --solo5:quiet:
# every byte value 0 to 255, then small and large writes.
console_expected() {
    local line='the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGH'
    echo "console: begin"
    # shellcheck disable=SC2046
    printf "$(printf '\\%03o' $(seq 0 255))"
    echo
    yes "$line" | head -n 1563
    echo "console: end"
    echo "SUCCESS"
}

# check_net2 N: the net2 test, started with the suite's start_ut with
# service0 at 10.0.0.2 and service1 at 10.1.0.2, answers pings on both
# interfaces, then a flood of N echoes on each at once, and ends on its
# own having answered them all.
check_net2() {
    local n=$1 p0 p1 st=0
    start_ut net2 service0=10.0.0.2 service1=10.1.0.2 limit=$((2 * n + 6))
    ping_ok 10.0.0.2 -c 3 -i 0.2 -W 5
    ping_ok 10.1.0.2 -c 3 -i 0.2 -W 5
    # Both floods at once.
    PING_TIMEOUT=300 ping_ok 10.0.0.2 -f -c "$n" -q & p0=$!
    PING_TIMEOUT=300 ping_ok 10.1.0.2 -f -c "$n" -q & p1=$!
    wait "$p0" || st=1
    wait "$p1" || st=1
    [ "$st" -eq 0 ] || { echo "a flood lost echoes" >&2; return 1; }
    finish_ut
    expect_success
    expect_line "^net: answered $((2 * n + 6)) echo requests\$"
}

# block_at FILE OFFSET LEN: LEN bytes of FILE from OFFSET, NULs removed.
block_at() {
    tail -c +"$(($2 + 1))" "$1" | head -c "$3" | tr -d '\0'
}

# check_block_markers FILE SECTOR: the block test's markers are in FILE.
check_block_markers() {
    local file=$1 bs=$2 size mid
    size=$(stat -c %s "$file")
    mid=$(( (size / bs / 2) * bs ))
    [ "$(block_at "$file" 0 "$bs")" = "solo5 block test: first block" ] &&
    [ "$(block_at "$file" "$mid" "$bs")" = "solo5 block test: middle block" ] &&
    [ "$(block_at "$file" $((size - bs)) "$bs")" = "solo5 block test: last block" ] || {
        echo "markers missing from $file:" >&2
        od -A d -c "$file" | head -20 >&2
        return 1
    }
}

# expect_sealed ATTACK ACCESS: a run of the unseal self-test with ATTACK
# faulted at the address it announced ("unseal: ATTACK at 0xADDR"): a #PF
# for an ACCESS (read or write) of that address, status 255, and nothing
# after it (no "ESCAPED").
expect_sealed() {
    expect_no_line 'ESCAPED' && expect_status 255 || return 1
    local addr
    addr=$(sed -n "s/^unseal: $1 at \(0x[0-9a-f]*\)\$/\1/p" <<<"$output")
    if [ -z "$addr" ]; then
        echo "the attack $1 did not start; output: $output" >&2
        return 1
    fi
    expect_line "^Solo5: ABORT: #PF page fault at rip=0x[0-9a-f]+: $2 access to $addr "
}

# check_time: runs the time self-test with the host's clock as it starts;
# the wall clock it prints must not be later than the host's once it has
# ended (one second of rounding aside). The bound is the run itself, not a
# fixed allowance: a nested boot under load can take longer than any.
check_time() {
    local start end wall
    start=$(date +%s)
    run_ut time "$start"
    end=$(date +%s)
    expect_success
    wall=$(sed -n 's/^time: host said [0-9]* s, wall clock is \([0-9]*\) s$/\1/p' <<<"$output")
    [ -n "$wall" ] || output_fails "no wall clock in the output"
    [ "$wall" -le $((end + 1)) ] ||
        output_fails "wall clock $wall s is later than the host's $end s after the run"
}
