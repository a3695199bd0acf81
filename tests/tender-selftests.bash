# tests/tender-selftests.bash: the self-test cases hvt.bats and spt.bats
# share, each written once against the suite's tender ($TENDER, $TARGET,
# chosen with tender_use). Load after lib and tools/selftest. Each suite
# still names every case in an @test of its own, which says the tender:
#   @test "hello: no arguments give an empty command line" {
#       tender_test spt tc_hello_no_args
#   }
# Cases whose expectations differ between the tenders stay in the suites.

# run_ut NAME [ARGS...]: NAME under the tender with the options in UT_OPTS.
run_ut() {
    local name=$1
    shift
    run timeout "${UT_TIMEOUT:-60}" "$TENDER" "${UT_OPTS[@]}" -- "$(ut "$name")" "$@"
}

# selftests_setup TARGET: what every case starts from.
selftests_setup() {
    tender_use "$1"
    UT_OPTS=()
    UT_PID=
    WORK=$BATS_TEST_TMPDIR
}

# make_disk PATH BYTES: a sparse file of BYTES.
make_disk() {
    rm -f "$1"
    truncate -s "$2" "$1"
}

# start_signal_ut: the signal test with a 1 MiB disk, in the background
# (start_bg; $UT_PID is the timeout around the tender); returns once it
# sleeps. Background jobs of a non-interactive shell ignore SIGINT: the
# default is restored so the tender sees what a terminal user would send.
start_signal_ut() {
    make_disk "$WORK/disk" 1M
    start_bg '^signal: ready, sleeping$' 200 env --default-signal=INT,TERM \
        timeout 60 "$TENDER" --block:storage="$WORK/disk" -- "$(ut signal)"
}

# tender_pid: the process id of the tender that start_signal_ut started.
tender_pid() {
    local pid
    pid=$(pgrep -P "$UT_PID" | head -n1)
    echo "${pid:-$UT_PID}"
}

# proc_status PID FIELD: FIELD (Seccomp, NoNewPrivs) of /proc/PID/status.
proc_status() {
    sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null
}

# stop_signal_ut: stops the signal test start_signal_ut started.
stop_signal_ut() {
    kill "$UT_PID"
    wait "$UT_PID" || true
    UT_PID=
}

# signal_test SIG: start the signal test, send SIG once it sleeps, expect
# status 128 + SIG and the block written before it in the file.
signal_test() {
    local sig=$1 num st
    num=$(kill -l "$sig")
    start_signal_ut
    # A completed write is visible to readers of the file at once, not
    # only after the tender exits.
    [ "$(block_at "$WORK/disk" 0 512)" = "solo5 signal test: written before the signal" ] || {
        echo "a completed block write is not in the backing file yet" >&2
        return 1
    }
    # timeout forwards the signal to the tender and exits with its status.
    kill -"$sig" "$UT_PID"
    st=0
    wait "$UT_PID" || st=$?
    UT_PID=
    output=$(cat "$WORK/out")
    status=$st
    expect_status $((128 + num))
    expect_no_line 'FAILURE|SUCCESS'
    [ "$(block_at "$WORK/disk" 0 512)" = "solo5 signal test: written before the signal" ] ||
        { echo "the block written before the signal is missing" >&2; false; }
}

# ------------------------------------------------------------------ cases
# One function a case, named tc_SECTION_WHAT after its @test line.

# hello: no arguments give an empty command line
tc_hello_no_args() {
    run_ut hello
    expect_success
    expect_line '^Hello, World$'
    expect_cmdline ''
}

# hello: arguments arrive joined by single spaces
tc_hello_args_joined() {
    run_ut hello one two three
    expect_success
    expect_cmdline 'one two three'
    # Arguments keep their own spaces; only the joins are single.
    run_ut hello 'a  b' c '' d
    expect_success
    expect_cmdline 'a  b c  d'
}

# hello: options after the unikernel belong to the unikernel
tc_hello_options_after() {
    run_ut hello --mem=5 --block:x=y -- --help
    expect_success
    expect_cmdline '--mem=5 --block:x=y -- --help'
    # Without '--', the first non-option is the unikernel all the same.
    run timeout 60 "$TENDER" "$(ut hello)" --mem=5 x
    expect_success
    expect_cmdline '--mem=5 x'
}

