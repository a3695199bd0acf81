#!/bin/bash
# make loc: lines of C in the trusted tender and in the bindings, counted
# two ways: physical lines, and lines that hold code (not blank, not only
# a comment).
set -u
cd "$(dirname "$0")/.."
count() {
    local label=$1
    shift
    local phys code
    phys=$(cat "$@" | wc -l)
    # Strip /* */ and // comments, then count non-blank lines.
    code=$(cat "$@" | sed -e ':a' -e 's|/\*[^*]*\*\+\([^/*][^*]*\*\+\)*/||g' -e '/\/\*/{N;ba}' \
        -e 's|//.*||' | grep -cv '^[[:space:]]*$')
    printf '%-50s %6s lines, %6s of code\n' "$label" "$phys" "$code"
}
count "solo5-hvt (production tender, all modules)" \
    tenders/common/*.[ch] tenders/hvt/hvt.h tenders/hvt/hvt_core.c \
    tenders/hvt/hvt_main.c tenders/hvt/hvt_kvm*.[ch] tenders/hvt/hvt_cpu_x86_64.[ch] \
    tenders/hvt/hvt_sandbox_linux.c tenders/hvt/hvt_module_net.[ch] \
    tenders/hvt/hvt_module_block.c imagegen/mft_check.[ch] include/hvt_abi.h \
    include/elf_abi.h include/mft_abi.h
count "solo5-hvt-debug's additions (gdb, dumpcore)" \
    tenders/hvt/hvt_module_gdb.c tenders/hvt/hvt_gdb_*.[ch] tenders/hvt/hvt_debug*.[ch] \
    tenders/hvt/hvt_module_dumpcore.c tenders/hvt/hvt_dumpcore_*.c
count "hvt bindings (common + bindings/hvt)" \
    bindings/*.[chS] bindings/hvt/*.[chS]
count "solo5-spt (tender, both modules, ABI headers)" \
    tenders/common/*.[ch] tenders/spt/*.[chS] imagegen/mft_check.[ch] \
    include/spt_abi.h include/elf_abi.h include/mft_abi.h
count "spt bindings (common + bindings/spt)" \
    bindings/*.[chS] bindings/spt/*.[chS]
if ls bindings/virtio/*.[chS] >/dev/null 2>&1; then
    count "virtio bindings (common + bindings/virtio + virtio/)" \
        bindings/*.[chS] bindings/virtio/*.[chS] $(ls virtio/*.[chS] 2>/dev/null)
fi
