#!/usr/bin/env bats
# hvt-net.bats: network devices under solo5-hvt, each test in a network
# namespace of its own: ARP and ICMP echo, a ping flood without loss, two
# interfaces, MTU 9000, MAC and descriptor options, and the unikernels that
# need a tap among their devices (maxdevices, acquire).

# Every test here needs /dev/kvm (tests/run-tests.sh runs them in the
# test VM where the machine has none).
# bats file_tags=kvm

bats_require_minimum_version 1.5.0
load lib
load tools/selftest
load tender-net

setup() {
    skip_unless_kvm
    net_setup hvt
}

teardown() {
    bg_cleanup
}

@test "net: answers ARP and ICMP echo" {
    tender_test hvt tc_net_arp_icmp
}

@test "net: a 100,000-packet ping flood loses nothing (1/SOLO5_TEST_SLOW of it in the test VM)" {
    # Inside the emulated test VM every packet costs thousands of times
    # more; a quarter of the flood still shows no loss under a full ring.
    tender_test hvt tc_net_flood $((100000 / ${SOLO5_TEST_SLOW:-1}))
}

@test "net: --net-mac sets the guest's MAC address" {
    tender_test hvt tc_net_mac_option
}

@test "net: the default MAC is a random locally administered unicast address" {
    tender_test hvt tc_net_default_mac
}

@test "net: MTU 9000 is seen by the guest and carries large frames" {
    tender_test hvt tc_net_mtu_9000
}

@test "net: --net:NAME=@FD uses a tap descriptor opened by the launcher" {
    tender_test hvt tc_net_tap_fd
}

@test "net2: two interfaces at once, each answering on its own subnet" {
    tender_test hvt tc_net2_two_interfaces
}

@test "net2: a tap answers only for its own interface's address" {
    tender_test hvt tc_net2_own_address
}

@test "maxdevices: 63 devices attached and acquired at once" {
    tender_test hvt tc_maxdevices
}

@test "acquire: names, types and handles are checked at acquisition" {
    tender_test hvt tc_acquire
}

@test "netring: the tender checks the rings it shares with the guest" {
    netns_tap tap0 10.0.0.1/24
    UT_OPTS=(--net:service0=tap0)
    # Driven correctly by hand, the ring works: the cases below fail for
    # what they break.
    run_ut netring ok
    expect_success
    local c
    for c in tx-len tx-count rx-cons; do
        run_ut netring "$c"
        expect_status 1
        expect_line '^solo5-hvt: '
        expect_no_verdict
    done
    # Geometry rewritten by the guest: either ignored or fatal, never
    # trusted (a crash or a signal would show as another status).
    run_ut netring tx-geometry
    [ "$status" -eq 0 ] || [ "$status" -eq 1 ] ||
        { echo "status $status with rewritten ring geometry" >&2; echo "$output" >&2; false; }
    expect_no_line 'FAILURE'
}

