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

# run_ut NAME [ARGS...]: NAME under solo5-hvt with the options in UT_OPTS.
run_ut() {
    local name=$1
    shift
    run timeout "${UT_TIMEOUT:-60}" "$HVT" "${UT_OPTS[@]}" -- "$(ut "$name")" "$@"
}

setup() {
    skip_unless_kvm
    [ -x "$HVT" ] || { echo "$HVT is not built (run make)" >&2; return 1; }
    UT_OPTS=()
    WORK=$BATS_TEST_TMPDIR
}

# ---------------------------------------------------------------- start-up

@test "hello: no arguments give an empty command line" {
    run_ut hello
    expect_success
    expect_line '^Hello, World$'
    expect_cmdline ''
}

@test "hello: arguments arrive joined by single spaces" {
    run_ut hello one two three
    expect_success
    expect_cmdline 'one two three'
    # Arguments keep their own spaces; only the joins are single.
    run_ut hello 'a  b' c '' d
    expect_success
    expect_cmdline 'a  b c  d'
}

@test "hello: options after the unikernel belong to the unikernel" {
    run_ut hello --mem=5 --block:x=y -- --help
    expect_success
    expect_cmdline '--mem=5 --block:x=y -- --help'
    # Without '--', the first non-option is the unikernel all the same.
    run timeout 60 "$HVT" "$(ut hello)" --mem=5 x
    expect_success
    expect_cmdline '--mem=5 x'
}

@test "hello: the bindings print a banner and an exit line" {
    run_ut hello
    expect_success
    [ "${lines[0]}" != "Hello, World" ] || { echo "no banner before the output" >&2; false; }
    [ "${lines[-1]}" != "SUCCESS" ] || { echo "no exit line after the output" >&2; false; }
    # The console is the tender's stdout, and the tender says nothing else.
    run --separate-stderr timeout 60 "$HVT" "$(ut hello)" x
    expect_status 0
    [ -z "$stderr" ] || { echo "unexpected stderr: $stderr" >&2; false; }
    expect_line '^Hello, World$'
}

@test "hello: a long command line arrives intact" {
    local long
    long=$(head -c 6000 /dev/zero | tr '\0' 'x')
    run_ut hello "$long" end
    expect_success
    expect_cmdline "$long end"
}

@test "hello: a command line beyond the limit is refused, not truncated" {
    local huge
    huge=$(head -c 20000 /dev/zero | tr '\0' 'x')
    run --separate-stderr timeout 60 "$HVT" "$(ut hello)" "$huge"
    expect_status 1
    [ -z "$output" ] || { echo "the unikernel ran: $output" >&2; false; }
    [ "${#stderr_lines[@]}" -eq 1 ] && [[ ${stderr_lines[0]} == "solo5-hvt: error: "* ]] ||
        { echo "expected one error line, got: $stderr" >&2; false; }
}

@test "quiet: --solo5:quiet leaves only the unikernel's output" {
    run_ut quiet --solo5:quiet
    expect_success
    [ "$output" = "$(printf "quiet: cmdline=''\nSUCCESS")" ] ||
        { echo "expected only the test's lines, got:" >&2; echo "$output" >&2; false; }
    run_ut quiet --solo5:quiet a b
    expect_success
    [ "$output" = "$(printf "quiet: cmdline='a b'\nSUCCESS")" ] ||
        { echo "expected only the test's lines, got:" >&2; echo "$output" >&2; false; }
}

@test "quiet: --solo5: options count only at the start" {
    run_ut quiet a --solo5:quiet
    expect_success
    expect_line "^quiet: cmdline='a --solo5:quiet'$"
    [ "${lines[0]}" != "quiet: cmdline='a --solo5:quiet'" ] ||
        { echo "the banner is missing" >&2; false; }
}

