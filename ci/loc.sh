#!/bin/bash
# make loc: lines of C (and assembly) of the trusted code and the guest
# bindings, by folder: physical lines, and lines that hold code (not blank,
# not only a comment). Folders, not hand lists: a file added to a trusted
# folder is counted without anyone remembering to.
set -u
cd "$(dirname "$0")/.."

# count LABEL FILE...: one line of counts for FILE...
count() {
    local label=$1
    shift
    local phys code
    phys=$(cat "$@" | wc -l)
    # Strip /* */ and // comments, then count non-blank lines.
    code=$(cat "$@" | sed -e ':a' -e 's|/\*[^*]*\*\+\([^/*][^*]*\*\+\)*/||g' -e '/\/\*/{N;ba}' \
        -e 's|//.*||' | grep -cv '^[[:space:]]*$')
    printf '%-44s %6s lines, %6s of code\n' "$label" "$phys" "$code"
}

# src DIR: the C and assembly sources and headers directly in DIR.
src() {
    find "$1" -maxdepth 1 -type f \( -name '*.[ch]' -o -name '*.S' \) | sort
}

# The debug tender's modules (gdb, core files) are built into
# solo5-hvt-debug only: counted apart from the production tender.
is_debug() {
    case $(basename "$1") in
        hvt_module_gdb.c | hvt_gdb_* | hvt_debug* | hvt_module_dumpcore.c | hvt_dumpcore_*) return 0 ;;
    esac
    return 1
}
hvt_prod=() hvt_debug=()
while read -r f; do
    if is_debug "$f"; then hvt_debug+=("$f"); else hvt_prod+=("$f"); fi
done < <(src tenders/hvt)

echo "Trusted (the isolation boundary):"
count "include/ (ABI headers)" include/*_abi.h
count "tenders/common/" $(src tenders/common)
count "tenders/hvt/ (solo5-hvt)" "${hvt_prod[@]}"
count "tenders/hvt/ (solo5-hvt-debug's additions)" "${hvt_debug[@]}"
count "tenders/spt/ (solo5-spt)" $(src tenders/spt)
echo "Guest bindings (run inside the guest):"
for d in bindings/*/ virtio/; do
    d=${d%/}
    [ -n "$(src "$d")" ] && count "$d/" $(src "$d")
done
