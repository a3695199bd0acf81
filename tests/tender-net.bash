# tests/tender-net.bash: the network cases hvt-net.bats and spt-net.bats
# share, each written once against the suite's tender ($TENDER, $TARGET,
# chosen with tender_use), each in a network namespace of its own. Load
# after lib and tools/selftest; each suite still names every case in an
# @test line of its own.

# net_setup TARGET: skips without a tun device or ping; a fresh namespace.
net_setup() {
    [ -c /dev/net/tun ] || skip "no /dev/net/tun"
    skip_unless_cmd ping iputils-ping
    tender_use "$1"
    UT_OPTS=()
    UT_PID=
    WORK=$BATS_TEST_TMPDIR
    netns_create
}

# run_ut NAME [ARGS...]: NAME in the namespace, in the foreground.
run_ut() {
    local name=$1
    shift
    run in_ns timeout "${UT_TIMEOUT:-60}" "$TENDER" "${UT_OPTS[@]}" -- "$(ut "$name")" "$@"
}

# start_ut NAME [ARGS...]: NAME in the namespace, in the background, with
# its output in $WORK/out; returns once it says "net: ready".
start_ut() {
    local name=$1
    shift
    # Not through in_ns: a backgrounded function is a subshell, and
    # $UT_PID would name it instead of the process that must be stopped.
    start_bg '^net: ready$' "$(slow 300)" ip netns exec "$NS" \
        timeout "$(slow "${UT_TIMEOUT:-600}")" "$TENDER" "${UT_OPTS[@]}" \
        -- "$(ut "$name")" "$@"
}

# finish_ut [GRACE]: waits up to GRACE seconds (default 15) for the
# background unikernel to end on its own, then stops it; sets $status and
# $output as bats' run does.
finish_ut() {
    finish_bg "$UT_PID" "${1:-15}"
    UT_PID=
}

# start_net_ut ARGS...: tap0 in $NS at 10.0.0.1/24, attached as service0,
# and the net test started with ARGS.
start_net_ut() {
    netns_tap tap0 10.0.0.1/24
    UT_OPTS=(--net:service0=tap0)
    start_ut net "$@"
}

# guest_mac: the MAC address the net test printed for service0.
guest_mac() {
    sed -n 's/^net: service0 .* mac=\([0-9a-f:]*\) .*/\1/p' "$WORK/out"
}

# ------------------------------------------------------------------ cases
# One function a case, named tc_SECTION_WHAT after its @test line.

# net: a ping flood of N packets loses nothing
tc_net_flood() {
    local n=$1
    start_net_ut limit=$((n + 2))
    ping_ok 10.0.0.2 -c 2 -i 0.2 -W 5
    PING_TIMEOUT=500 ping_ok 10.0.0.2 -f -c "$n" -q
    finish_ut
    expect_success
    expect_line "^net: answered $((n + 2)) echo requests\$"
}

# net: --net:NAME=@FD uses a tap descriptor opened by the launcher
tc_net_tap_fd() {
    skip_unless_cmd python3
    netns_tap tap0 10.0.0.1/24
    start_bg '^net: ready$' "$(slow 300)" ip netns exec "$NS" timeout "$(slow 60)" \
        python3 "$TOP/tests/tools/tapfd.py" tap0 \
        "$TENDER" --net:service0=@FD -- "$(ut net)" limit=2
    ping_ok 10.0.0.2 -c 2 -i 0.2 -W 5
    finish_ut
    expect_success
}

# net: answers ARP and ICMP echo
tc_net_arp_icmp() {
    start_net_ut limit=4
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

# net: --net-mac sets the guest's MAC address
tc_net_mac_option() {
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

# net: the default MAC is a random locally administered unicast address
tc_net_default_mac() {
    start_net_ut limit=1
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

# net: MTU 9000 is seen by the guest and carries large frames
tc_net_mtu_9000() {
    netns_tap tap0 10.0.0.1/24 9000
    UT_OPTS=(--net:service0=tap0)
    start_ut net limit=3 mtu=9000
    ping_ok 10.0.0.2 -c 3 -i 0.2 -W 5 -s 8972 -M do
    finish_ut
    expect_success
    expect_line '^net: service0 .* mtu=9000 '
}

# net2: two interfaces at once, each answering on its own subnet
tc_net2_two_interfaces() {
    netns_tap tap0 10.0.0.1/24
    netns_tap tap1 10.1.0.1/24
    UT_OPTS=(--net:service0=tap0 --net:service1=tap1)
    check_net2 10000
    expect_line '^net: service0 handle=1 .* ip=10\.0\.0\.2$'
    expect_line '^net: service1 handle=2 .* ip=10\.1\.0\.2$'
}

# net2: a tap answers only for its own interface's address
tc_net2_own_address() {
    netns_tap tap0 10.0.0.1/24
    netns_tap tap1 10.1.0.1/24
    UT_OPTS=(--net:service0=tap0 --net:service1=tap1)
    start_ut net2 service0=10.0.0.2 service1=10.1.0.2
    # 10.1.0.2 routed out of tap0 must not be answered by service0.
    in_ns ip route replace 10.1.0.2/32 dev tap0
    run in_ns ping -c 2 -W 2 10.1.0.2
    [ "$status" -ne 0 ] || { echo "service0 answered for service1's address" >&2; false; }
}

# maxdevices: 63 devices attached and acquired at once
tc_maxdevices() {
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

# acquire: names, types and handles are checked at acquisition
tc_acquire() {
    netns_tap tap0 10.0.0.1/24
    truncate -s 64K "$WORK/d0" "$WORK/d1"
    UT_OPTS=(--block:disk0="$WORK/d0" --net:net0=tap0 --block:disk1="$WORK/d1")
    run_ut acquire
    expect_success
}
