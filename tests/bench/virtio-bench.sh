#!/bin/bash
# make bench, virtio section: boot-to-exit under QEMU -kernel (KVM and
# TCG) beside a minimal Multiboot kernel on the same QEMU, the guest's own
# share (first instruction to solo5_app_main), boot from a disk image on
# SeaBIOS and OVMF, and ping-flood rates through virtio-net.
set -u
cd "$(dirname "$0")/../.."
. tests/bench/lib.bash
bench_start
RUNS=${BENCH_QEMU_RUNS:-5}

[ -x "$BIN/solo5-virtio-run" ] && [ -f "$TB/hello/hello.virtio" ] ||
    { echo "virtio-bench: build first (make)"; exit 1; }

# QEMU as solo5-virtio-run starts it, for the floor kernel.
qemu_args() {
    local accel=$1
    echo -nodefaults -no-user-config -display none -monitor none -no-reboot \
        -m 512 -serial none -device isa-debug-exit,iobase=0x501,iosize=1
    if [ "$accel" = kvm ]; then
        echo -M pc,accel=kvm -cpu host,-arch-capabilities
    else
        echo -M pc,accel=tcg -cpu max
    fi
}

echo "== virtio boot-to-exit under QEMU -kernel (hello, --solo5:quiet) =="
row "what" "median" "min..max" ""
accels=(qemu)
[ -w /dev/kvm ] && accels=(kvm qemu)
for hv in "${accels[@]}"; do
    accel=$hv; [ "$hv" = qemu ] && accel=tcg
    time_cmd "$accel: minimal Multiboot kernel (floor)" "$RUNS" \
        qemu-system-x86_64 $(qemu_args "$accel") -kernel "$TB/imagegen/mbtest.virtio"
    floor=$MEDIAN_MS
    time_cmd "$accel: solo5-virtio-run hello.virtio" "$RUNS" \
        "$BIN/solo5-virtio-run" -q -H "$hv" "$TB/hello/hello.virtio" --solo5:quiet
    [ -n "$floor" ] && [ -n "$MEDIAN_MS" ] &&
        echo "   hello / floor = $(ratio "$MEDIAN_MS" "$floor")x"
done

if [ -w /dev/kvm ]; then
    echo
    echo "== virtio guest's own share under KVM (first instruction to solo5_app_main) =="
    for i in $(seq 1 "$RUNS"); do
        "$BIN/solo5-virtio-run" -q -H kvm "$TB/virtio-boottime/virtio-boottime.virtio" \
            --solo5:quiet 2>/dev/null | sed -n 's/^virtio-boottime: \([0-9]*\) us$/\1/p'
    done >"$WORK/share"
    row "guest share, median of $(wc -l <"$WORK/share")" \
        "$(sort -n "$WORK/share" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') us" \
        "$(sort -n "$WORK/share" | sed -n '1p;$p' | paste -sd. | sed 's/\./../') us" ""
fi

echo
echo "== boot-to-exit from a disk image (solo5-virtio-mkimage, GRUB, TCG) =="
if "$BIN/solo5-virtio-mkimage" -f raw "$WORK/hello.img" "$TB/hello/hello.virtio" --solo5:quiet; then
    img=(-drive "file=$WORK/hello.img,format=raw,if=virtio")
    time_cmd "SeaBIOS, virtio-blk boot disk" "$RUNS" \
        qemu-system-x86_64 $(qemu_args tcg) "${img[@]}"
    if [ -r /usr/share/ovmf/OVMF.fd ]; then
        time_cmd "OVMF (UEFI), virtio-blk boot disk" "$RUNS" \
            qemu-system-x86_64 $(qemu_args tcg) -bios /usr/share/ovmf/OVMF.fd "${img[@]}"
    fi
    time_cmd "-kernel, same QEMU (TCG), for comparison" "$RUNS" \
        "$BIN/solo5-virtio-run" -q -H qemu "$TB/hello/hello.virtio" --solo5:quiet
fi

echo
echo "== virtio network (ping flood from the host, private namespace) =="
if [ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ] && [ -w /dev/kvm ]; then
    flood_rows KVM "${BENCH_VIRTIO_PINGS:-10000}" "$BIN/solo5-virtio-run" -q -H kvm -n tap0 \
        "$TB/net/net.virtio" --solo5:quiet
else
    echo "   SKIPPED: needs root, /dev/net/tun and /dev/kvm"
fi
