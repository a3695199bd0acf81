#!/bin/bash
# Runs every test suite (tests/*.bats, each run with bats in TAP mode) and
# ends with the line "N passed, N failed, N skipped".
# Usage: tests/run-tests.sh [SUITE.bats...]   (default: all of tests/*.bats)
#
# Tests that need /dev/kvm carry the bats tag "kvm"; tests run once per
# hypervisor in $HVS (virtio.bats) carry "hvs". Where this machine has no
# usable /dev/kvm, those run inside the test VM (tests/vm/), all of them in
# one VM boot: "kvm" ones only there, "hvs" ones here under emulation and
# there under KVM. Everything else runs here. SOLO5_TEST_VM=1 forces the
# VM, SOLO5_TEST_VM=0 keeps everything here (KVM tests then skip).
set -u
cd "$(dirname "$0")/.."
export SOLO5_TOP=$PWD
suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(tests/*.bats)
pass=0 fail=0 skip=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# count LOG NAME: adds the TAP results in LOG (suite NAME) to the totals.
count() {
    local log=$1 s=$2 p k f planned ran
    p=$(grep -cE '^ok [0-9]+ ' "$log" | tr -d ' ')
    k=$(grep -cE '^ok [0-9]+ .*# ?[Ss][Kk][Ii][Pp]' "$log" | tr -d ' ')
    f=$(grep -cE '^not ok [0-9]+ ' "$log" | tr -d ' ')
    planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log" | head -n1)
    ran=$((p + f))
    # A suite that dies part-way counts its unrun tests as failed.
    if [ -n "$planned" ] && [ "$ran" -lt "$planned" ]; then
        echo "# $s: only $ran of $planned tests reported"
        f=$((f + planned - ran))
    elif [ -z "$planned" ]; then
        echo "# $s: no test plan (bats failed to start)"
        f=$((f + 1))
    fi
    pass=$((pass + p - k)) skip=$((skip + k)) fail=$((fail + f))
}

# has_tag SUITE TAG: SUITE tags its tests (or the whole file) with TAG.
has_tag() {
    grep -qE "^# bats (file|test)_tags=(.*,)?$2(,.*)?$" "$1"
}

kvm_usable() {
    [ -r /dev/kvm ] && [ -w /dev/kvm ]
}

# Inside the test VM itself, everything runs natively.
[ -n "${SOLO5_IN_TEST_VM:-}" ] && SOLO5_TEST_VM=0
case ${SOLO5_TEST_VM:-} in
    1) use_vm=1 ;;
    0) use_vm=0 ;;
    "") use_vm=0
        if ! kvm_usable; then
            if command -v qemu-system-x86_64 >/dev/null; then
                use_vm=1
            else
                echo "# no /dev/kvm and no qemu-system-x86_64 for the test VM: KVM tests will skip"
            fi
        fi ;;
    *) echo "tests/run-tests.sh: error: SOLO5_TEST_VM must be 0, 1 or unset, not '$SOLO5_TEST_VM'" >&2
       exit 2 ;;
esac

if [ "$use_vm" -eq 0 ]; then
    if kvm_usable; then
        echo "# KVM tests: native /dev/kvm"
    else
        echo "# KVM tests: none (no usable /dev/kvm; SOLO5_TEST_VM=0 or no QEMU), they skip"
    fi
    for s in "${suites[@]}"; do
        echo "# suite: $s"
        bats --tap "$s" 2>&1 | tee "$work/log"
        count "$work/log" "$s"
    done
    echo "$pass passed, $fail failed, $skip skipped"
    [ "$fail" -eq 0 ]
    exit
fi

echo "# KVM tests: inside the test VM (QEMU/TCG, nested SVM)"
vm_suites=()
for s in "${suites[@]}"; do
    if has_tag "$s" kvm || has_tag "$s" hvs; then
        vm_suites+=("$s")
    fi
done

# The VM part runs while the host suites do (it waits mostly on one
# emulated vCPU); its output follows theirs. SOLO5_TEST_VM_SERIAL=1 runs it
# afterwards instead, with its output live.
vm_pid=
vm_start=$SECONDS
start_vm_part() {
    echo "# the KVM part, in one test VM: ${vm_suites[*]}"
    tests/vm/run-in-vm.sh tests/vm/kvm-part.sh "${vm_suites[@]}" >"$work/vm.log" 2>&1 &
    vm_pid=$!
    vm_start=$SECONDS
}
stop_vm_part() {
    [ -n "$vm_pid" ] && kill "$vm_pid" 2>/dev/null && wait "$vm_pid" 2>/dev/null
    rm -rf "$work"
}
trap stop_vm_part EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if [ ${#vm_suites[@]} -gt 0 ] && [ -z "${SOLO5_TEST_VM_SERIAL:-}" ]; then
    start_vm_part
    echo "# (its output comes after the host suites')"
fi

for s in "${suites[@]}"; do
    # A suite tagged kvm as a whole has no part to run here.
    grep -qE '^# bats file_tags=(.*,)?kvm(,.*)?$' "$s" && continue
    echo "# suite: $s"
    start=$SECONDS
    bats --tap --filter-tags '!kvm' "$s" 2>&1 | tee "$work/log"
    count "$work/log" "$s"
    echo "# suite: $s took $((SECONDS - start)) s"
done

if [ ${#vm_suites[@]} -gt 0 ]; then
    if [ -z "$vm_pid" ]; then
        start_vm_part
        tail -f --pid="$vm_pid" "$work/vm.log" &
        wait "$vm_pid"
        wait
    else
        echo "# waiting for the test VM"
        wait "$vm_pid"
        cat "$work/vm.log"
    fi
    vm_pid=
    echo "# the test VM ran $((SECONDS - vm_start)) s in all"
    # kvm-part.sh opens each suite's output with "# kvm part: SUITE".
    for s in "${vm_suites[@]}"; do
        awk -v s="$s" '/^# kvm part: / { on = ($4 == s); next } on' "$work/vm.log" >"$work/log"
        count "$work/log" "$s (KVM part, in the test VM)"
    done
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
