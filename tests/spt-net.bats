#!/usr/bin/env bats
# spt-net.bats: network devices under solo5-spt, the cases of hvt-net.bats
# (each test in a network namespace of its own: ARP and ICMP echo, a ping
# flood without loss, two interfaces, MTU 9000, MAC and descriptor
# options, maxdevices, acquire), and the per-descriptor seccomp rules a
# tap adds. Needs no /dev/kvm.

bats_require_minimum_version 1.5.0
load lib
load tools/selftest

SPT=$BIN/solo5-spt

setup() {
    [ -c /dev/net/tun ] || skip "no /dev/net/tun"
    skip_unless_cmd ping iputils-ping
    [ -x "$SPT" ] || { echo "$SPT is not built (run make)" >&2; return 1; }
    TARGET=spt
    UT_OPTS=()
    UT_PID=
    WORK=$BATS_TEST_TMPDIR
    netns_create
}

teardown() {
    if [ -n "${UT_PID:-}" ]; then
        kill "$UT_PID" 2>/dev/null
        wait "$UT_PID" 2>/dev/null
    fi
    netns_cleanup
}

# in_ns CMD...: runs CMD inside the test's namespace.
in_ns() {
    ip netns exec "$NS" "$@"
}

# run_ut NAME [ARGS...]: NAME in the namespace, in the foreground.
run_ut() {
    local name=$1
    shift
    run in_ns timeout "${UT_TIMEOUT:-60}" "$SPT" "${UT_OPTS[@]}" -- "$(ut "$name")" "$@"
}

# start_ut NAME [ARGS...]: NAME in the namespace, in the background, with
# its output in $WORK/out; returns once it says "net: ready".
start_ut() {
    local name=$1 i
    shift
    # Not through in_ns: a backgrounded function is a subshell, and $!
    # would name it instead of the process that must be stopped. Without
    # bats' fd 3, which a leftover process would hold, making bats wait.
    # Emptied first: the loop below must not find the last run's line.
    : >"$WORK/out"
    ip netns exec "$NS" timeout "${UT_TIMEOUT:-600}" "$SPT" "${UT_OPTS[@]}" \
        -- "$(ut "$name")" "$@" >"$WORK/out" 2>&1 3>&- &
    UT_PID=$!
    for i in $(seq 1 300); do
        grep -q '^net: ready$' "$WORK/out" && return 0
        kill -0 "$UT_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "the unikernel did not get ready:" >&2
    cat "$WORK/out" >&2
    return 1
}

# finish_ut [GRACE]: waits up to GRACE seconds (default 15) for the
# background unikernel to end on its own, then stops it; sets $status and
# $output as bats' run does.
finish_ut() {
    local grace=${1:-15} i st=0
    for i in $(seq 1 $((grace * 10))); do
        kill -0 "$UT_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$UT_PID" 2>/dev/null; then
        echo "the unikernel was still running after ${grace}s; stopping it" >&2
        kill "$UT_PID"
    fi
    wait "$UT_PID" || st=$?
    UT_PID=
    status=$st
    output=$(cat "$WORK/out")
    mapfile -t lines <<<"$output"
}

# ping_ok ADDR [PING OPTIONS...]: pings ADDR from the namespace and
# requires every echo to be answered.
ping_ok() {
    local addr=$1 out
    shift
    out=$(in_ns timeout "${PING_TIMEOUT:-60}" ping "$@" "$addr" 2>&1)
    if ! grep -q ', 0% packet loss' <<<"$out"; then
        echo "ping $* $addr lost packets or failed:" >&2
        echo "$out" >&2
        return 1
    fi
}

# guest_mac: the MAC address the net test printed for service0.
guest_mac() {
    sed -n 's/^net: service0 .* mac=\([0-9a-f:]*\) .*/\1/p' "$WORK/out"
}

@test "net: answers ARP and ICMP echo" {
    netns_tap tap0 10.0.0.1/24
    UT_OPTS=(--net:service0=tap0)
    start_ut net limit=4
    ping_ok 10.0.0.2 -c 3 -i 0.2 -W 5
    # ARP resolved to the MAC the guest was given. (Checked while the
    # unikernel runs: when the tender closes the tap, the host forgets.)
    local mac
    mac=$(guest_mac)
    [ -n "$mac" ]
    in_ns ip neigh show 10.0.0.2 | grep -q "lladdr $mac" ||
        { echo "neighbour entry is not $mac:" >&2; in_ns ip neigh show >&2; false; }
    ping_ok 10.0.0.2 -c 1 -W 5
    finish_ut
    expect_success
    expect_line '^net: service0 handle=1 mac=.* mtu=1500 ip=10\.0\.0\.2$'
    expect_line '^net: answered 4 echo requests$'
}

@test "net: a 100,000-packet ping flood loses nothing" {
    netns_tap tap0 10.0.0.1/24
    UT_OPTS=(--net:service0=tap0)
    start_ut net limit=100002
    ping_ok 10.0.0.2 -c 2 -i 0.2 -W 5
    PING_TIMEOUT=500 ping_ok 10.0.0.2 -f -c 100000 -q
    finish_ut
    expect_success
    expect_line '^net: answered 100002 echo requests$'
}

@test "net: --net-mac sets the guest's MAC address" {
    netns_tap tap0 10.0.0.1/24
    UT_OPTS=(--net:service0=tap0 --net-mac:service0=02:12:34:56:78:9a)
    start_ut net limit=2
    [ "$(guest_mac)" = "02:12:34:56:78:9a" ] || { cat "$WORK/out" >&2; false; }
    ping_ok 10.0.0.2 -c 1 -W 5
    in_ns ip neigh show 10.0.0.2 | grep -q 'lladdr 02:12:34:56:78:9a'
    ping_ok 10.0.0.2 -c 1 -W 5
    finish_ut
    expect_success
}

