#!/bin/bash
# make example: build the bundled example unikernel (tests/example), make a
# bootable disk image of it with solo5-virtio-mkimage, boot that image
# under QEMU and show its console. Where the virtio tools are not built,
# run the hvt build under solo5-hvt instead.
set -eu
cd "$(dirname "$(readlink -f "$0")")/.."
BIN=$PWD/build/bin
EX=$PWD/build/tests/example
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -x "$BIN/solo5-virtio-mkimage" ] && [ -f "$EX/example.virtio" ]; then
    echo "+ solo5-virtio-mkimage -f raw $work/example.img $EX/example.virtio 'hello from the disk image'"
    "$BIN/solo5-virtio-mkimage" -f raw "$work/example.img" "$EX/example.virtio" \
        "hello from the disk image"
    # The image is the unikernel's own boot disk: it finds it as 'storage'.
    accel=tcg
    [ -w /dev/kvm ] && [ "${EXAMPLE_ACCEL:-}" != tcg ] && accel=kvm
    cpu=max
    [ "$accel" = kvm ] && cpu=host,-arch-capabilities
    # No display, the serial port on stdio: -nographic would have SeaBIOS
    # copy the loader's screen output (with its escape sequences) there.
    echo "+ qemu-system-x86_64 -accel $accel -drive file=example.img,if=virtio ..."
    set +e
    timeout 120 qemu-system-x86_64 -accel "$accel" -cpu "$cpu" -m 128 \
        -nodefaults -display none -serial stdio -no-reboot \
        -device isa-debug-exit,iobase=0x501,iosize=1 \
        -drive file="$work/example.img",format=raw,if=virtio
    st=$?
    set -e
    # isa-debug-exit reports (status << 1) | 1.
    [ "$st" -ge 1 ] && [ $((st & 1)) -eq 1 ] && st=$((st >> 1))
    echo "(the unikernel exited with status $st)"
    exit "$st"
fi

echo "(virtio tools not built: running the hvt build of the example instead)"
truncate -s 16M "$work/disk.img"
echo "+ solo5-hvt --block:storage=disk.img example.hvt 'hello from solo5-hvt'"
"$BIN/solo5-hvt" --block:storage="$work/disk.img" "$EX/example.hvt" "hello from solo5-hvt"
