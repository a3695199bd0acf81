#!/usr/bin/env bats
# spt-net.bats: network devices under solo5-spt, the cases of hvt-net.bats
# (each test in a network namespace of its own: ARP and ICMP echo, a ping
# flood without loss, two interfaces, MTU 9000, MAC and descriptor
# options, maxdevices, acquire), and the per-descriptor seccomp rules a
# tap adds. Needs no /dev/kvm.

bats_require_minimum_version 1.5.0
load lib
load tools/selftest
load tender-net

setup() {
    net_setup spt
}

teardown() {
    bg_cleanup
}

@test "net: answers ARP and ICMP echo" {
    tender_test spt tc_net_arp_icmp
}

@test "net: a 100,000-packet ping flood loses nothing" {
    tender_test spt tc_net_flood 100000
}

@test "net: --net-mac sets the guest's MAC address" {
    tender_test spt tc_net_mac_option
}

@test "net: the default MAC is a random locally administered unicast address" {
    tender_test spt tc_net_default_mac
}

@test "net: MTU 9000 is seen by the guest and carries large frames" {
    tender_test spt tc_net_mtu_9000
}

@test "net: --net:NAME=@FD uses a tap descriptor opened by the launcher" {
    tender_test spt tc_net_tap_fd
}

@test "net2: two interfaces at once, each answering on its own subnet" {
    tender_test spt tc_net2_two_interfaces
}

@test "net2: a tap answers only for its own interface's address" {
    tender_test spt tc_net2_own_address
}

@test "maxdevices: 63 devices attached and acquired at once" {
    tender_test spt tc_maxdevices
}

@test "acquire: names, types and handles are checked at acquisition" {
    tender_test spt tc_acquire
}

@test "yield: a guest waiting for input sleeps in the host" {
    start_net_ut limit=1
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

