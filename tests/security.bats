#!/usr/bin/env bats
# The isolation claims of the hvt tender: hostile guests end without
# touching the host, the seccomp filter kills forbidden calls, guest memory
# is never executable in the host, READ_IMPLIES_EXEC is refused.

load lib
load tools/selftest

setup() {
    WORK=$(mktemp -d)
}

teardown() {
    [ -n "${UT_PID:-}" ] && kill -KILL "$UT_PID" 2>/dev/null
    rm -rf "$WORK"
}

# attack NAME: runs the hostile unikernel with attack NAME.
attack() {
    skip_unless_kvm
    run timeout 30 "$HVT" -- "$(ut hostile)" --solo5:quiet "$1"
    if grep -q ESCAPED <<<"$output"; then
        echo "attack $1 was not stopped:" >&2
        echo "$output" >&2
        return 1
    fi
    # Never a signal: the tender itself must survive every attack.
    [ "$status" -eq 1 ] || [ "$status" -eq 255 ] ||
        { echo "status $status; output: $output" >&2; return 1; }
}

# ends_in_guest NAME REGEX: the guest's own handler reported the attack.
ends_in_guest() {
    attack "$1"
    expect_status 255
    expect_line "^Solo5: ABORT: $2"
}

# ends_by_tender NAME REGEX: the tender ended the guest (status 1).
ends_by_tender() {
    attack "$1"
    expect_status 1
    expect_line "^solo5-hvt: $2"
}

# bats test_tags=kvm
@test "hostile: SYSCALL does not reach a privileged entry point" {
    # Hardware KVM: #UD (EFER.SCE is clear). PVM: enters LSTAR, which is 0,
    # and page 0 is never mapped. Either way the guest ends.
    attack syscall
    expect_status 255
    expect_line '^Solo5: ABORT: (#UD|#PF)'
}

# bats test_tags=kvm
@test "hostile: INT 0x80 does not enter a gate" {
    ends_in_guest int80 '(#UD|#GP)'
}

# bats test_tags=kvm
@test "hostile: the page tables are not even mapped" {
    ends_in_guest ptwrite '#PF page fault .*write access to 0x10000'
}

# bats test_tags=kvm
@test "hostile: the GDT and the exception stack are supervisor-only" {
    ends_in_guest gdtwrite '#PF page fault .*write access to 0x5008'
    ends_in_guest stackwrite '#PF page fault .*write access to 0xff00'
}

# bats test_tags=kvm
@test "hostile: the boot information is read-only" {
    ends_in_guest bootinfo '#PF page fault .*write access to 0x1000'
}

# bats test_tags=kvm
@test "hostile: privileged instructions fault at CPL3" {
    ends_in_guest cr3 '#GP'
    ends_in_guest wrmsr '#GP'
    ends_in_guest hlt '#GP'
}

# bats test_tags=kvm
@test "hostile: ports outside the I/O bitmap fault, others the tender refuses" {
    ends_in_guest portin '#GP'
    ends_in_guest portout '#GP'
    ends_by_tender hcport 'port I/O the tender does not serve: out to port 0x509 \(1 bytes\)'
}

# bats test_tags=kvm
@test "hostile: memory beyond the guest's is not mapped" {
    ends_in_guest highmem '#PF page fault .*read access to 0x100000000'
}

# bats test_tags=kvm
@test "hostile: a guest cannot even zero its own IDT (the tender's, read-only)" {
    ends_in_guest idtsmash '#PF page fault .*write access to 0x4000 '
}

# unseal ATTACK ACCESS: the unseal self-test's ATTACK faults on an ACCESS
# (read or write) of the address it names, reported by the tender's trap
# code with status 255. See tests/unseal/unseal.c.
unseal() {
    skip_unless_kvm
    run timeout 30 "$HVT" -- "$(ut unseal)" --solo5:quiet "$1"
    expect_sealed "$1" "$2"
}

# bats test_tags=kvm
@test "unseal: the IDT is neither readable nor writable from the guest" {
    unseal read read
    unseal idt write
}

# bats test_tags=kvm
@test "unseal: the GDT, the TSS, the page tables and the trap code are not writable" {
    unseal gdt write
    unseal tss write
    unseal pagetables write
    unseal trapcode write
}

# bats test_tags=kvm
@test "unseal: no DPL 3 gate can be forged to reach CPL0 and patch text" {
    unseal gate write
}

# bats test_tags=kvm
@test "unseal: INT 0x80 enters no gate" {
    skip_unless_kvm
    run timeout 30 "$HVT" -- "$(ut unseal)" --solo5:quiet int
    expect_no_line 'ESCAPED'
    # Hardware KVM: #GP (past the IDT's 32 gates). PVM: #UD.
    expect_status 255
    expect_line '^unseal: int at 0x80$'
    expect_line '^Solo5: ABORT: (#GP|#UD)'
}

@test "seccomp: an allowed call works under the tender's filter" {
    run "$TB/tools/sandbox_kill" allowed
    expect_status 0
    expect_line '^allowed call worked$'
}

@test "seccomp: every forbidden call kills the process with SIGSYS" {
    local a
    for a in getpid open write3 ioctl socket execve; do
        run "$TB/tools/sandbox_kill" "$a"
        [ "$status" -eq $((128 + 31)) ] ||
            { echo "$a: status $status, output: $output" >&2; return 1; }
        expect_line '^sandboxed$'
        expect_no_line ESCAPED
    done
}

# bats test_tags=kvm
@test "seccomp: the tender runs in filter mode and maps no guest memory executable" {
    skip_unless_kvm
    truncate -s 1M "$WORK/disk"
    start_bg 'ready, sleeping' 100 \
        timeout 60 "$HVT" --block:storage="$WORK/disk" -- "$(ut signal)"
    local pid
    pid=$(pgrep -P "$UT_PID" -f solo5-hvt || echo "$UT_PID")
    grep -q '^Seccomp:[[:space:]]*2$' "/proc/$pid/status"
    # The 512 MiB guest mapping: read/write, never execute.
    local range perms rest found=
    while read -r range perms rest; do
        if (( 16#${range#*-} - 16#${range%-*} >= 512 * 1024 * 1024 )); then
            found=1
            [[ $perms != *x* ]] || { echo "guest memory mapped $perms" >&2; return 1; }
        fi
    done <"/proc/$pid/maps"
    [ -n "$found" ]
    kill -TERM "$UT_PID"
    wait "$UT_PID" || true
    UT_PID=
}

@test "personality: the tender refuses READ_IMPLIES_EXEC" {
    run env LD_PRELOAD="$TB/tools/rie_preload.so" "$HVT" "$(ut hello)"
    expect_status 1
    expect_line '^solo5-hvt: error: refusing to run under the READ_IMPLIES_EXEC personality'
}
