#!/usr/bin/env bats
# spt.bats: the self-test unikernels under solo5-spt (everything that needs
# no network; see spt-net.bats), with the same expectations as hvt.bats,
# and what is spt's own: the seccomp filter the guest runs under (SIGSYS,
# status 159), the heap of exactly --mem MiB, --mem=2. Needs no /dev/kvm.

bats_require_minimum_version 1.5.0
load lib
load tools/selftest

SPT=$BIN/solo5-spt

# run_ut NAME [ARGS...]: NAME under solo5-spt with the options in UT_OPTS.
run_ut() {
    local name=$1
    shift
    run timeout "${UT_TIMEOUT:-60}" "$SPT" "${UT_OPTS[@]}" -- "$(ut "$name")" "$@"
}

setup() {
    [ -x "$SPT" ] || { echo "$SPT is not built (run make)" >&2; return 1; }
    TARGET=spt
    UT_HOST_FAULT='^solo5-spt: '
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
    run timeout 60 "$SPT" "$(ut hello)" --mem=5 x
    expect_success
    expect_cmdline '--mem=5 x'
}

@test "hello: the bindings print a banner and an exit line" {
    run_ut hello
    expect_success
    [ "${lines[0]}" != "Hello, World" ] || { echo "no banner before the output" >&2; false; }
    [ "${lines[-1]}" != "SUCCESS" ] || { echo "no exit line after the output" >&2; false; }
    # The console is the tender's stdout, and the tender says nothing else.
    run --separate-stderr timeout 60 "$SPT" "$(ut hello)" x
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
    run --separate-stderr timeout 60 "$SPT" "$(ut hello)" "$huge"
    expect_status 1
    [ -z "$output" ] || { echo "the unikernel ran: $output" >&2; false; }
    [ "${#stderr_lines[@]}" -eq 1 ] && [[ ${stderr_lines[0]} == "solo5-spt: error: "* ]] ||
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
    # One documented difference (docs/running-spt.md): Linux will not load
    # an FS base in the kernel's half of the address space, so spt refuses
    # 0xffff800000000000 (EINVAL) where hvt accepts it. Everything else
    # in the test must pass.
    run_ut notls
    if [ "$status" -eq 0 ]; then
        expect_success
    else
        expect_status 1
        [ "$(grep -c FAILURE <<<"$output")" -eq 1 ] &&
            expect_line '^FAILURE: set_tls_base\(0xffff800000000000\) is canonical$' ||
            { echo "notls failed for another reason:" >&2; echo "$output" >&2; false; }
    fi
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
    env --default-signal=INT,TERM timeout 60 "$SPT" --block:storage="$WORK/disk" \
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

# ----------------------------------------------------------------- memory

# heap_mib: the heap size the memory test printed.
heap_mib() {
    sed -n 's/^memory: heap \([0-9]*\) MiB$/\1/p' <<<"$output"
}

@test "memory: --mem sets the heap, exactly, and all of it is usable" {
    local m h
    for m in 2 32 64; do
        UT_OPTS=(--mem=$m)
        run_ut memory touch
        expect_success
        h=$(heap_mib)
        [ "$h" = "$m" ] ||
            { echo "--mem=$m gave a heap of '$h' MiB" >&2; false; }
    done
}

@test "memory: --mem=2 runs hello, TLS, the clocks and the exceptions" {
    # (The block test's 1 MiB multi-block buffers need more than 2 MiB.)
    UT_OPTS=(--mem=2)
    run_ut hello
    expect_success
    run_ut tls
    expect_success
    run_ut time "$(date +%s)"
    expect_success
    run_ut zeropage write
    expect_abort 'page fault|#PF'
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
    timeout 60 "$SPT" -- "$(ut console)" --solo5:quiet >"$WORK/got"
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
    timeout 60 "$SPT" --block:storage="$WORK/disk" -- "$(ut signal)" >"$WORK/out" 2>&1 &
    pid=$!
    for i in $(seq 1 200); do
        grep -q '^signal: ready, sleeping$' "$WORK/out" && break
        sleep 0.1
    done
    tender=$(pgrep -P "$pid" | head -n1)
    local seccomp nnp wx
    seccomp=$(sed -n 's/^Seccomp:[[:space:]]*//p' "/proc/$tender/status" 2>/dev/null)
    nnp=$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' "/proc/$tender/status" 2>/dev/null)
    # No mapping of the process is both writable and executable.
    wx=$(awk '$2 ~ /w.x/' "/proc/$tender/maps" 2>/dev/null)
    kill "$pid"
    wait "$pid" || true
    [ "$seccomp" = 2 ] || { echo "tender $tender has Seccomp: '$seccomp', not 2 (filter)" >&2; false; }
    [ "$nnp" = 1 ] || { echo "tender $tender has NoNewPrivs: '$nnp'" >&2; false; }
    [ -z "$wx" ] || { echo "writable and executable mappings: $wx" >&2; false; }
}

@test "sandbox: an unprivileged user runs spt; its guest memory is not dumpable" {
    skip_unless_cmd setpriv util-linux
    [ "$(id -u)" -eq 0 ] || skip "needs root to switch to nobody"
    local dir pid owner user i
    dir=$(mktemp -d /tmp/solo5-spt-XXXXXX)
    chmod 755 "$dir"
    truncate -s 64K "$dir/disk"
    chmod 666 "$dir/disk"
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
        timeout 60 "$SPT" --block:storage="$dir/disk" -- \
        "$(ut spt_sandbox)" sleep >"$WORK/out" 2>&1 3>&- &
    pid=$!
    for i in $(seq 1 100); do
        grep -q '^spt_sandbox: sleeping$' "$WORK/out" && break
        sleep 0.1
    done
    local tender
    tender=$(pgrep -P "$pid" | head -n1)
    [ -n "$tender" ] || tender=$pid
    user=$(stat -c %U "/proc/$tender" 2>/dev/null)
    # A non-dumpable process's /proc files belong to root, not to it.
    owner=$(stat -c %U "/proc/$tender/maps" 2>/dev/null)
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
    rm -rf "$dir"
    grep -q '^spt_sandbox: sleeping$' "$WORK/out" ||
        { echo "the guest did not run as nobody:" >&2; cat "$WORK/out" >&2; false; }
    [ "$owner" = root ] || { echo "/proc/$tender/maps belongs to '$owner' (dumpable)" >&2; false; }
}

@test "sandbox: with stdout closed, the console never lands in a device" {
    make_disk "$WORK/disk" 1M
    # fds 0 and 1 closed: a block file opened as fd 1 would get the console.
    # (Not under bats' run, which would give it a pipe as stdout.)
    local st=0
    timeout 60 "$SPT" --block:storage="$WORK/disk" -- "$(ut block)" <&- >&- 2>"$WORK/err" || st=$?
    [ "$st" -eq 0 ] || { echo "status $st: $(cat "$WORK/err")" >&2; false; }
    [ "$(tr -d '\0' <"$WORK/disk" | grep -c 'Solo5')" -eq 0 ] ||
        { echo "console output reached the block file" >&2; false; }
    check_block_markers "$WORK/disk" 512
}

@test "sandbox: solo5-spt refuses to run without address randomisation" {
    skip_unless_cmd setarch util-linux
    run --separate-stderr setarch -R timeout 30 "$SPT" -- "$(ut hello)"
    expect_status 1
    [ -z "$output" ] || { echo "the unikernel ran: $output" >&2; false; }
    [[ $stderr == "solo5-spt: error: "*ADDR_NO_RANDOMIZE* ]] ||
        { echo "unexpected error: $stderr" >&2; false; }
}

@test "sandbox: solo5-spt refuses READ_IMPLIES_EXEC" {
    # Set after exec (exec clears it on x86_64), as security.bats does for
    # hvt: only possible through the dynamic loader.
    skip_unless_cmd readelf binutils
    readelf -l "$SPT" | grep -q INTERP ||
        skip "solo5-spt is static: nothing can give it READ_IMPLIES_EXEC"
    run --separate-stderr env LD_PRELOAD="$TB/tools/rie_preload.so" "$SPT" -- "$(ut hello)"
    expect_status 1
    [ -z "$output" ] || { echo "the unikernel ran: $output" >&2; false; }
    [[ $stderr == "solo5-spt: error: "*READ_IMPLIES_EXEC* ]] ||
        { echo "unexpected error: $stderr" >&2; false; }
}

# sigsys CASE: the spt_sandbox case CASE dies by SIGSYS (status 159)
# before it could print ESCAPED.
sigsys() {
    make_disk "$WORK/disk" 64K
    UT_OPTS=(--block:storage="$WORK/disk")
    run_ut spt_sandbox --solo5:quiet "$1"
    expect_status 159
    expect_line "^spt_sandbox: $1\$"
    no_line 'ESCAPED'
}

@test "seccomp: the calls the bindings make are allowed" {
    make_disk "$WORK/disk" 64K
    UT_OPTS=(--block:storage="$WORK/disk")
    run_ut spt_sandbox --solo5:quiet allowed
    expect_status 0
    expect_line '^spt_sandbox: write\(1\) works$'
    no_line 'FAILURE'
}

@test "seccomp: calls off the list kill the process with SIGSYS (159)" {
    local c
    for c in getpid openat mmap mprotect execve sigaction; do
        sigsys "$c"
    done
}

@test "seccomp: allowed calls with other arguments kill with SIGSYS" {
    local c
    for c in stderr stdin pread-console cputime ppoll-mask; do
        sigsys "$c"
    done
}

@test "seccomp: the x32 and 32-bit entries are closed" {
    sigsys x32
    # INT 0x80: SIGSYS where the kernel has 32-bit emulation, a #GP fault
    # (reported as an ABORT) where it does not. Never ESCAPED.
    make_disk "$WORK/disk" 64K
    UT_OPTS=(--block:storage="$WORK/disk")
    run_ut spt_sandbox --solo5:quiet int80
    no_line 'ESCAPED'
    [ "$status" -eq 159 ] || expect_abort
}

@test "hostile: bad pointers and handles are EINVAL, not a crash" {
    make_disk "$WORK/disk" 64K
    UT_OPTS=(--block:storage="$WORK/disk")
    run_ut spt_sandbox badptr
    expect_success
    [ -z "$(tr -d '\0' <"$WORK/disk")" ] || { echo "a refused write reached the disk" >&2; false; }
}

@test "hostile: the boot information is read-only, the image's neighbours unmapped" {
    # hostile's bootinfo case writes to hvt's boot page (0x1000), which on
    # spt is unmapped: a fault either way; highmem reads far beyond memory.
    local c
    for c in bootinfo highmem ptwrite; do
        run_ut hostile "$c"
        expect_fault
        no_line 'ESCAPED'
    done
}

@test "hostile: privileged instructions fault" {
    local c
    for c in cr3 wrmsr hlt portin portout; do
        run_ut hostile "$c"
        expect_fault
        no_line 'ESCAPED'
    done
}

@test "wnox: writing to code is an ABORT with status 255, always" {
    run_ut wnox write-code
    expect_abort 'page fault|#PF'
    expect_line 'write access'
}

@test "targets: solo5-spt refuses hvt and virtio unikernels, naming both" {
    local t
    for t in hvt virtio; do
        [ -f "$TB/hello/hello.$t" ] || continue
        run --separate-stderr timeout 30 "$SPT" -- "$TB/hello/hello.$t"
        expect_status 1
        [ -z "$output" ] || { echo "the unikernel ran: $output" >&2; false; }
        [ "${#stderr_lines[@]}" -eq 1 ] && [[ ${stderr_lines[0]} == "solo5-spt: error: "*"$t target"*spt* ]] ||
            { echo "expected one error naming $t and spt: $stderr" >&2; false; }
    done
}

@test "targets: solo5-elftool query-abi reports spt" {
    run "$BIN/solo5-elftool" query-abi "$(ut hello)"
    expect_status 0
    expect_line '"target": "spt"'
}

@test "targets: the same object files behave the same on hvt and spt" {
    # hello.o and manifest.o linked twice; on a KVM host both run.
    local t
    for t in hvt spt; do
        [ "$t" = hvt ] && { [ -r /dev/kvm ] && [ -w /dev/kvm ] || continue; }
        if [ "$t" = hvt ]; then
            run timeout 60 "$HVT" -- "$TB/hello/hello.hvt" --solo5:quiet x y
        else
            run timeout 60 "$SPT" -- "$TB/hello/hello.spt" --solo5:quiet x y
        fi
        expect_success
        expect_cmdline 'x y'
    done
}

# ---------------------------------------------------------------- install

@test "install: the installed toolchain, -ld and pkg-config build spt unikernels that run" {
    skip_unless_cmd pkg-config
    local prefix=$WORK/prefix
    run make -C "$TOP" install PREFIX="$prefix"
    expect_status 0
    mkdir -p "$WORK/src"
    cp "$TOP/tests/hello/hello.c" "$TOP/tests/selftest.h" \
        "$TOP/tests/hello/manifest.json" "$WORK/src/"
    cd "$WORK/src"
    PATH=$prefix/bin:$PATH
    x86_64-solo5-none-static-cc -c hello.c -o hello.o
    solo5-elftool gen-manifest manifest.json manifest.c
    x86_64-solo5-none-static-cc -c manifest.c -o manifest.o
    run x86_64-solo5-none-static-cc -z solo5-abi=spt hello.o manifest.o -o hello.spt
    expect_status 0
    run x86_64-solo5-none-static-ld -z solo5-abi=spt hello.o manifest.o -o hello-ld.spt
    expect_status 0
    export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
    run pkg-config --variable=libdir solo5-bindings-spt
    [ "$output" = "$prefix/lib/solo5" ] || { echo "libdir: $output" >&2; false; }
    # shellcheck disable=SC2046
    cc hello.o manifest.o $(pkg-config --libs solo5-bindings-spt) -o hello-pc.spt
    local u
    for u in hello.spt hello-ld.spt hello-pc.spt; do
        run solo5-spt "$u" from the prefix
        expect_status 0
        expect_line "^Command line is: 'from the prefix'$"
    done
    run solo5-elftool query-abi hello.spt
    expect_line '"target": "spt"'
}
