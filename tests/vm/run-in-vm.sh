#!/bin/bash
# tests/vm/run-in-vm.sh: runs one command inside the test VM, a Debian 12
# kernel under QEMU/TCG with an emulated AMD CPU with SVM, so that
# /dev/kvm exists there; the host's root is the VM's (read-only, writes
# kept in VM memory). Prints the command's output and exits with its status.
# Usage: tests/vm/run-in-vm.sh COMMAND [ARGS...]
# The command runs in the current directory with LD_PRELOAD set to
# build/tests/vm/tss_preload.so (see docs/testing.md, "The test VM").
# Environment: SOLO5_VM_TIMEOUT (seconds, default 3600), SOLO5_VM_MEM
# (default 6G), SOLO5_VM_CPUS (default 1), SOLO5_VM_CACHE (artifact cache),
# SOLO5_VM_APPEND (more kernel parameters). The kernel runs with
# mitigations=off: the VM guards nothing, and page-table isolation's CR3
# switch on every system call costs TCG a flush of its software TLB.
# One vCPU: with two (multi-threaded TCG running nested SVM) the VM once
# hung a guest for good and once died mid-suite; with one it was also
# faster (hvt-net.bats 88 s against 332 s).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PRELOAD=$TOP/build/tests/vm/tss_preload.so
MODULES="virtio_pci 9pnet_virtio 9p overlay kvm_amd tun"
TIMEOUT=${SOLO5_VM_TIMEOUT:-3600}
JOB=
QPID=
KICKER=()

die() {
    echo "run-in-vm: error: $*" >&2
    exit 125
}
cleanup() {
    [ ${#KICKER[@]} -eq 0 ] || kill "${KICKER[@]}" 2>/dev/null || true
    if [ -n "$QPID" ]; then
        kill "$QPID" 2>/dev/null || true
        wait "$QPID" 2>/dev/null || true
    fi
    [ -n "$JOB" ] && rm -rf "$JOB"
    return 0
}
trap cleanup EXIT
trap 'echo "run-in-vm: interrupted" >&2; exit 130' INT
trap 'echo "run-in-vm: terminated" >&2; exit 143' TERM

[ $# -gt 0 ] || die "usage: tests/vm/run-in-vm.sh COMMAND [ARGS...]"
[[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "SOLO5_VM_TIMEOUT must be a number of seconds, not '$TIMEOUT'"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not installed (Debian package qemu-system-x86)"
[ -f "$PRELOAD" ] || die "$PRELOAD is not built (run make)"
case $PWD in
    /run | /run/* | /var/tmp | /var/tmp/* | /proc* | /sys* | /dev*)
        die "run it from a folder the VM sees as on the host, not $PWD" ;;
esac

art=$("$TOP/tests/vm/artifacts.sh") || die "the VM's kernel or busybox could not be prepared"
kernel=$(sed -n 's/^kernel=//p' <<<"$art")
modules=$(sed -n 's/^modules=//p' <<<"$art")
busybox=$(sed -n 's/^busybox=//p' <<<"$art")
cache=$(sed -n 's/^cache=//p' <<<"$art")

JOB=$(mktemp -d "${TMPDIR:-/tmp}/solo5-vm.XXXXXX")
# The initramfs is cached too, named after everything that goes into it.
key=$( (echo "$busybox $modules $MODULES"; cat "$TOP/tests/vm/init.sh" "$TOP/tests/vm/mkinitrd.sh") |
    sha256sum | cut -c1-16)
initrd=$cache/initrd-$key.cpio
if [ ! -f "$initrd" ]; then
    "$TOP/tests/vm/mkinitrd.sh" "$busybox" "$modules" "$MODULES" "$TOP/tests/vm/init.sh" "$JOB/initrd" ||
        die "could not build the initramfs"
    mv "$JOB/initrd" "$initrd"
fi

# The job: the caller's SOLO5_* variables, PATH and locale, the preload
# shim, then the command in this directory.
# With the tree under /tmp, the VM's /tmp is the overlay, which cannot make
# O_TMPFILE files (the tender's dumpcore needs them): temporary files then
# go to /var/tmp, a tmpfs in the VM.
mkdir "$JOB/share"
tmpdir=
case $PWD:$TOP in
    /tmp/* | *:/tmp/*)
        touch "$JOB/share/host-tmp"
        tmpdir=" TMPDIR=/var/tmp"
        ;;
esac
{
    echo "export PATH=$(printf %q "$PATH") HOME=/root LANG=C.UTF-8 SOLO5_IN_TEST_VM=1$tmpdir"
    while IFS= read -r v; do
        echo "export $v=$(printf %q "${!v}")"
    done < <(compgen -e | grep -E '^(SOLO5_|BATS_|TERM$)' | grep -vx SOLO5_IN_TEST_VM || true)
    echo "export LD_PRELOAD=$(printf %q "$PRELOAD")"
    echo "cd $(printf %q "$PWD") || exit 125"
    printf 'exec'
    printf ' %q' "$@"
    echo
} >"$JOB/share/job.sh"

# QEMU 7.2's TCG running nested SVM now and then drops the request for an
# interrupt already pending in the VM's local APIC: the VM's CPU then sits
# in HLT with IF set and the timer's vector in IRR, and nothing wakes it
# (seen about once in three runs of virtio.bats' console test under KVM,
# with or without SMEP and SMAP; the VM hung until SOLO5_VM_TIMEOUT). Any
# later device interrupt makes the APIC ask again, and the stalled one is
# delivered with it. So the monitor presses a key (shift: no character for
# anyone) every second, which the keyboard controller signals from QEMU's
# side, not from the stalled CPU: a stall lasts a second at most.
mkfifo "$JOB/mon.in" "$JOB/mon.out"

start=$(date +%s)
timeout -s KILL "$TIMEOUT" qemu-system-x86_64 \
    -accel tcg -cpu qemu64,+svm,+npt,+smep,+smap -smp "${SOLO5_VM_CPUS:-1}" -m "${SOLO5_VM_MEM:-6G}" \
    -nodefaults -no-user-config -display none -no-reboot \
    -chardev pipe,id=mon,path="$JOB/mon" -mon chardev=mon,mode=readline \
    -serial stdio \
    -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyS0 quiet loglevel=0 panic=-1 rdinit=/init mitigations=off ${SOLO5_VM_APPEND:-}" \
    -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
    -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
    -fsdev local,id=job,path="$JOB/share",security_model=none \
    -device virtio-9p-pci,fsdev=job,mount_tag=job \
    </dev/null &
QPID=$!
# The monitor's replies are read and dropped, so that QEMU never blocks on
# a full pipe.
cat "$JOB/mon.out" >/dev/null &
KICKER=($!)
while sleep 1; do echo "sendkey shift"; done >"$JOB/mon.in" 2>/dev/null &
KICKER+=($!)
qstatus=0
wait "$QPID" || qstatus=$?
QPID=
kill "${KICKER[@]}" 2>/dev/null || true
KICKER=()
if [ "$qstatus" -eq 137 ]; then
    die "the VM was still running after ${TIMEOUT} s (SOLO5_VM_TIMEOUT); stopped it"
fi
[ "$qstatus" -eq 0 ] || die "qemu-system-x86_64 failed with status $qstatus"
[ -s "$JOB/share/status" ] || die "the VM stopped without reporting a status (kernel panic?)"
status=$(cat "$JOB/share/status")
echo "run-in-vm: VM ran $(($(date +%s) - start)) s in all; command status $status" >&2
exit "$status"
