#!/bin/bash
# Regenerates tests/imagegen/golden/* with the images imagegen.bats makes.
# Run after a deliberate layout change, then review the diff.
set -eu
cd "$(dirname "$0")/../.."
. tests/imagegen/layout.bash
M=build/bin/solo5-virtio-mkimage
K=build/tests/imagegen/mbtest.virtio
G=tests/imagegen/golden
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export SOURCE_DATE_EPOCH=1700000000 XDG_CACHE_HOME=$W/cache
mkdir -p "$G"
$M -b syslinux -F bios "$W/syslinux-bios.img" "$K" a b
$M -b grub -F bios "$W/grub-bios.img" "$K"
$M -b grub -F uefi "$W/grub-uefi.img" "$K"
$M -v -b grub -F uefi "$W/grub-uefi-v.img" "$K" 2>/dev/null
$M -F hybrid "$W/grub-hybrid.img" "$K"
$M -f tar "$W/gce.tar.gz" "$K"
$M -f qcow2 "$W/disk.qcow2" "$K"
for n in syslinux-bios.img grub-bios.img grub-uefi.img grub-uefi-v.img grub-hybrid.img; do
    layout_report "$W/$n" raw >"$G/$n" 2>&1
done
layout_report "$W/gce.tar.gz" tar >"$G/gce.tar.gz" 2>&1
layout_report "$W/disk.qcow2" qcow2 >"$G/disk.qcow2" 2>&1
