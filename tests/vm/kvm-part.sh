#!/bin/bash
# tests/vm/kvm-part.sh: inside the test VM, runs the KVM part of each suite
# given: its tests tagged "kvm" (they need /dev/kvm) and those tagged "hvs"
# (run once per hypervisor) under KVM only, since tests/run-tests.sh ran
# them under emulation on the host already. Each suite's TAP output opens
# with "# kvm part: SUITE" and closes with its time. Timeouts that guard
# against hangs are scaled by SOLO5_TEST_SLOW (default 4 here).
# Usage (from the top of the tree): tests/vm/kvm-part.sh SUITE.bats...
set -u
export SOLO5_TEST_HVS=kvm
# Hang guards wait longer under emulation (tests/lib.bash, slow()).
export SOLO5_TEST_SLOW=${SOLO5_TEST_SLOW:-4}
for s in "$@"; do
    echo "# kvm part: $s"
    start=$SECONDS
    bats --tap --filter-tags kvm --filter-tags hvs "$s" 2>&1
    echo "# kvm part of $s took $((SECONDS - start)) s"
done
