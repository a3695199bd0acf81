#!/usr/bin/env bats
# hvt.bats: the self-test unikernels under solo5-hvt (everything that needs
# no network; see hvt-net.bats), and the tender behaviour they show: command
# line, exit status, faults, block devices, signals.

# Every test here needs /dev/kvm (tests/run-tests.sh runs them in the
# test VM where the machine has none).
# bats file_tags=kvm

bats_require_minimum_version 1.5.0
load lib
load tools/selftest
load tender-selftests

setup() {
    skip_unless_kvm
    selftests_setup hvt
}

teardown() {
    bg_cleanup
}

# ---------------------------------------------------------------- start-up

@test "hello: no arguments give an empty command line" {
    tender_test hvt tc_hello_no_args
}

@test "hello: arguments arrive joined by single spaces" {
    tender_test hvt tc_hello_args_joined
}

@test "hello: options after the unikernel belong to the unikernel" {
    tender_test hvt tc_hello_options_after
}

@test "hello: the bindings print a banner and an exit line" {
    tender_test hvt tc_hello_banner
}

@test "hello: a long command line arrives intact" {
    tender_test hvt tc_hello_long_cmdline
}

@test "hello: a command line beyond the limit is refused, not truncated" {
    tender_test hvt tc_hello_cmdline_limit
}

@test "quiet: --solo5:quiet leaves only the unikernel's output" {
    tender_test hvt tc_quiet_only_output
}

@test "quiet: --solo5: options count only at the start" {
    tender_test hvt tc_quiet_at_start
}

@test "quiet: an unknown --solo5: option is an error" {
    tender_test hvt tc_quiet_unknown_option
}

@test "exitcode: the exit status passes through" {
    tender_test hvt tc_exitcode
}

# ----------------------------------------------------------- memory, CPU

@test "globals: data and BSS are loaded, writes stick" {
    tender_test hvt tc_globals
}

@test "fpu: SSE and x87 arithmetic works in the application" {
    tender_test hvt tc_fpu
}

@test "tls: two TLS blocks hold separate .tdata and .tbss" {
    tender_test hvt tc_tls
}

@test "notls: TLS calls work without TLS variables" {
    run_ut notls
    expect_success
}

@test "ssp: a smashed stack canary aborts" {
    tender_test hvt tc_ssp_abort
}

@test "ssp: the canary is not 0 and differs from run to run" {
    tender_test hvt tc_ssp_canary_random
}

@test "zeropage: NULL reads, writes and calls fault" {
    tender_test hvt tc_zeropage
}

@test "wnox: code is not writable" {
    tender_test hvt tc_wnox_code
}

@test "wnox: data, rodata, BSS, heap and stack are not executable" {
    tender_test hvt tc_wnox_data
}

@test "exception: fatal exceptions abort, naming the trap" {
    tender_test hvt check_exceptions
}

@test "abort: solo5_abort() gives status 255 and an ABORT line" {
    tender_test hvt tc_abort
}

@test "time: clocks, yield deadlines, wall clock near the host's" {
    tender_test hvt tc_time
}

# ------------------------------------------------------------------ block

@test "block: 512-byte sectors, data in the backing file" {
    tender_test hvt tc_block_512
}

@test "block: 4096-byte sectors" {
    tender_test hvt tc_block_4096
}

@test "block: 1024- and 65536-byte sectors" {
    tender_test hvt tc_block_sizes
}

@test "block: a device smaller than the largest I/O" {
    tender_test hvt tc_block_small_device
}

@test "block: data already in the backing file is what the guest reads" {
    tender_test hvt tc_block_existing_data
}

# ---------------------------------------------------------------- signals

@test "signal: SIGTERM stops a sleeping unikernel with status 143" {
    tender_test hvt signal_test TERM
}

@test "signal: SIGINT stops a sleeping unikernel with status 130" {
    tender_test hvt signal_test INT
}

# ---------------------------------------------------- a hostile guest

# host_refuses CASE: the hypercall test's CASE ends the guest with status 1
# and a message from the tender, having printed nothing of the host's.
host_refuses() {
    make_disk "$WORK/disk" 64K
    UT_OPTS=(--mem=64 --block:storage="$WORK/disk")
    run_ut hypercall --solo5:quiet "$1" 64
    expect_status 1
    expect_line '^solo5-hvt: '
    expect_no_verdict
}

@test "hypercall: argument structures outside guest memory end the guest" {
    host_refuses args-outside
    host_refuses args-straddle
}

@test "hypercall: console buffers outside guest memory end the guest" {
    host_refuses puts-outside
    host_refuses puts-straddle
    host_refuses puts-wrap
    host_refuses puts-huge
}

@test "hypercall: block buffers outside guest memory end the guest" {
    host_refuses blk-outside
    host_refuses blk-straddle
    host_refuses blk-wrap
    # The refused writes wrote nothing.
    [ -z "$(tr -d '\0' <"$WORK/disk")" ]
}

@test "hypercall: the tender writes nothing the guest could not: not its tables, not its code" {
    local c
    for c in args-idt args-text blk-idt blk-pt blk-text; do
        host_refuses "$c"
        expect_line '^solo5-hvt: guest passed memory 0x[0-9a-f]+\+0x[0-9a-f]+ for the tender to write, which the guest cannot write itself$'
    done
}

@test "hypercall: unknown hypercalls and stray port I/O end the guest" {
    host_refuses unknown-0
    host_refuses port-in
    # Ports outside the hypercall range may also be stopped by the CPU
    # (an I/O permission bitmap): a guest fault is as good.
    local c
    for c in unknown-max port-0x80; do
        make_disk "$WORK/disk" 64K
        UT_OPTS=(--mem=64 --block:storage="$WORK/disk")
        run_ut hypercall --solo5:quiet "$c" 64
        expect_fault
    done
}

@test "hypercall: an invalid but harmless argument is an error result" {
    make_disk "$WORK/disk" 64K
    UT_OPTS=(--block:storage="$WORK/disk")
    run_ut hypercall tls-noncanonical
    expect_success
}

# ----------------------------------------------------------------- memory

# heap_mib: the heap size the memory test printed.
heap_mib() {
    sed -n 's/^memory: heap \([0-9]*\) MiB$/\1/p' <<<"$output"
}

@test "memory: --mem sets the heap, and all of it is usable" {
    local m h
    for m in 32 64; do
        UT_OPTS=(--mem=$m)
        run_ut memory touch
        expect_success
        h=$(heap_mib)
        [ -n "$h" ] && [ "$h" -ge $((m - 8)) ] && [ "$h" -lt "$m" ] ||
            { echo "--mem=$m gave a heap of '$h' MiB" >&2; false; }
    done
}

@test "memory: --mem=4095 and 4096 run, the guest getting 4094 MiB" {
    local m
    for m in 4095 4096; do
        UT_OPTS=(--mem=$m)
        run_ut hello
        expect_success
        expect_line '^Solo5: .* 4094 MiB memory$'
    done
}

@test "memory: an access past the end of guest memory faults" {
    tender_test hvt tc_memory_beyond
}

# ---------------------------------------------------------------- console

@test "console: bytes pass unchanged, 0 to 255, small and large writes" {
    tender_test hvt tc_console
}

# ---------------------------------------------------------------- sandbox

@test "sandbox: the guest runs under the tender's seccomp filter" {
    local tender seccomp
    start_signal_ut
    tender=$(tender_pid)
    seccomp=$(proc_status "$tender" Seccomp)
    stop_signal_ut
    [ "$seccomp" = 2 ] || { echo "tender $tender has Seccomp: '$seccomp', not 2 (filter)" >&2; false; }
}