@test "net: the default MAC is a random locally administered unicast address" {
    netns_tap tap0 10.0.0.1/24
    UT_OPTS=(--net:service0=tap0)
    start_ut net limit=1
    local mac1 first
    mac1=$(guest_mac)
    kill "$UT_PID"
    wait "$UT_PID" 2>/dev/null || true
    UT_PID=
    first=$((16#${mac1:0:2}))
    [ $((first & 2)) -eq 2 ] && [ $((first & 1)) -eq 0 ] ||
        { echo "MAC $mac1 is not locally administered unicast" >&2; false; }
    start_ut net limit=1
    [ "$(guest_mac)" != "$mac1" ] || { echo "the same MAC twice: $mac1" >&2; false; }
}

@test "net: MTU 9000 is seen by the guest and carries large frames" {
    netns_tap tap0 10.0.0.1/24 9000
    UT_OPTS=(--net:service0=tap0)
    start_ut net limit=3 mtu=9000
    ping_ok 10.0.0.2 -c 3 -i 0.2 -W 5 -s 8972 -M do
    finish_ut
    expect_success
    expect_line '^net: service0 .* mtu=9000 '
}

@test "net: --net:NAME=@FD uses a tap descriptor opened by the launcher" {
    skip_unless_cmd python3
    netns_tap tap0 10.0.0.1/24
    ip netns exec "$NS" timeout 60 python3 "$TOP/tests/tools/tapfd.py" tap0 \
        "$SPT" --net:service0=@FD -- "$(ut net)" limit=2 >"$WORK/out" 2>&1 &
    UT_PID=$!
    local i
    for i in $(seq 1 300); do
        grep -q '^net: ready$' "$WORK/out" && break
        sleep 0.1
    done
    ping_ok 10.0.0.2 -c 2 -i 0.2 -W 5
    finish_ut
    expect_success
}

@test "net2: two interfaces at once, each answering on its own subnet" {
    netns_tap tap0 10.0.0.1/24
    netns_tap tap1 10.1.0.1/24
    UT_OPTS=(--net:service0=tap0 --net:service1=tap1)
    start_ut net2 service0=10.0.0.2 service1=10.1.0.2 limit=20006
    ping_ok 10.0.0.2 -c 3 -i 0.2 -W 5
    ping_ok 10.1.0.2 -c 3 -i 0.2 -W 5
    # Both floods at once.
    local p0 p1 st=0
    PING_TIMEOUT=300 ping_ok 10.0.0.2 -f -c 10000 -q & p0=$!
    PING_TIMEOUT=300 ping_ok 10.1.0.2 -f -c 10000 -q & p1=$!
    wait "$p0" || st=1
    wait "$p1" || st=1
    [ "$st" -eq 0 ]
    finish_ut
    expect_success
    expect_line '^net: service0 handle=1 .* ip=10\.0\.0\.2$'
    expect_line '^net: service1 handle=2 .* ip=10\.1\.0\.2$'
    expect_line '^net: answered 20006 echo requests$'
}

@test "net2: a tap answers only for its own interface's address" {
    netns_tap tap0 10.0.0.1/24
    netns_tap tap1 10.1.0.1/24
    UT_OPTS=(--net:service0=tap0 --net:service1=tap1)
    start_ut net2 service0=10.0.0.2 service1=10.1.0.2
    # 10.1.0.2 routed out of tap0 must not be answered by service0.
    in_ns ip route replace 10.1.0.2/32 dev tap0
    run in_ns ping -c 2 -W 2 10.1.0.2
    [ "$status" -ne 0 ] || { echo "service0 answered for service1's address" >&2; false; }
}

@test "maxdevices: 63 devices attached and acquired at once" {
    netns_tap tap0 10.0.0.1/24
    local k opts=()
    for k in $(seq 0 61); do
        truncate -s $(( (k + 1) * 4096 )) "$WORK/disk$k"
        opts+=(--block:disk$k="$WORK/disk$k")
    done
    UT_OPTS=("${opts[@]}" --net:net0=tap0)
    run_ut maxdevices
    expect_success
    for k in $(seq 0 61); do
        [ "$(head -c 64 "$WORK/disk$k" | tr -d '\0')" = "maxdevices disk$k" ] ||
            { echo "disk$k does not hold its marker" >&2; false; }
    done
}

@test "acquire: names, types and handles are checked at acquisition" {
    netns_tap tap0 10.0.0.1/24
    truncate -s 64K "$WORK/d0" "$WORK/d1"
    UT_OPTS=(--block:disk0="$WORK/d0" --net:net0=tap0 --block:disk1="$WORK/d1")
    run_ut acquire
    expect_success
}

@test "yield: a guest waiting for input sleeps in the host" {
    netns_tap tap0 10.0.0.1/24
    UT_OPTS=(--net:service0=tap0)
    start_ut net limit=1
    sleep 1
    # An idle guest is blocked in ppoll, not spinning: under 0.2 s of CPU
    # in its first second or more.
    local pid ticks hz
    pid=$(pgrep -P "$UT_PID" | head -n1)
    [ -n "$pid" ] || pid=$UT_PID
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    hz=$(getconf CLK_TCK)
    [ "$ticks" -lt $((hz / 5)) ] || { echo "idle guest used $ticks ticks" >&2; false; }
    ping_ok 10.0.0.2 -c 1 -W 5
    finish_ut
    expect_success
}