# hello: the bindings print a banner and an exit line
tc_hello_banner() {
    run_ut hello
    expect_success
    [ "${lines[0]}" != "Hello, World" ] || { echo "no banner before the output" >&2; false; }
    [ "${lines[-1]}" != "SUCCESS" ] || { echo "no exit line after the output" >&2; false; }
    # The console is the tender's stdout, and the tender says nothing else.
    run --separate-stderr timeout 60 "$TENDER" "$(ut hello)" x
    expect_status 0
    [ -z "$stderr" ] || { echo "unexpected stderr: $stderr" >&2; false; }
    expect_line '^Hello, World$'
}

# hello: a long command line arrives intact
tc_hello_long_cmdline() {
    local long
    long=$(head -c 6000 /dev/zero | tr '\0' 'x')
    run_ut hello "$long" end
    expect_success
    expect_cmdline "$long end"
}

# hello: a command line beyond the limit is refused, not truncated
tc_hello_cmdline_limit() {
    local huge
    huge=$(head -c 20000 /dev/zero | tr '\0' 'x')
    run --separate-stderr timeout 60 "$TENDER" "$(ut hello)" "$huge"
    expect_status 1
    [ -z "$output" ] || { echo "the unikernel ran: $output" >&2; false; }
    [ "${#stderr_lines[@]}" -eq 1 ] && [[ ${stderr_lines[0]} == "solo5-$TARGET: error: "* ]] ||
        { echo "expected one error line, got: $stderr" >&2; false; }
}

# quiet: --solo5:quiet leaves only the unikernel's output
tc_quiet_only_output() {
    run_ut quiet --solo5:quiet
    expect_success
    [ "$output" = "$(printf "quiet: cmdline=''\nSUCCESS")" ] ||
        { echo "expected only the test's lines, got:" >&2; echo "$output" >&2; false; }
    run_ut quiet --solo5:quiet a b
    expect_success
    [ "$output" = "$(printf "quiet: cmdline='a b'\nSUCCESS")" ] ||
        { echo "expected only the test's lines, got:" >&2; echo "$output" >&2; false; }
}

# quiet: --solo5: options count only at the start
tc_quiet_at_start() {
    run_ut quiet a --solo5:quiet
    expect_success
    expect_line "^quiet: cmdline='a --solo5:quiet'$"
    [ "${lines[0]}" != "quiet: cmdline='a --solo5:quiet'" ] ||
        { echo "the banner is missing" >&2; false; }
}

# quiet: an unknown --solo5: option is an error
tc_quiet_unknown_option() {
    run_ut quiet --solo5:bogus
    expect_no_verdict
    [ "$status" -ne 0 ] || { echo "status 0 for an unknown option" >&2; false; }
    [ "$status" -lt 128 ] || { echo "status $status (signal?)" >&2; false; }
    expect_line 'bogus'
    run_ut quiet --solo5:quiet --solo5:bogus=1
    expect_no_verdict
    [ "$status" -ne 0 ]
    expect_line 'bogus'
}

# exitcode: the exit status passes through
tc_exitcode() {
    local n how
    for how in exit return; do
        for n in 0 1 2 42 100 128 200 254 255; do
            run_ut exitcode --solo5:quiet "$how" "$n"
            expect_status "$n"
            expect_line "^exitcode: ending with status $n via"
        done
    done
}

# globals: data and BSS are loaded, writes stick
tc_globals() {
    run_ut globals
    expect_success
}

# fpu: SSE and x87 arithmetic works in the application
tc_fpu() {
    run_ut fpu
    expect_success
}

# tls: two TLS blocks hold separate .tdata and .tbss
tc_tls() {
    run_ut tls
    expect_success
}

# ssp: a smashed stack canary aborts
tc_ssp_abort() {
    run_ut ssp
    expect_abort 'stack'
    expect_line '^ssp: smashing the stack$'
}