@test "quiet: an unknown --solo5: option is an error" {
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

@test "exitcode: the exit status passes through" {
    local n how
    for how in exit return; do
        for n in 0 1 2 42 100 128 200 254 255; do
            run_ut exitcode --solo5:quiet "$how" "$n"
            expect_status "$n"
            expect_line "^exitcode: ending with status $n via"
        done
    done
}

# ----------------------------------------------------------- memory, CPU

@test "globals: data and BSS are loaded, writes stick" {
    run_ut globals
    expect_success
}

@test "fpu: SSE and x87 arithmetic works in the application" {
    run_ut fpu
    expect_success
}

@test "tls: two TLS blocks hold separate .tdata and .tbss" {
    run_ut tls
    expect_success
}

@test "notls: TLS calls work without TLS variables" {
    run_ut notls
    expect_success
}

@test "ssp: a smashed stack canary aborts" {
    run_ut ssp
    expect_abort 'stack'
    expect_line '^ssp: smashing the stack$'
}

@test "ssp: the canary is not 0 and differs from run to run" {
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

@test "zeropage: NULL reads, writes and calls fault" {
    local how
    for how in read write exec; do
        run_ut zeropage "$how"
        expect_abort 'page fault|#PF'
        expect_line "^zeropage: .* address 0$"
    done
}

@test "wnox: code is not writable" {
    run_ut wnox write-code
    expect_fault
    expect_line '^wnox: writing to code$'
}

@test "wnox: data, rodata, BSS, heap and stack are not executable" {
    local where
    for where in data rodata bss heap stack; do
        run_ut wnox "exec-$where"
        expect_fault
        expect_line '^wnox: executing '
    done
}

@test "exception: fatal exceptions abort, naming the trap" {
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

@test "abort: solo5_abort() gives status 255 and an ABORT line" {
    run_ut abort
    expect_abort
    expect_line '^abort: calling solo5_abort\(\)$'
}

@test "time: clocks, yield deadlines, wall clock near the host's" {
    run_ut time "$(date +%s)"
    expect_success
}

# ------------------------------------------------------------------ block

# make_disk PATH BYTES: a sparse file of BYTES.
make_disk() {
    rm -f "$1"
    truncate -s "$2" "$1"
}

@test "block: 512-byte sectors, data in the backing file" {
    make_disk "$WORK/disk" 8M
    UT_OPTS=(--block:storage="$WORK/disk")
    run_ut block
    expect_success
    expect_line '^block: capacity=8388608 block_size=512$'
    check_block_markers "$WORK/disk" 512
    [ "$(stat -c %s "$WORK/disk")" -eq 8388608 ] || { echo "backing file changed size" >&2; false; }
}

@test "block: 4096-byte sectors" {
    make_disk "$WORK/disk" 8M
    UT_OPTS=(--block:storage="$WORK/disk" --block-sector-size:storage=4096)
    run_ut block
    expect_success
    expect_line '^block: capacity=8388608 block_size=4096$'
    check_block_markers "$WORK/disk" 4096
}

@test "block: 1024- and 65536-byte sectors" {
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

@test "block: a device smaller than the largest I/O" {
    # 48 KiB: multi-block calls are capped by the device, not by
    # SOLO5_BLOCK_IO_MAX, and the end checks still hold.
    make_disk "$WORK/disk" 49152
    UT_OPTS=(--block:storage="$WORK/disk")
    run_ut block
    expect_success
    check_block_markers "$WORK/disk" 512
}

@test "block: data already in the backing file is what the guest reads" {
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

# ---------------------------------------------------------------- signals

# signal_test SIG: start the signal test, send SIG once it sleeps, expect
# status 128 + SIG and the block written before it in the file.
signal_test() {
    local sig=$1 num pid i st
    num=$(kill -l "$sig")
    make_disk "$WORK/disk" 1M
    # Background jobs of a non-interactive shell ignore SIGINT; restore
    # the default so the tender sees what a terminal user would send.
    # Emptied first: the loop below must not find the last run's line.
    : >"$WORK/out"
    env --default-signal=INT,TERM timeout 60 "$HVT" --block:storage="$WORK/disk" \
        -- "$(ut signal)" >"$WORK/out" 2>&1 &
    pid=$!
    for i in $(seq 1 200); do
        grep -q '^signal: ready, sleeping$' "$WORK/out" && break
        sleep 0.1
    done
    grep -q '^signal: ready, sleeping$' "$WORK/out" || {
        kill -KILL "$pid" 2>/dev/null; cat "$WORK/out" >&2; return 1; }
    # A completed write is visible to readers of the file at once, not
    # only after the tender exits.
    [ "$(block_at "$WORK/disk" 0 512)" = "solo5 signal test: written before the signal" ] || {
        kill -KILL "$pid" 2>/dev/null
        echo "a completed block write is not in the backing file yet" >&2
        return 1
    }
    # timeout forwards the signal to the tender and exits with its status.
    kill -"$sig" "$pid"
    st=0
    wait "$pid" || st=$?
    output=$(cat "$WORK/out")
    status=$st
    expect_status $((128 + num))
    no_line 'FAILURE|SUCCESS'
    [ "$(block_at "$WORK/disk" 0 512)" = "solo5 signal test: written before the signal" ] ||
        { echo "the block written before the signal is missing" >&2; false; }
}

@test "signal: SIGTERM stops a sleeping unikernel with status 143" {
    signal_test TERM
}

@test "signal: SIGINT stops a sleeping unikernel with status 130" {
    signal_test INT
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
    UT_OPTS=(--mem=32)
    run_ut memory beyond
    expect_fault
    expect_line '^memory: reading past the end of memory$'
}

# ---------------------------------------------------------------- console

@test "console: bytes pass unchanged, 0 to 255, small and large writes" {
    local line='the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGH'
    {
        echo "console: begin"
        # shellcheck disable=SC2046
        printf "$(printf '\\%03o' $(seq 0 255))"
        echo
        yes "$line" | head -n 1563
        echo "console: end"
        echo "SUCCESS"
    } >"$WORK/expected"
    timeout 60 "$HVT" -- "$(ut console)" --solo5:quiet >"$WORK/got"
    cmp "$WORK/expected" "$WORK/got" || {
        echo "console output differs from what was written" >&2
        cmp -l "$WORK/expected" "$WORK/got" | head >&2
        false
    }
}

# ---------------------------------------------------------------- sandbox

@test "sandbox: the guest runs under the tender's seccomp filter" {
    local pid tender i
    make_disk "$WORK/disk" 1M
    timeout 60 "$HVT" --block:storage="$WORK/disk" -- "$(ut signal)" >"$WORK/out" 2>&1 &
    pid=$!
    for i in $(seq 1 200); do
        grep -q '^signal: ready, sleeping$' "$WORK/out" && break
        sleep 0.1
    done
    tender=$(pgrep -P "$pid" | head -n1)
    local seccomp
    seccomp=$(sed -n 's/^Seccomp:[[:space:]]*//p' "/proc/$tender/status" 2>/dev/null)
    kill "$pid"
    wait "$pid" || true
    [ "$seccomp" = 2 ] || { echo "tender $tender has Seccomp: '$seccomp', not 2 (filter)" >&2; false; }
}
