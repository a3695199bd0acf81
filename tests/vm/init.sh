#!/bin/sh
# tests/vm/init.sh: /init of the test VM's initramfs (busybox sh, PID 1).
# Loads the modules listed in /modules.list, mounts the host's root (9p tag
# "hostroot", read-only) under a writable tmpfs overlay, enters it with
# chroot and runs /job/job.sh there (9p tag "job": the host's job folder,
# writable) with its output on the serial console; writes the command's
# exit status to /job/status and powers the VM off. Any failure of its own
# is one line "test VM: error: ..." on the console and status 125.
export PATH=/bin
R=/newroot
/bin/busybox --install -s /bin

halt_vm() {
    sync
    poweroff -f
    sleep 60
}
fail() {
    echo "test VM: error: $*"
    echo 125 >/job/status 2>/dev/null
    halt_vm
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# The host reads the console through a pipe: no CR before each LF.
stty -onlcr </dev/console 2>/dev/null
exec </dev/null >/dev/console 2>&1

for m in $(cat /modules.list); do
    modprobe "$m" || fail "modprobe $m failed"
done
mkdir -p /job /lower /rw
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 job /job ||
    fail "cannot mount the job folder (9p tag job)"
# cache=loose: the host does not change the tree while the VM runs.
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro hostroot /lower ||
    fail "cannot mount the host root (9p tag hostroot)"
# Tests write where they would on the host (/tmp, /run, $HOME, build/):
# an overlay keeps every write in the VM's memory, and the host untouched.
mount -t tmpfs -o mode=0755 rw /rw && mkdir -p /rw/upper /rw/work $R ||
    fail "cannot make the tmpfs for writes"
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay $R ||
    fail "cannot mount the overlay over the host root"
for d in tmp run var/tmp dev/shm; do
    mkdir -p "$R/$d"
done
mount -t proc proc $R/proc &&
    mount -t sysfs sysfs $R/sys &&
    mount -t devtmpfs devtmpfs $R/dev &&
    mkdir -p $R/dev/pts $R/dev/shm &&
    mount -t devpts -o newinstance,ptmxmode=0666 devpts $R/dev/pts &&
    mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm &&
    mount -t tmpfs -o mode=1777 tmpfs $R/tmp &&
    mount -t tmpfs -o mode=0755 tmpfs $R/run &&
    mount -t tmpfs -o mode=1777 tmpfs $R/var/tmp ||
    fail "cannot mount proc, sys, dev or the tmpfs folders in the new root"
mkdir -p $R/run/solo5-vm && cp /job/job.sh $R/run/solo5-vm/job.sh ||
    fail "no job.sh in the job folder"
[ -c $R/dev/kvm ] || fail "no /dev/kvm after loading kvm_amd (is SVM in QEMU's -cpu?)"
ip link set lo up
read -r up _ </proc/uptime
echo "test VM: up after ${up} s (guest kernel uptime)"
chroot $R /bin/bash /run/solo5-vm/job.sh
echo $? >/job/status
halt_vm