# ssp: the canary is not 0 and differs from run to run
tc_ssp_canary_random() {
    local g1 g2
    run_ut ssp guard
    expect_success
    g1=$(sed -n 's/^ssp: guard=//p' <<<"$output")
    run_ut ssp guard
    expect_success
    g2=$(sed -n 's/^ssp: guard=//p' <<<"$output")
    [ -n "$g1" ] && [ "$g1" != "$g2" ] ||
        { echo "the same canary twice: $g1" >&2; false; }
}

# zeropage: NULL reads, writes and calls fault
tc_zeropage() {
    local how
    for how in read write exec; do
        run_ut zeropage "$how"
        expect_abort 'page fault|#PF'
        expect_line "^zeropage: .* address 0$"
    done
}

# wnox: code is not writable
tc_wnox_code() {
    run_ut wnox write-code
    expect_fault
    expect_line '^wnox: writing to code$'
}

# wnox: data, rodata, BSS, heap and stack are not executable
tc_wnox_data() {
    local where
    for where in data rodata bss heap stack; do
        run_ut wnox "exec-$where"
        expect_fault
        expect_line '^wnox: executing '
    done
}

# abort: solo5_abort() gives status 255 and an ABORT line
tc_abort() {
    run_ut abort
    expect_abort
    expect_line '^abort: calling solo5_abort\(\)$'
}

# time: clocks, yield deadlines, wall clock near the host's
tc_time() {
    check_time
}

# block: 512-byte sectors, data in the backing file
tc_block_512() {
    make_disk "$WORK/disk" 8M
    UT_OPTS=(--block:storage="$WORK/disk")
    run_ut block
    expect_success
    expect_line '^block: capacity=8388608 block_size=512$'
    check_block_markers "$WORK/disk" 512
    [ "$(stat -c %s "$WORK/disk")" -eq 8388608 ] || { echo "backing file changed size" >&2; false; }
}

# block: 4096-byte sectors
tc_block_4096() {
    make_disk "$WORK/disk" 8M
    UT_OPTS=(--block:storage="$WORK/disk" --block-sector-size:storage=4096)
    run_ut block
    expect_success
    expect_line '^block: capacity=8388608 block_size=4096$'
    check_block_markers "$WORK/disk" 4096
}

# block: 1024- and 65536-byte sectors
tc_block_sizes() {
    local bs
    for bs in 1024 65536; do
        make_disk "$WORK/disk" 8M
        UT_OPTS=(--block:storage="$WORK/disk" --block-sector-size:storage=$bs)
        run_ut block
        expect_success
        expect_line "^block: capacity=8388608 block_size=$bs\$"
        check_block_markers "$WORK/disk" $bs
    done
}

# block: a device smaller than the largest I/O
tc_block_small_device() {
    # 48 KiB: multi-block calls are capped by the device, not by
    # SOLO5_BLOCK_IO_MAX, and the end checks still hold.
    make_disk "$WORK/disk" 49152
    UT_OPTS=(--block:storage="$WORK/disk")
    run_ut block
    expect_success
    check_block_markers "$WORK/disk" 512
}

# block: data already in the backing file is what the guest reads
tc_block_existing_data() {
    make_disk "$WORK/disk" 1M
    UT_OPTS=(--block:storage="$WORK/disk")
    run_ut block
    expect_success
    # A second run reads the first run's markers back through its own
    # checks; the file must still hold them afterwards.
    run_ut block
    expect_success
    check_block_markers "$WORK/disk" 512
}

# memory: an access past the end of guest memory faults
tc_memory_beyond() {
    UT_OPTS=(--mem=32)
    run_ut memory beyond
    expect_fault
    expect_line '^memory: reading past the end of memory$'
}

# console: bytes pass unchanged, 0 to 255, small and large writes
tc_console() {
    console_expected >"$WORK/expected"
    timeout 60 "$TENDER" -- "$(ut console)" --solo5:quiet >"$WORK/got"
    cmp "$WORK/expected" "$WORK/got" || {
        echo "console output differs from what was written" >&2
        cmp -l "$WORK/expected" "$WORK/got" | head >&2
        false
    }
}
