# tests/lib.bash: helpers shared by the bats suites. Load with
#   load lib
# Paths: $TOP (source tree), $BIN (staged tools), $TB (built test unikernels).

TOP=${SOLO5_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
BIN=$TOP/build/bin
TB=$TOP/build/tests
HVT=$BIN/solo5-hvt

# skip_unless_kvm: skip the test with a reason when /dev/kvm is unusable.
# A test that calls it also carries "# bats test_tags=kvm" (or its file
# "# bats file_tags=kvm"): tests/run-tests.sh then runs it in the test VM
# on machines without /dev/kvm, so it skips only with SOLO5_TEST_VM=0.
skip_unless_kvm() {
    [ -r /dev/kvm ] && [ -w /dev/kvm ] || skip "no usable /dev/kvm"
}

# slow SECONDS: SECONDS times $SOLO5_TEST_SLOW (default 1), for timeouts
# that only guard against hangs. The test VM sets SOLO5_TEST_SLOW=4: there
# every guest instruction and exit is emulated, on a machine that may be
# shared, and a guard that fires there would report an emulator's speed,
# not a hang. Never use it to loosen a check about what the code does.
slow() {
    echo $(($1 * ${SOLO5_TEST_SLOW:-1}))
}

# skip_unless_cmd CMD [PACKAGE]: skip when CMD is not installed.
skip_unless_cmd() {
    command -v "$1" >/dev/null 2>&1 || skip "$1 not installed (Debian package ${2:-$1})"
}

# ut NAME: path of self-test unikernel NAME for target $TARGET (default hvt).
ut() {
    echo "$TB/$1/$1.${TARGET:-hvt}"
}

# output_fails MESSAGE: says MESSAGE, then shows $output, on stderr;
# returns 1 (for the expect_ functions).
output_fails() {
    echo "$1" >&2
    echo "--- output was:" >&2
    echo "$output" >&2
    return 1
}

# expect_line REGEX: $output has a line matching the extended REGEX.
expect_line() {
    grep -qE -- "$1" <<<"$output" || output_fails "expected a line matching: $1"
}

# expect_no_line REGEX: no line of $output matches the extended REGEX.
# (A bare `! grep` cannot fail a test: set -e ignores negated commands.)
expect_no_line() {
    if grep -qE -- "$1" <<<"$output"; then
        output_fails "expected no line matching: $1"
    fi
}

# expect_status N: $status is N.
expect_status() {
    [ "$status" -eq "$1" ] || output_fails "expected status $1, got $status"
}

# Network namespaces: every network test makes its own and removes it,
# also on failure (call netns_cleanup from teardown).
# netns_create: sets $NS to a fresh namespace with loopback up. Skips the
# test, saying why, where namespaces cannot be used: `ip -n` and `ip netns
# exec` remount / as a slave, which fails in a chroot whose / is not a
# mount point (as in a debootstrap root entered with chroot).
netns_create() {
    local err
    NS=solo5t-$$-$BATS_TEST_NUMBER-$RANDOM
    if ! err=$(ip netns add "$NS" 2>&1 && ip -n "$NS" link set lo up 2>&1); then
        ip netns del "$NS" 2>/dev/null
        NS=
        skip "network namespaces unusable here: $(echo "$err" | tail -n 1)"
    fi
}

# skip_unless_mount_ns: skips the test, saying why, where a private mount
# namespace cannot be made (unshare -m needs / to be a mount point).
skip_unless_mount_ns() {
    command -v unshare >/dev/null || skip "unshare not installed (util-linux)"
    local err
    err=$(unshare -m true 2>&1) ||
        skip "mount namespaces unusable here: $(echo "$err" | tail -n 1)"
}

# netns_tap NAME ADDR/PREFIX [MTU]: a tap device inside $NS, with the host
# side's address (and MTU, default 1500).
netns_tap() {
    ip -n "$NS" tuntap add dev "$1" mode tap || return 1
    ip -n "$NS" addr add "$2" dev "$1"
    ip -n "$NS" link set dev "$1" mtu "${3:-1500}" up
}

netns_cleanup() {
    [ -n "${NS:-}" ] && ip netns del "$NS" 2>/dev/null
    NS=
    return 0
}

# Suites that run the same cases on solo5-hvt and solo5-spt keep each
# case's body once (tests/tender-*.bash) and their own @test lines.
# tender_use TARGET: the suite's tender, hvt or spt: sets $TARGET (for ut),
# $TENDER (the tender's path) and $UT_HOST_FAULT (its error prefix); fails
# when the tender is not built.
tender_use() {
    TARGET=$1
    TENDER=$BIN/solo5-$1
    UT_HOST_FAULT="^solo5-$1: "
    [ -x "$TENDER" ] || { echo "$TENDER is not built (run make)" >&2; return 1; }
}

# tender_test TARGET CASE [ARGS...]: runs the shared CASE with ARGS in a
# suite whose setup chose TARGET with tender_use; fails, without running
# it, when the suite chose another tender (a line taken from the other
# suite and not adapted).
tender_test() {
    if [ "${TARGET:-}" != "$1" ]; then
        echo "this test is for solo5-$1, the suite set up '${TARGET:-}'" >&2
        return 1
    fi
    shift
    "$@"
}

# start_bg REGEX TRIES CMD [ARGS...]: CMD in the background, its output in
# $WORK/out and its process id in $UT_PID; returns once a line matches
# REGEX (wait_for_line, at most TRIES tenths of a second). The file is
# emptied here, before CMD starts: emptied only by CMD's redirection, it
# could still hold an earlier run's line when the wait first reads it.
# Without bats' fd 3, which a leftover process would hold, making bats
# wait. CMD is run directly, so that $UT_PID is the process a kill must
# reach.
start_bg() {
    local regex=$1 tries=$2
    shift 2
    : >"$WORK/out"
    "$@" >"$WORK/out" 2>&1 3>&- &
    UT_PID=$!
    wait_for_line "$WORK/out" "$regex" "$UT_PID" "$tries"
}

# wait_for_line FILE REGEX PID [TRIES]: waits, 0.1 s at a time and at most
# TRIES times (default 300), until FILE has a line matching the extended
# REGEX. Fails, showing FILE, when PID (the process writing it) ends first
# or time runs out.
wait_for_line() {
    local i
    for i in $(seq 1 "${4:-300}"); do
        grep -qE -- "$2" "$1" && return 0
        kill -0 "$3" 2>/dev/null || break
        sleep 0.1
    done
    # The process may have written the line just before it ended.
    grep -qE -- "$2" "$1" && return 0
    echo "no line matching '$2' from process $3; it wrote:" >&2
    cat "$1" >&2
    return 1
}

# finish_bg PID GRACE: waits up to GRACE seconds for the background
# process PID to end on its own, then stops it; sets $status, $output
# (from $WORK/out) and $lines as bats' run does.
finish_bg() {
    local i st=0
    for i in $(seq 1 $(($2 * 10))); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$1" 2>/dev/null; then
        echo "process $1 was still running after $2 s; stopping it" >&2
        kill "$1"
    fi
    wait "$1" || st=$?
    status=$st
    output=$(cat "$WORK/out")
    mapfile -t lines <<<"$output"
}

# bg_cleanup: for teardown: stops the background process $UT_PID that a
# failed test left running, and removes the test's namespace, if any.
bg_cleanup() {
    if [ -n "${UT_PID:-}" ]; then
        kill "$UT_PID" 2>/dev/null
        wait "$UT_PID" 2>/dev/null
    fi
    UT_PID=
    netns_cleanup
}

# in_ns CMD...: runs CMD inside the test's namespace $NS.
in_ns() {
    ip netns exec "$NS" "$@"
}

# ping_ok ADDR [PING OPTIONS...]: pings ADDR from $NS and requires every
# echo to be answered (within $PING_TIMEOUT seconds, default 60, scaled
# by slow). The deadline (-w) is what makes ping wait for every answer:
# without it, once the last request is out ping waits only twice the
# slowest round trip so far (a flood: about 2 ms), and a busy host that
# delays the last answer a little longer counted it lost.
ping_ok() {
    local addr=$1 out dl
    shift
    dl=$(slow "${PING_TIMEOUT:-60}")
    out=$(in_ns timeout "$((dl + 10))" ping -w "$dl" "$@" "$addr" 2>&1)
    if ! grep -q ', 0% packet loss' <<<"$out"; then
        echo "ping $* $addr lost packets or failed:" >&2
        echo "$out" >&2
        return 1
    fi
}
