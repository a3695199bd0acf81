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
    # solo5-virtio-run boots it through SeaBIOS and the loader, the serial
    # console on stdout, and passes the unikernel's exit status on.
    hv=()
    [ "${EXAMPLE_ACCEL:-}" = tcg ] && hv=(-H qemu)
    echo "+ solo5-virtio-run -m 128 -i example.img"
    set +e
    timeout 120 "$BIN/solo5-virtio-run" -q "${hv[@]}" -m 128 -i "$work/example.img"
    st=$?
    set -e
    echo "(the unikernel exited with status $st)"
    exit "$st"
fi

echo "(virtio tools not built: running the hvt build of the example instead)"
truncate -s 16M "$work/disk.img"
echo "+ solo5-hvt --block:storage=disk.img example.hvt 'hello from solo5-hvt'"
"$BIN/solo5-hvt" --block:storage="$work/disk.img" "$EX/example.hvt" "hello from solo5-hvt"
