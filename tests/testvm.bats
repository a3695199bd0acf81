#!/usr/bin/env bats
# testvm.bats: the test VM's runner and the suite runner refuse bad input
# with one error line and a non-zero status before any VM starts, leaving
# nothing behind. (The VM itself is exercised by every KVM test on
# machines without /dev/kvm.)

bats_require_minimum_version 1.5.0
load lib

VM=$TOP/tests/vm/run-in-vm.sh

setup() {
    export TMPDIR=$BATS_TEST_TMPDIR/tmp
    mkdir -p "$TMPDIR"
}

# one_error REGEX: status non-zero, one stderr line matching REGEX, and
# nothing left in $TMPDIR.
one_error() {
    [ "$status" -ne 0 ] || { echo "expected a failure, got status 0" >&2; return 1; }
    [ "${#stderr_lines[@]}" -eq 1 ] || { echo "expected one line, got: $stderr" >&2; return 1; }
    grep -qE -- "$1" <<<"$stderr" || { echo "expected /$1/, got: $stderr" >&2; return 1; }
    [ -z "$(ls -A "$TMPDIR")" ] || { echo "left behind: $(ls -A "$TMPDIR")" >&2; return 1; }
}

@test "run-in-vm: no command is a usage error" {
    run --separate-stderr "$VM"
    one_error '^run-in-vm: error: usage: '
}

@test "run-in-vm: a timeout that is not a number of seconds is refused" {
    for t in 0 -1 abc 1.5; do
        SOLO5_VM_TIMEOUT=$t run --separate-stderr "$VM" true
        one_error "^run-in-vm: error: SOLO5_VM_TIMEOUT must be a number of seconds"
    done
}

@test "run-in-vm: a working directory the VM cannot see is refused" {
    cd /run
    run --separate-stderr "$VM" true
    one_error '^run-in-vm: error: run it from a folder the VM sees'
}

@test "run-tests.sh: SOLO5_TEST_VM other than 0 or 1 is refused" {
    SOLO5_TEST_VM=yes run --separate-stderr "$TOP/tests/run-tests.sh" "$TOP/tests/format.bats"
    one_error "^tests/run-tests.sh: error: SOLO5_TEST_VM must be 0, 1 or unset"
}
