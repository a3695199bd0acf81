#!/bin/bash
# imagegen-bench.sh: solo5-virtio-mkimage build time per format and loader
# (median and spread of N runs) and image size (apparent vs allocated),
# next to a baseline that makes the same SYSLINUX/MBR raw disk the usual
# shell way (truncate, sfdisk, mkfs.fat, mcopy, syslinux, dd) in the same run.
# Usage: tests/bench/imagegen-bench.sh [UNIKERNEL] [RUNS]
set -eu
cd "$(dirname "$0")/../.."
M=build/bin/solo5-virtio-mkimage
K=${1:-build/tests/hello/hello.virtio}
[ -f "$K" ] || K=build/tests/imagegen/mbtest.virtio
N=${2:-7}
[ -x "$M" ] && [ -f "$K" ] || { echo "imagegen-bench: build first (make)" >&2; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
# A private GRUB core cache: warmed by the first run of each GRUB case.
export XDG_CACHE_HOME=$W/cache

now() { date +%s%N; }

# stats: reads nanosecond samples, prints "median ms (min-max)".
stats() {
    sort -n | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%8.1f ms  (%.1f-%.1f)", m / 1e6, v[1] / 1e6, v[NR] / 1e6 }'
}

size_of() {
    local a b
    a=$(stat -c %s "$1")
    b=$(( $(stat -c %b "$1") * $(stat -c %B "$1") ))
    printf '%12d B apparent %10d B allocated' "$a" "$b"
}

# The baseline: the same image made with the standard tools, step by step.
baseline() {
    local img=$1 off=$((2048 * 512))
    rm -f "$img"
    truncate -s 34M "$img"
    echo 'start=2048, size=65536, type=e, bootable' | sfdisk -q "$img"
    mkfs.fat -F 16 -n SOLO5 --offset 2048 "$img" 32768 >/dev/null
    printf 'drive z: file="%s" offset=%d\n' "$img" "$off" >"$W/mtoolsrc"
    printf 'SERIAL 0 115200\nDEFAULT unikernel\nLABEL unikernel\n  KERNEL mboot.c32\n  APPEND /kernel\n' >"$W/syslinux.cfg"
    MTOOLSRC=$W/mtoolsrc mcopy -o "$K" z:/kernel
    MTOOLSRC=$W/mtoolsrc mcopy -o "$W/syslinux.cfg" /usr/lib/syslinux/modules/bios/mboot.c32 \
        /usr/lib/syslinux/modules/bios/libcom32.c32 z:/
    syslinux --offset "$off" --install "$img"
    dd if=/usr/lib/syslinux/mbr/mbr.bin of="$img" conv=notrunc bs=440 count=1 status=none
}

echo "imagegen: $K, $N runs each (median, min-max)"
printf '%-28s %-28s %s\n' case "build time" size
bench() {
    local name=$1 out=$2
    shift 2
    for _ in $(seq "$N"); do
        rm -f "$out"
        local s
        s=$(now)
        "$@" >/dev/null
        echo $(( $(now) - s ))
    done | stats >"$W/t"
    printf '%-28s %-28s %s\n' "$name" "$(cat "$W/t")" "$(size_of "$out")"
}
bench "baseline shell (syslinux)" "$W/b.img" baseline "$W/b.img"
bench "raw syslinux bios" "$W/a.img" "$M" -b syslinux "$W/a.img" "$K"
bench "raw grub bios" "$W/a.img" "$M" -b grub -F bios "$W/a.img" "$K"
bench "raw grub uefi" "$W/a.img" "$M" -b grub -F uefi "$W/a.img" "$K"
bench "raw grub hybrid (default)" "$W/a.img" "$M" "$W/a.img" "$K"
bench "raw grub hybrid, no cache" "$W/a.img" env SOLO5_MKIMAGE_NO_CACHE=1 "$M" "$W/a.img" "$K"
bench "raw hybrid -s 100G" "$W/a.img" "$M" -s 100G "$W/a.img" "$K"
bench "qcow2 hybrid" "$W/a.qcow2" "$M" -f qcow2 "$W/a.qcow2" "$K"
bench "tar hybrid (1 GiB, GCE)" "$W/a.tar.gz" "$M" -f tar "$W/a.tar.gz" "$K"
bench "tar syslinux (1 GiB, GCE)" "$W/a.tar.gz" "$M" -f tar -b syslinux "$W/a.tar.gz" "$K"
