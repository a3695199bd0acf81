#!/usr/bin/env bats
# debug.bats: solo5-hvt-debug: the gdb stub driven by the real gdb, core
# files opened by it, the options' errors, and the production tender
# without any of it.

bats_require_minimum_version 1.5.0
load lib

HVTD=$BIN/solo5-hvt-debug

setup() {
    [ -x "$HVTD" ] || { echo "$HVTD is not built (make build/bin/solo5-hvt-debug)" >&2; return 1; }
    UK=$(ut dumpcore)
    [ -f "$UK" ] || { echo "$UK is not built" >&2; return 1; }
    WORK=$BATS_TEST_TMPDIR
    TPID=
}

teardown() {
    if [ -n "$TPID" ] && kill -0 "$TPID" 2>/dev/null; then
        kill "$TPID" 2>/dev/null
        wait "$TPID" 2>/dev/null
    fi
    return 0
}

# start_debug ARGS...: solo5-hvt-debug --gdb-port=0 ARGS in the background
# (stdout in $WORK/out, stderr in $WORK/err); sets $TPID and $PORT, the
# port it waits on.
start_debug() {
    timeout 120 "$HVTD" --gdb-port=0 "$@" >"$WORK/out" 2>"$WORK/err" &
    TPID=$!
    wait_for_line "$WORK/err" 'waiting for a debugger on 127\.0\.0\.1:[0-9]+ ' "$TPID" 100 || return 1
    PORT=$(sed -n 's/.*waiting for a debugger on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$WORK/err")
}

# gdb_run CMDS...: the real gdb in batch mode against $PORT, one -ex each.
gdb_run() {
    local args=(-batch -nx -ex "target remote 127.0.0.1:$PORT")
    for c in "$@"; do
        args+=(-ex "$c")
    done
    run timeout 60 gdb "${args[@]}" "$UK"
}

# tender_status: waits for the background tender; its status in $TSTATUS.
tender_status() {
    TSTATUS=0
    wait "$TPID" || TSTATUS=$?
    TPID=
}

# ------------------------------------------------------- options and errors

# bats test_tags=kvm
@test "production solo5-hvt refuses the debug options as unknown" {
    skip_unless_kvm
    for opt in --gdb --gdb-port=1234 --dumpcore="$WORK"; do
        run --separate-stderr "$HVT" "$opt" "$UK" count
        expect_status 1
        [ "${#stderr_lines[@]}" -eq 1 ] || { echo "not one line: $stderr" >&2; false; }
        [[ $stderr == "solo5-hvt: error: unknown option '$opt'"* ]] || { echo "got: $stderr" >&2; false; }
        [ -z "$output" ] || { echo "the guest ran: $output" >&2; false; }
    done
    # And it carries none of their code.
    run nm "$HVT"
    expect_no_line '(gdb_(recv|send|regs)|hvt_debug_|dumpcore)'
}

@test "solo5-hvt-debug lists the gdb and dumpcore modules in --help" {
    run "$HVTD" --help
    expect_status 0
    expect_line '^Compiled-in modules:.* gdb .*dumpcore'
    expect_line '^  --gdb-port=N'
    expect_line '^  --dumpcore=DIR'
}

# bats test_tags=kvm
@test "--dumpcore with a missing, non-directory or unwritable DIR is one line before the guest starts" {
    skip_unless_kvm
    run --separate-stderr "$HVTD" --dumpcore="$WORK/nonexistent" "$UK" count
    expect_status 1
    [ "$stderr" = "solo5-hvt: error: --dumpcore=$WORK/nonexistent: No such file or directory" ] || { echo "got: $stderr" >&2; false; }
    [ -z "$output" ]

    touch "$WORK/file"
    run --separate-stderr "$HVTD" --dumpcore="$WORK/file" "$UK" count
    expect_status 1
    [ "$stderr" = "solo5-hvt: error: --dumpcore=$WORK/file: Not a directory" ] || { echo "got: $stderr" >&2; false; }
    [ -z "$output" ]

    run --separate-stderr "$HVTD" --dumpcore= "$UK" count
    expect_status 1
    [ "${#stderr_lines[@]}" -eq 1 ]

    # Unwritable: a read-only file system, in a mount namespace of our own
    # (root can write anywhere else).
    skip_unless_mount_ns
    mkdir "$WORK/ro"
    run --separate-stderr unshare --mount sh -c \
        'mount -t tmpfs -o ro tmpfs "$1" && exec "$2" --dumpcore="$1" "$3" count' \
        sh "$WORK/ro" "$HVTD" "$UK"
    [[ $stderr != *"mount:"* ]] || skip "cannot mount a read-only tmpfs here: $stderr"
    expect_status 1
    [ "$stderr" = "solo5-hvt: error: --dumpcore=$WORK/ro: cannot create files there: Read-only file system" ] || { echo "got: $stderr" >&2; false; }
    [ -z "$output" ]
}

@test "dumpcore: the core-file helper keeps none of the tender's other descriptors" {
    command -v strace >/dev/null || skip "strace not installed (Debian package strace)"
    strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
    mkdir "$WORK/cores"
    # A descriptor above 1023, as --net:NAME=@FD may pass one (up to
    # 65535). The helper is forked before /dev/kvm is opened, so this
    # needs no KVM: the tender may stop there.
    run bash -c '[ "$(ulimit -n)" -gt 4000 ] || ulimit -n 4001 || exit 77
        exec 4000>"$1/marker"
        exec strace -ff -o "$1/trace" -e trace=close,close_range,clone,clone3,fork,vfork \
            "$2" --dumpcore="$1/cores" -- "$3"' sh "$WORK" "$HVTD" "$(ut hello)"
    [ "$status" -ne 77 ] || skip "cannot open descriptor 4000 here (ulimit -n)"
    local traced=$output
    # strace -ff: one file per process, so no call is split by another's.
    run python3 - "$WORK" 4000 <<'EOF'
import glob, re, sys
fd = int(sys.argv[2])
traces = [open(f).read() for f in glob.glob(sys.argv[1] + '/trace.*')]
# The helper is the process that forked nothing.
helpers = [t for t in traces if not re.search(r'^(clone3?|v?fork)\(', t, re.M)]
if len(traces) != 2 or len(helpers) != 1:
    sys.exit('expected the tender and one helper, found %d processes' % len(traces))
closed = False
for l in helpers[0].splitlines():
    m = re.match(r'close_range\((\d+), (\d+), \d+\) += 0', l)
    if m and int(m.group(1)) <= fd <= int(m.group(2)):
        closed = True
    m = re.match(r'close\((\d+)\) += 0', l)
    if m and int(m.group(1)) == fd:
        closed = True
sys.exit(0 if closed else 'the helper kept descriptor %d' % fd)
EOF
    [ "$status" -eq 0 ] || {
        echo "$output; the traced run said: $traced" >&2
        return 1
    }
}

@test "--gdb-port takes a TCP port and nothing else" {
    for bad in --gdb-port= --gdb-port=x --gdb-port=65536 --gdb-port=-1 --gdb-port=12a; do
        run --separate-stderr "$HVTD" "$bad" "$UK" count
        expect_status 1
        [[ $stderr == "solo5-hvt: error: $bad: expected a TCP port"* ]] || { echo "$bad: got $stderr" >&2; false; }
    done
}

# bats test_tags=kvm
@test "--gdb on a port already taken is an error before the guest starts" {
    skip_unless_kvm
    start_debug "$UK" count
    run --separate-stderr timeout 60 "$HVTD" --gdb-port="$PORT" "$UK" count
    expect_status 1
    [[ $stderr == "solo5-hvt: error: --gdb-port=$PORT: cannot listen on 127.0.0.1:$PORT: Address already in use" ]] || { echo "got: $stderr" >&2; false; }
}

# ------------------------------------------------------------- core files

# dump MODE: runs the dumpcore unikernel in MODE with --dumpcore=$WORK/cores;
# sets $CORE to the one core file written.
dump() {
    mkdir -p "$WORK/cores"
    run --separate-stderr timeout 60 "$HVTD" --dumpcore="$WORK/cores" "$UK" "$1"
    expect_status 255
    local files=("$WORK"/cores/*)
    [ "${#files[@]}" -eq 1 ] && [ -f "${files[0]}" ] || { echo "cores: ${files[*]}" >&2; false; }
    CORE=${files[0]}
    [[ $(basename "$CORE") =~ ^core\.solo5-hvt\.[0-9]+$ ]] || { echo "core named $CORE" >&2; false; }
    [[ $stderr == *"solo5-hvt: dumpcore: core dumped to $CORE"* ]] || { echo "stderr: $stderr" >&2; false; }
}

# bats test_tags=kvm
@test "dumpcore: a guest fault leaves a core whose backtrace is the faulting function's" {
    skip_unless_kvm
    dump fault
    run timeout 60 gdb -batch -nx -ex bt -ex 'p/x $pc' -ex 'p dumpcore_counter' "$UK" "$CORE"
    expect_status 0
    expect_line 'terminated with signal SIGSEGV'
    expect_line '^#0 .*dumpcore_fault_here \(p=0x0\) at tests/dumpcore/dumpcore.c'
    expect_line '^#1 .* solo5_app_main \('
    expect_line '^#2 .* bindings_start \('
    # The faulting instruction, as the guest's own ABORT line reports it.
    rip=$(sed -n 's/.*#PF page fault at rip=\(0x[0-9a-f]*\).*/\1/p' <<<"$(timeout 60 "$HVT" "$UK" fault)")
    [ -n "$rip" ]
    expect_line "^\\\$1 = $rip\$"
    expect_line '^\$2 = 42$'
}

# bats test_tags=kvm
@test "dumpcore: solo5_abort() leaves a core whose backtrace goes through it" {
    skip_unless_kvm
    dump abort
    run timeout 60 gdb -batch -nx -ex bt "$UK" "$CORE"
    expect_status 0
    expect_line 'terminated with signal SIGABRT'
    expect_line ' solo5_abort \(\) at '
    expect_line ' dumpcore_abort_here \(\) at tests/dumpcore/dumpcore.c'
    expect_line ' solo5_app_main \('
}

# bats test_tags=kvm
@test "dumpcore: a core holds the used pages only (sparse, not all guest memory)" {
    skip_unless_kvm
    dump fault
    local size blocks
    size=$(stat -c %s "$CORE")
    blocks=$(( $(stat -c %b "$CORE") * $(stat -c %B "$CORE") ))
    # 512 MiB of guest memory; the guest touched a few hundred KiB.
    [ "$size" -lt $((4 << 20)) ] || { echo "core is $size bytes" >&2; false; }
    [ "$blocks" -le "$size" ]
    run readelf -lW "$CORE"
    expect_line 'Elf file type is CORE'
    expect_line '^ +NOTE '
    expect_line '^ +LOAD +0x[0-9a-f]+ 0x0*100000 .* R E '
    # Page 0 is never in a core: it is never mapped.
    expect_no_line '^ +LOAD +0x[0-9a-f]+ 0x0+ '
}

# bats test_tags=kvm
@test "dumpcore: a guest that exits normally, or with a status, leaves nothing" {
    skip_unless_kvm
    mkdir "$WORK/cores"
    run timeout 60 "$HVTD" --dumpcore="$WORK/cores" "$UK" count
    expect_status 0
    run timeout 60 "$HVTD" --dumpcore="$WORK/cores" "$UK" nonsense
    expect_status 1
    [ -z "$(ls -A "$WORK/cores")" ] || { ls -la "$WORK/cores" >&2; false; }
}

# bats test_tags=kvm
@test "dumpcore: a tender-detected fault dumps too" {
    skip_unless_kvm
    [ -f "$(ut hypercall)" ] || skip "the hypercall self-test is not built"
    mkdir "$WORK/cores"
    # The hypercall self-test's bad-pointer case ends the guest from the
    # tender (status 1).
    truncate -s 64K "$WORK/disk"
    run --separate-stderr timeout 60 "$HVTD" --mem=64 --dumpcore="$WORK/cores" \
        --block:storage="$WORK/disk" "$(ut hypercall)" puts-outside 64
    expect_status 1
    [[ $stderr == *"solo5-hvt: guest passed memory"* ]] || { echo "stderr: $stderr" >&2; false; }
    [[ $stderr == *"dumpcore: core dumped to $WORK/cores/core.solo5-hvt."* ]] || { echo "stderr: $stderr" >&2; false; }
    run timeout 60 gdb -batch -nx -ex bt "$(ut hypercall)" "$WORK"/cores/core.solo5-hvt.*
    expect_line 'solo5_app_main'
}

# -------------------------------------------------------------------- gdb

# bats test_tags=kvm
@test "gdb: break in solo5_app_main, read a variable, step, continue to exit" {
    skip_unless_kvm
    skip_unless_cmd gdb
    start_debug "$UK" count
    gdb_run 'break solo5_app_main' continue 'print dumpcore_counter' \
        'break dumpcore_count' continue 'print dumpcore_counter' \
        'p/x $pc' stepi 'p/x $pc' 'info line *$pc' continue
    expect_status 0
    expect_line '^Breakpoint 1, solo5_app_main \('
    expect_line '^\$1 = 42$'
    expect_line '^Breakpoint 2, dumpcore_count \(n=.*10\)'
    expect_line '^\$2 = 7$'
    # stepi moved the PC forward, within dumpcore_count.
    pc1=$(sed -n 's/^\$3 = \(0x[0-9a-f]*\)$/\1/p' <<<"$output")
    pc2=$(sed -n 's/^\$4 = \(0x[0-9a-f]*\)$/\1/p' <<<"$output")
    [ -n "$pc1" ] && [ -n "$pc2" ] && [ $((pc2)) -gt $((pc1)) ] || { echo "pc $pc1 -> $pc2" >&2; false; }
    expect_line 'is in dumpcore_count|starts at address .*<dumpcore_count'
    expect_line 'exited normally'
    tender_status
    [ "$TSTATUS" -eq 0 ] || { echo "tender status $TSTATUS" >&2; cat "$WORK/err" >&2; false; }
    grep -q 'exit with status 0' "$WORK/out"
}

# bats test_tags=kvm
@test "gdb: the guest waits before its first instruction" {
    skip_unless_kvm
    skip_unless_cmd gdb
    start_debug "$UK" count
    sleep 0.3
    # Nothing ran: not even the banner.
    [ ! -s "$WORK/out" ] || { cat "$WORK/out" >&2; false; }
    local entry
    entry=$(readelf -h "$UK" | sed -n 's/.*Entry point address: *//p')
    gdb_run 'p/x $pc' 'x/2i $pc' kill
    expect_line "^\\\$1 = $entry\$"
    expect_line "^=> $entry <_start>:"
    # kill ends the tender with status 1, and the guest never ran.
    tender_status
    [ "$TSTATUS" -eq 1 ] || { echo "tender status $TSTATUS" >&2; false; }
    [ ! -s "$WORK/out" ]
}

# bats test_tags=kvm
@test "gdb: CR4 has SMEP and SMAP where the CPU offers them, and not otherwise" {
    skip_unless_kvm
    skip_unless_cmd gdb
    start_debug "$UK" count
    gdb_run 'p/x $cr4' kill
    tender_status
    local cr4 flag bit
    cr4=$(sed -n 's/^\$1 = //p' <<<"$output")
    [ -n "$cr4" ] || { echo "no CR4 in: $output" >&2; false; }
    echo "# CR4 $cr4; CPU flags: $(grep -m1 -ow -e smep -e smap /proc/cpuinfo | tr '\n' ' ')" >&3
    for flag in smep:20 smap:21; do
        bit=$(((cr4 >> ${flag#*:}) & 1))
        if grep -qw "${flag%:*}" /proc/cpuinfo; then
            # Hardware KVM offers what the CPU has. PVM (no vmx or svm
            # flag) may offer less: there only the converse is checked.
            if grep -qw -e vmx -e svm /proc/cpuinfo; then
                [ "$bit" -eq 1 ] || { echo "${flag%:*} not enabled: CR4 $cr4" >&2; false; }
            fi
        else
            [ "$bit" -eq 0 ] || { echo "${flag%:*} enabled without the CPU's: CR4 $cr4" >&2; false; }
        fi
    done
}

# bats test_tags=kvm
@test "gdb: segment and control registers, memory write, breakpoints removed" {
    skip_unless_kvm
    skip_unless_cmd gdb
    start_debug "$UK" count
    gdb_run 'break dumpcore_count' continue 'p $cs' 'p $ss' 'p/x $cr0' \
        'p/x $cr3' 'p/x $cr4' 'p/x $efer' 'p/x $fs_base' 'p/x $eflags' \
        'set var dumpcore_counter = 100' 'p dumpcore_counter' \
        'x/1xb dumpcore_count' 'delete' continue
    expect_status 0
    expect_line '^\$1 = 35$'    # user code segment, RPL 3
    expect_line '^\$2 = 27$'    # user data segment, RPL 3
    expect_line '^\$3 = 0x8001003[0-9a-f]$' # PG, WP, NE, ET, MP, PE
    expect_line '^\$4 = 0x10000$'
    expect_line '^\$6 = 0xd00$' # EFER: NXE, LMA, LME
    expect_line '^\$9 = 100$'
    # gdb sees the code it wrote, not its own int3.
    expect_no_line '<dumpcore_count>:[[:space:]]+0xcc$'
    # 100 + 55 is not what the guest expects: it exits 1, so the write took.
    expect_line 'exited with code 01'
    tender_status
    [ "$TSTATUS" -eq 1 ]
}

# bats test_tags=kvm
@test "gdb: a guest fault stops in gdb at the faulting line; continuing gives it to the guest" {
    skip_unless_kvm
    skip_unless_cmd gdb
    start_debug "$UK" fault
    gdb_run continue bt continue
    expect_line 'received signal SIGSEGV'
    expect_line '^#0 .*dumpcore_fault_here \(p=0x0\)'
    expect_line '^#1 .* solo5_app_main'
    expect_line 'exited with code 0377'
    tender_status
    [ "$TSTATUS" -eq 255 ]
    grep -q 'ABORT: #PF page fault' "$WORK/out"
}

# bats test_tags=kvm
@test "gdb: detach lets the guest run on to its end" {
    skip_unless_kvm
    skip_unless_cmd gdb
    start_debug "$UK" count
    gdb_run 'break dumpcore_count' continue detach
    expect_status 0
    expect_line 'Breakpoint 1, dumpcore_count'
    tender_status
    [ "$TSTATUS" -eq 0 ] || { echo "tender status $TSTATUS" >&2; cat "$WORK/err" >&2; false; }
}

# bats test_tags=kvm
@test "gdb: the guest still runs under the seccomp filter while debugged" {
    skip_unless_kvm
    skip_unless_cmd gdb
    start_debug "$UK" count
    local tender
    tender=$(pgrep -P "$TPID" solo5-hvt-debug) || tender=$TPID
    gdb_run 'break dumpcore_count' continue \
        "shell grep '^Seccomp:' /proc/$tender/status" continue
    expect_line '^Breakpoint 1, dumpcore_count'
    expect_line '^Seccomp:[[:space:]]+2$'
    expect_line 'exited normally'
}

# bats test_tags=kvm
@test "gdb: SIGTERM ends a tender that waits for gdb" {
    skip_unless_kvm
    start_debug "$UK" count
    local tender
    tender=$(pgrep -P "$TPID" solo5-hvt-debug) || tender=$TPID
    kill -TERM "$tender"
    tender_status
    [ "$TSTATUS" -eq 143 ] || { echo "status $TSTATUS" >&2; false; }
}

# bats test_tags=kvm
@test "gdb: a debugger that dies leaves the guest to run on, not the tender killed" {
    skip_unless_kvm
    skip_unless_cmd gdb
    start_debug "$UK" count
    # gdb kills itself at the breakpoint: the stub sees the connection go.
    gdb_run 'break dumpcore_count' continue 'shell kill -9 $PPID'
    tender_status
    [ "$TSTATUS" -eq 0 ] || { echo "tender status $TSTATUS" >&2; cat "$WORK/err" >&2; false; }
    grep -q 'exit with status 0' "$WORK/out"
}

# bats test_tags=kvm
@test "gdb: software watchpoints and finish; hardware ones are refused" {
    skip_unless_kvm
    skip_unless_cmd gdb
    start_debug "$UK" count
    gdb_run 'break dumpcore_count' continue \
        'set can-use-hw-watchpoints 0' 'watch dumpcore_counter' continue \
        continue delete finish 'hbreak solo5_exit' continue delete continue
    expect_line 'Cannot insert hardware breakpoint'
    expect_line '^Old value = 7$'
    expect_line '^New value = 8$'
    expect_line '^Old value = 8$'
    expect_line '^New value = 10$'
    expect_line '^Value returned is \$[0-9]+ = 62$'
    expect_line 'exited normally'
    tender_status
    [ "$TSTATUS" -eq 0 ]
}
