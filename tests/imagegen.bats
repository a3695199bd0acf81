#!/usr/bin/env bats
# imagegen.bats: solo5-virtio-mkimage: layouts read back by independent
# tools (golden files), reproducibility, atomic and sparse output, bad
# input, and every format and loader/firmware combination booted in QEMU
# under pure emulation (TCG), on SeaBIOS and OVMF, from IDE, virtio-blk
# and virtio-scsi disks.

bats_require_minimum_version 1.5.0
load lib
load imagegen/layout

MKIMAGE=$BIN/solo5-virtio-mkimage
GOLDEN=$TOP/tests/imagegen/golden
OVMF_CODE=/usr/share/OVMF/OVMF_CODE.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS.fd

setup() {
    [ -x "$MKIMAGE" ] || { echo "$MKIMAGE is not built (run make)" >&2; return 1; }
    KERNEL=$TB/imagegen/mbtest.virtio
    [ -f "$KERNEL" ] || { echo "$KERNEL is not built (run make)" >&2; return 1; }
    WORK=$BATS_TEST_TMPDIR
    export SOURCE_DATE_EPOCH=1700000000
    # A fresh GRUB core cache per test: each test sees grub-mkimage run.
    export XDG_CACHE_HOME=$WORK/cache
    unset SOLO5_MKIMAGE_NO_CACHE
}

# refute_line REGEX: no line of $output matches the extended REGEX.
refute_line() {
    if grep -qE -- "$1" <<<"$output"; then
        echo "expected no line matching: $1" >&2
        echo "$output" >&2
        return 1
    fi
}

# mk ARGS...: runs the image generator under bats' run.
mk() {
    run "$MKIMAGE" "$@"
}

# expect_error REGEX: one line on stderr (solo5-virtio-mkimage: error: ...)
# matching REGEX, a non-zero status, and nothing left in $WORK/out.
expect_error() {
    if [ "$status" -eq 0 ]; then
        echo "expected a failure, got status 0" >&2
        return 1
    fi
    [ "$(wc -l <<<"$output")" -eq 1 ] || { echo "not one line: $output" >&2; return 1; }
    expect_line "^solo5-virtio-mkimage: error: .*$1"
    if [ -d "$WORK/out" ] && [ -n "$(ls -A "$WORK/out")" ]; then
        echo "left behind: $(ls -A "$WORK/out")" >&2
        return 1
    fi
}

# boot FIRMWARE DISK IMAGE [FORMAT] [nodebugexit]: boots IMAGE in QEMU
# (TCG) with FIRMWARE bios (SeaBIOS) or uefi (OVMF), the image attached as
# DISK ide, virtio-blk or virtio-scsi; sets $status and $output.
boot() {
    local fw=$1 disk=$2 img=$3 fmt=${4:-raw} exitdev=${5:-}
    local q=(qemu-system-x86_64 -accel tcg -m 256 -nodefaults -display none
        -serial stdio -no-reboot)
    if [ "$fw" = uefi ]; then
        [ -r "$OVMF_CODE" ] || skip "OVMF not installed (Debian package ovmf)"
        cp "$OVMF_VARS" "$WORK/vars.fd"
        q+=(-drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE"
            -drive "if=pflash,format=raw,file=$WORK/vars.fd")
    fi
    case $disk in
    ide) q+=(-drive "file=$img,format=$fmt,if=ide") ;;
    virtio-blk) q+=(-drive "file=$img,format=$fmt,if=virtio") ;;
    virtio-scsi) q+=(-device virtio-scsi-pci,id=scsi0
        -drive "file=$img,format=$fmt,if=none,id=d0"
        -device scsi-hd,drive=d0,bus=scsi0.0) ;;
    esac
    [ "$exitdev" = nodebugexit ] || q+=(-device isa-debug-exit)
    run timeout "${BOOT_TIMEOUT:-120}" "${q[@]}"
    output=$(tr -d '\r' <<<"$output")
}

# expect_booted CMDLINE: the test kernel ran with CMDLINE and exited through
# the debug-exit port (status 0 becomes QEMU's 1).
expect_booted() {
    expect_line '^mbtest: SUCCESS$' &&
        expect_line "^mbtest: cmdline=\\[$1\\]$" &&
        expect_status 1
}

# ------------------------------------------------------------------ layout

# golden NAME FORMAT: layout_report of $WORK/NAME against tests/imagegen/golden/NAME.
golden() {
    layout_report "$WORK/$1" "$2" >"$WORK/$1.report" 2>&1
    diff -u "$GOLDEN/$1" "$WORK/$1.report"
}

@test "layout: SYSLINUX on BIOS, MBR with one active FAT16 partition" {
    mk -b syslinux -F bios "$WORK/syslinux-bios.img" "$KERNEL" a b
    expect_status 0
    golden syslinux-bios.img raw
}

@test "layout: GRUB on BIOS, core image in the post-MBR gap" {
    mk -b grub -F bios "$WORK/grub-bios.img" "$KERNEL"
    expect_status 0
    golden grub-bios.img raw
    # boot.img in sector 0 points at the core image in sector 1.
    [ "$(od -An -tu8 -j 92 -N 8 "$WORK/grub-bios.img" | tr -d ' ')" = 1 ]
}

# fat_get IMAGE PATH OUT: copies PATH from the FAT at 1 MiB in IMAGE to OUT.
fat_get() {
    printf 'drive z: file="%s" offset=1048576\n' "$1" >"$WORK/rc.get"
    MTOOLSRC=$WORK/rc.get mcopy -n "z:$2" "$3"
}

@test "layout: GRUB on UEFI, GPT with an EFI system partition" {
    mk -b grub -F uefi "$WORK/grub-uefi.img" "$KERNEL"
    expect_status 0
    golden grub-uefi.img raw
    # The firmware's default loader is efiquiet, which starts GRUB from
    # EFI/solo5 with the firmware console silenced (docs/imagegen.md).
    fat_get "$WORK/grub-uefi.img" /EFI/BOOT/BOOTX64.EFI "$WORK/boot.efi"
    cmp "$WORK/boot.efi" "$BIN/../lib/solo5/efiquiet.efi"
    fat_get "$WORK/grub-uefi.img" /EFI/solo5/grubx64.efi "$WORK/grub.efi"
    [ "$(head -c 2 "$WORK/grub.efi")" = MZ ]
    [ "$(stat -c %s "$WORK/grub.efi")" -gt 100000 ]
}

@test "layout: GRUB on UEFI with -v: GRUB is the default loader, no efiquiet" {
    mk -v -b grub -F uefi "$WORK/grub-uefi-v.img" "$KERNEL"
    expect_status 0
    golden grub-uefi-v.img raw
    fat_get "$WORK/grub-uefi-v.img" /EFI/BOOT/BOOTX64.EFI "$WORK/boot.efi"
    [ "$(stat -c %s "$WORK/boot.efi")" -gt 100000 ]
}

@test "layout: efiquiet.efi is a PE32+ EFI application that needs no relocation" {
    local efi=$BIN/../lib/solo5/efiquiet.efi
    run objdump -p "$efi"
    expect_status 0
    expect_line 'file format pei-x86-64'
    expect_line '^Magic[[:space:]]+020b[[:space:]]+\(PE32\+\)'
    expect_line '^Subsystem[[:space:]]+0000000a[[:space:]]+\(EFI application\)'
    # Loadable anywhere: not marked "relocations stripped" (bit 0)...
    local ch
    ch=$(sed -nE 's/^Characteristics[[:space:]]+0x([0-9a-f]+)$/\1/p' <<<"$output")
    [ -n "$ch" ] && [ $((0x$ch & 1)) -eq 0 ]
    # ...and with nothing to relocate: one block of 8 bytes, no entries.
    expect_line '^Entry 5 [0-9a-f]+ 00000008 Base Relocation Directory'
}

@test "layout: hybrid, GPT with ESP and BIOS boot partition, protective MBR" {
    mk -F hybrid "$WORK/grub-hybrid.img" "$KERNEL"
    expect_status 0
    golden grub-hybrid.img raw
    [ "$(od -An -tu8 -j 92 -N 8 "$WORK/grub-hybrid.img" | tr -d ' ')" = 1024 ]
}

@test "layout: -f tar is a gzip'd oldgnu sparse tar of one 1 GiB disk.raw" {
    mk -f tar "$WORK/gce.tar.gz" "$KERNEL"
    expect_status 0
    golden gce.tar.gz tar
    # Exactly one member, GNU's sparse type 'S', old GNU magic.
    [ "$(tar -tzf "$WORK/gce.tar.gz")" = disk.raw ]
    [ "$(gzip -dc "$WORK/gce.tar.gz" | head -c 512 | cut -b 157)" = S ]
    [ "$(gzip -dc "$WORK/gce.tar.gz" | head -c 265 | tail -c 8 | od -An -tx1 | tr -d ' ')" = 7573746172202000 ]
}

@test "layout: -f tar holds the same disk as -f raw of the same size" {
    mk -f tar "$WORK/gce.tar.gz" "$KERNEL" x y
    expect_status 0
    mk -s 1G "$WORK/disk.img" "$KERNEL" x y
    expect_status 0
    mkdir "$WORK/x"
    tar -C "$WORK/x" --sparse -xzf "$WORK/gce.tar.gz"
    cmp "$WORK/x/disk.raw" "$WORK/disk.img"
}

@test "layout: -f tar -s 1500M rounds up to 2 GiB, -s 3G and -s 10G stay" {
    mk -f tar -s 1500M "$WORK/a.tar.gz" "$KERNEL"
    expect_status 0
    tar -tvzf "$WORK/a.tar.gz" | grep -q ' 2147483648 '
    mk -f tar -s 3G "$WORK/b.tar.gz" "$KERNEL"
    expect_status 0
    tar -tvzf "$WORK/b.tar.gz" | grep -q ' 3221225472 '
    # Past 8 GiB the size fields switch to GNU's base-256 form.
    mk -f tar -s 10G "$WORK/c.tar.gz" "$KERNEL"
    expect_status 0
    tar -tvzf "$WORK/c.tar.gz" | grep -q ' 10737418240 '
}

@test "layout: -f qcow2 passes qemu-img check and holds the raw disk" {
    mk -f qcow2 "$WORK/disk.qcow2" "$KERNEL"
    expect_status 0
    golden disk.qcow2 qcow2
    mk "$WORK/disk.img" "$KERNEL"
    qemu-img convert -O raw "$WORK/disk.qcow2" "$WORK/conv.img"
    cmp "$WORK/conv.img" "$WORK/disk.img"
}

@test "layout: -f qcow2 of a large disk stays small and checks clean" {
    mk -f qcow2 -s 100G "$WORK/big.qcow2" "$KERNEL"
    expect_status 0
    run qemu-img check "$WORK/big.qcow2"
    expect_status 0
    qemu-img info "$WORK/big.qcow2" | grep -q 'virtual size: 100 GiB'
    [ "$(stat -c %s "$WORK/big.qcow2")" -lt $((4 * 1024 * 1024)) ]
}

@test "layout: -s with K, M, G suffixes; too small is refused" {
    mk -s 64M "$WORK/a.img" "$KERNEL"
    expect_status 0
    [ "$(stat -c %s "$WORK/a.img")" -eq $((64 * 1024 * 1024)) ]
    mk -s 65536K "$WORK/b.img" "$KERNEL"
    expect_status 0
    cmp "$WORK/a.img" "$WORK/b.img"
    mkdir "$WORK/out"
    mk -s 1M "$WORK/out/c.img" "$KERNEL"
    expect_error 'too small'
}

@test "layout: the FAT grows with the unikernel and stays valid FAT16" {
    for sz in 40M 300M; do
        # Trailing zeros keep the ELF and Multiboot header valid.
        cp "$KERNEL" "$WORK/big.k"
        truncate -s $sz "$WORK/big.k"
        mk -b grub -F bios "$WORK/big.img" "$WORK/big.k"
        expect_status 0
        local size
        size=$(sfdisk -d "$WORK/big.img" | sed -nE 's/.*start= *2048, size= *([0-9]+).*/\1/p')
        [ "$size" -gt $(( $(stat -c %s "$WORK/big.k") / 512 )) ]
        dd if="$WORK/big.img" of="$WORK/big.fat" bs=512 skip=2048 count="$size" conv=sparse status=none
        run fsck.fat -n "$WORK/big.fat"
        expect_status 0
        printf 'drive z: file="%s"\n' "$WORK/big.fat" >"$WORK/rc"
        MTOOLSRC=$WORK/rc mdir z:/kernel | grep -qE "kernel +$(stat -c %s "$WORK/big.k") "
    done
    rm -f "$WORK/big.k" "$WORK/big.img" "$WORK/big.fat"
    cp "$KERNEL" "$WORK/huge.k"
    truncate -s 1100M "$WORK/huge.k"
    mkdir "$WORK/out"
    mk "$WORK/out/a.img" "$WORK/huge.k"
    expect_error 'huge.k: too large'
}

# ------------------------------------------------ output: sparse, atomic

@test "output: a 100 GiB raw disk allocates well under 2 MiB" {
    mk -s 100G "$WORK/big.img" "$KERNEL"
    expect_status 0
    [ "$(stat -c %s "$WORK/big.img")" -eq $((100 * 1024 * 1024 * 1024)) ]
    [ "$(( $(stat -c %b "$WORK/big.img") * $(stat -c %B "$WORK/big.img") ))" -lt $((2 * 1024 * 1024)) ]
    sfdisk -d "$WORK/big.img" | grep -q 'last-lba: 209715166'
}

@test "output: reproducible: the same inputs give the same bytes, every format" {
    for f in raw tar qcow2; do
        mk -f $f "$WORK/one.$f" "$KERNEL" a 'b c'
        expect_status 0
        sleep 1
        mk -f $f "$WORK/two.$f" "$KERNEL" a 'b c'
        expect_status 0
        cmp "$WORK/one.$f" "$WORK/two.$f"
    done
    mk -b syslinux "$WORK/s1.img" "$KERNEL"
    sleep 1
    mk -b syslinux "$WORK/s2.img" "$KERNEL"
    cmp "$WORK/s1.img" "$WORK/s2.img"
    # Other arguments, other identifiers.
    mk "$WORK/three.raw" "$KERNEL" a 'b d'
    if cmp -s <(sfdisk -d "$WORK/one.raw" | grep label-id) <(sfdisk -d "$WORK/three.raw" | grep label-id); then
        echo "other arguments gave the same disk identifier" >&2
        return 1
    fi
}

@test "output: SOURCE_DATE_EPOCH dates the files; unset, 1980-01-01" {
    mk -b syslinux "$WORK/a.img" "$KERNEL"
    printf 'drive z: file="%s" offset=1048576\n' "$WORK/a.img" >"$WORK/rc"
    MTOOLSRC=$WORK/rc mdir -a z: | grep -E '^ldlinux +sys .*2023-11-14 +22:13'
    MTOOLSRC=$WORK/rc mdir -a z: | grep -E '^kernel .*2023-11-14 +22:13'
    unset SOURCE_DATE_EPOCH
    mk -b syslinux "$WORK/a.img" "$KERNEL"
    MTOOLSRC=$WORK/rc mdir -a z: | grep -E '^ldlinux +sys .*1980-01-01'
}

@test "output: an existing image is replaced whole, no temporary file stays" {
    mkdir "$WORK/out"
    echo old >"$WORK/out/disk.img"
    mk "$WORK/out/disk.img" "$KERNEL"
    expect_status 0
    [ "$(ls -A "$WORK/out")" = disk.img ]
    sfdisk -d "$WORK/out/disk.img" | grep -q 'label: gpt'
}

@test "output: a read-only directory is a clear error, for root too" {
    skip_unless_mount_ns
    mkdir "$WORK/out"
    # A read-only bind mount refuses root as well (EROFS).
    run unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && exec "$2" "$1/disk.img" "$3"' \
        sh "$WORK/out" "$MKIMAGE" "$KERNEL"
    [ "$status" -ne 0 ]
    [[ "$output" == *"mount"*"ermission denied"* ]] && skip "no mount namespaces here"
    expect_error "disk.img: cannot create a file in .*: Read-only file system"
}

@test "output: a file where the directory should be, and a directory as IMAGE" {
    mkdir "$WORK/out"
    touch "$WORK/out/file"
    mk "$WORK/out/file/disk.img" "$KERNEL"
    [ "$status" -ne 0 ]
    expect_line '^solo5-virtio-mkimage: error: .*disk.img: '
    [ "$(ls -A "$WORK/out")" = file ]
    rm "$WORK/out/file"
    mkdir "$WORK/out/dir"
    mk "$WORK/out/dir" "$KERNEL"
    [ "$status" -ne 0 ]
    expect_line 'dir: is a directory$'
    [ "$(ls -A "$WORK/out")" = dir ]
}

@test "output: a missing parent directory is named as missing" {
    mkdir "$WORK/out"
    mk "$WORK/out/nonexistent/disk.img" "$KERNEL"
    expect_error "disk.img: parent directory .*/out/nonexistent: No such file or directory$"
    refute_line 'not a directory'
}

@test "output: a full disk mid-write leaves nothing behind" {
    skip_unless_mount_ns
    mkdir "$WORK/out"
    # A 256 KiB tmpfs fills up while the image is written (ENOSPC, root too).
    run unshare -m sh -c 'mount -t tmpfs -o size=256k none "$1" && "$2" -s 1G "$1/disk.img" "$3"; s=$?; ls -A "$1"; exit $s' \
        sh "$WORK/out" "$MKIMAGE" "$KERNEL"
    [[ "$output" == *"mount"*"ermission denied"* ]] && skip "no mount namespaces here"
    [ "$status" -ne 0 ]
    expect_line '^solo5-virtio-mkimage: error: .*No space left on device'
    # ls -A printed nothing after the error line.
    [ "$(wc -l <<<"$output")" -eq 1 ]
}

@test "output: a failing installer leaves nothing behind" {
    mkdir "$WORK/out"
    # Debian's syslinux puts its mtools configuration in TMPDIR.
    TMPDIR=/nonexistent mk -b syslinux "$WORK/out/disk.img" "$KERNEL"
    [ "$status" -ne 0 ] || skip "the installer does not use TMPDIR here"
    expect_error 'syslinux failed'
}

# skip_unless_strace: skips the test, saying why, where strace cannot trace.
skip_unless_strace() {
    skip_unless_cmd strace
    local err
    err=$(strace -o /dev/null true 2>&1) ||
        skip "strace cannot trace here: $(echo "$err" | tail -n 1)"
}

@test "output: the unikernel is opened once; the image holds the bytes checked" {
    skip_unless_strace
    cp "$KERNEL" "$WORK/k.virtio"
    run strace -f -e trace=open,openat,openat2 -o "$WORK/trace" \
        "$MKIMAGE" -b syslinux "$WORK/a.img" "$WORK/k.virtio"
    expect_status 0
    run grep -c 'k\.virtio"' "$WORK/trace"
    [ "$output" -eq 1 ] || { echo "opened $output times:" >&2; grep 'k\.virtio"' "$WORK/trace" >&2; return 1; }
    printf 'drive z: file="%s" offset=1048576\n' "$WORK/a.img" >"$WORK/rc"
    MTOOLSRC=$WORK/rc mcopy -n z:kernel "$WORK/kernel.out"
    cmp "$WORK/k.virtio" "$WORK/kernel.out"
}

@test "output: the image is fsync'd before its rename, the directory after" {
    skip_unless_strace
    mkdir "$WORK/out"
    run strace -f -e trace=openat,fsync,fdatasync,rename,renameat,renameat2 \
        -o "$WORK/trace" "$MKIMAGE" "$WORK/out/a.img" "$KERNEL"
    expect_status 0
    # The output's descriptor (O_TMPFILE in out/, or the hidden fallback
    # name) is synced before the rename to a.img; out/ itself is opened
    # and synced after it.
    run python3 - "$WORK/trace" "$WORK/out" <<'EOF2'
import re, sys
out_fd = dir_fd = None
state = 'open'
# strace -f splits a call another process interrupts into "<unfinished
# ...>" and "<... NAME resumed>" lines: join them again.
lines, pending = [], {}
for line in open(sys.argv[1]).read().splitlines():
    pid, rest = line.split(None, 1)
    if rest.endswith('<unfinished ...>'):
        pending[pid] = rest[:-len('<unfinished ...>')]
        continue
    m = re.match(r'<\.\.\. \w+ resumed>(.*)', rest)
    if m and pid in pending:
        rest = pending.pop(pid) + m.group(1)
    lines.append(pid + ' ' + rest)
# Only the generator's own calls (not those of the loader tools it runs).
main = lines[0].split()[0]
for line in lines:
    if line.split()[0] != main:
        continue
    m = re.search(r'openat\(AT_FDCWD, "([^"]*)", ([^,)]*).*\) += (\d+)', line)
    if m and m.group(1) == sys.argv[2] and 'O_TMPFILE' in m.group(2):
        out_fd = m.group(3)
    elif m and m.group(1).startswith(sys.argv[2] + '/.'):
        out_fd = m.group(3)
    elif m and m.group(1) == sys.argv[2] and 'O_DIRECTORY' in m.group(2) \
            and state == 'renamed':
        dir_fd = m.group(3)
    m = re.search(r'\bf(?:data)?sync\((\d+)\) += 0', line)
    if m and state == 'open' and m.group(1) == out_fd:
        state = 'synced'
    elif m and state == 'renamed' and m.group(1) == dir_fd:
        state = 'dirsynced'
    # The output by its full name: a GRUB core cached on the way has a
    # name that can end in "a.img" too.
    if re.search(r'rename(at2?)?\(.*"' + re.escape(sys.argv[2]) + r'/a\.img"',
                 line):
        if state != 'synced':
            sys.exit('renamed before the file was synced')
        state = 'renamed'
if state != 'dirsynced':
    sys.exit('stopped at: ' + state)
EOF2
    expect_status 0
}

@test "cache: cached GRUB cores give the same bytes; bad entries are rebuilt" {
    mk -v "$WORK/a.img" "$KERNEL" x
    expect_status 0
    expect_line 'cached .*/solo5-virtio-mkimage/grub-i386-pc-'
    mk -v "$WORK/b.img" "$KERNEL" x
    expect_status 0
    expect_line 'using the cached .*grub-i386-pc-'
    expect_line 'using the cached .*grub-x86_64-efi-'
    refute_line 'running /usr/bin/grub-mkimage'
    cmp "$WORK/a.img" "$WORK/b.img"
    # A damaged entry is not trusted: grub-mkimage runs again.
    for f in "$WORK"/cache/solo5-virtio-mkimage/grub-*; do
        head -c 100 /dev/zero >"$f"
    done
    mk -v "$WORK/c.img" "$KERNEL" x
    expect_status 0
    expect_line 'running /usr/bin/grub-mkimage -O i386-pc'
    expect_line 'running /usr/bin/grub-mkimage -O x86_64-efi'
    cmp "$WORK/a.img" "$WORK/c.img"
    # Off by request, and an unwritable cache is no error.
    SOLO5_MKIMAGE_NO_CACHE=1 mk -v "$WORK/d.img" "$KERNEL" x
    expect_status 0
    refute_line 'cached'
    cmp "$WORK/a.img" "$WORK/d.img"
    XDG_CACHE_HOME=/proc/nonexistent mk -v "$WORK/e.img" "$KERNEL" x
    expect_status 0
    cmp "$WORK/a.img" "$WORK/e.img"
}

@test "output: -v prints each step on stderr" {
    mk -v -f qcow2 "$WORK/a.qcow2" "$KERNEL"
    expect_status 0
    expect_line 'checking .*mbtest.virtio'
    expect_line 'running /usr/bin/grub-mkimage -O i386-pc'
    expect_line 'running /usr/bin/grub-mkimage -O x86_64-efi'
    expect_line 'layout: disk [0-9]+ bytes, GPT'
    expect_line 'writing the qcow2 image'
    expect_line 'done: '
}

# -------------------------------------------------------------- bad input

@test "bad input: an hvt unikernel is refused, naming the target" {
    mkdir "$WORK/out"
    python3 - "$KERNEL" "$WORK/k.hvt" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = b.index(b'Solo5\0\0\0\x03\0\0\0\x01\0\0\0')  # virtio (3), ABI 1
b[i + 8] = 1
open(sys.argv[2], 'wb').write(b)
EOF
    mk "$WORK/out/disk.img" "$WORK/k.hvt"
    expect_error 'k.hvt: built for the hvt target, not virtio$'
    if [ -f "$TB/hello/hello.hvt" ]; then
        mk "$WORK/out/disk.img" "$TB/hello/hello.hvt"
        expect_error 'hello.hvt: built for the hvt target, not virtio$'
    fi
}

@test "bad input: a Linux binary, a truncated file, a directory, a missing file" {
    mkdir "$WORK/out"
    mk "$WORK/out/disk.img" /bin/true
    expect_error '/bin/true: not an ELF executable'
    head -c 100 "$KERNEL" >"$WORK/trunc"
    mk "$WORK/out/disk.img" "$WORK/trunc"
    expect_error 'trunc: truncated'
    head -c 4500 "$KERNEL" >"$WORK/trunc2"
    mk "$WORK/out/disk.img" "$WORK/trunc2"
    expect_error 'trunc2: .*truncated'
    mk "$WORK/out/disk.img" "$WORK"
    expect_error '[Ii]s a directory'
    mk "$WORK/out/disk.img" "$WORK/nothing"
    expect_error 'nothing: No such file or directory'
    cp "$KERNEL" "$WORK/out/k"
    mk "$WORK/out/k" "$WORK/out/k"
    [ "$status" -ne 0 ]
    expect_line 'k: IMAGE and UNIKERNEL are the same file$'
    cmp "$KERNEL" "$WORK/out/k"
    rm "$WORK/out/k"
    echo 'not elf' >"$WORK/text"
    mk "$WORK/out/disk.img" "$WORK/text"
    expect_error 'text: not an ELF file'
}

@test "bad input: Multiboot header missing, bad checksum, no address fields" {
    mkdir "$WORK/out"
    for what in magic checksum flags; do
        python3 - "$KERNEL" "$WORK/k.$what" "$what" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = b.index(struct.pack('<I', 0x1BADB002))
if sys.argv[3] == 'magic':
    b[i] ^= 0xff
elif sys.argv[3] == 'checksum':
    b[i + 8] ^= 1
else:
    flags = struct.unpack_from('<I', b, i + 4)[0] & ~(1 << 16)
    struct.pack_into('<II', b, i + 4, flags, (-(0x1BADB002 + flags)) & 0xffffffff)
open(sys.argv[2], 'wb').write(b)
EOF
    done
    mk "$WORK/out/disk.img" "$WORK/k.magic"
    expect_error 'no Multiboot header in the first 8192 bytes'
    mk "$WORK/out/disk.img" "$WORK/k.checksum"
    expect_error 'bad Multiboot header checksum'
    mk "$WORK/out/disk.img" "$WORK/k.flags"
    expect_error 'lacks the address fields'
}

@test "bad input: options and arguments" {
    mkdir "$WORK/out"
    mk -f vmdk "$WORK/out/a" "$KERNEL"
    expect_error '-f vmdk: unknown format'
    mk -b lilo "$WORK/out/a" "$KERNEL"
    expect_error '-b lilo: unknown loader'
    mk -F coreboot "$WORK/out/a" "$KERNEL"
    expect_error '-F coreboot: unknown firmware'
    mk -s 12X "$WORK/out/a" "$KERNEL"
    expect_error '-s 12X: not a size'
    mk -s 0 "$WORK/out/a" "$KERNEL"
    expect_error '-s 0: not a size'
    mk -b syslinux -F uefi "$WORK/out/a" "$KERNEL"
    expect_error 'syslinux boots on BIOS only'
    mk "$WORK/out/a"
    expect_error 'missing IMAGE or UNIKERNEL'
    mk -q "$WORK/out/a" "$KERNEL"
    expect_error '-q: bad option'
    mk "$WORK/out/a" "$KERNEL" -f
    expect_status 0
    rm "$WORK/out/a"
    mk -f
    expect_error '-f needs an argument'
    mk "$WORK/out/a" "$KERNEL" "$(printf 'a\nDEFAULT evil')"
    expect_error 'argument 1: control characters'
    mk -b syslinux "$WORK/out/a" "$KERNEL" x ---
    expect_error 'argument 2: "---"'
    mk "$WORK/out/a" "$KERNEL" "$(head -c 3000 /dev/zero | tr '\0' x)"
    expect_error 'arguments too long'
}

@test "GRUB: grub.cfg in the FAT quotes arguments for GRUB's parser" {
    mk "$WORK/a.img" "$KERNEL" a 'b c' "it's" '$x'
    expect_status 0
    printf 'drive z: file="%s" offset=1048576\n' "$WORK/a.img" >"$WORK/rc"
    run env MTOOLSRC="$WORK/rc" mtype z:/boot/grub/grub.cfg
    expect_line "^multiboot /kernel /kernel 'a' 'b' 'c' 'it'\\\\''s' '\\\$x'$"
    expect_line '^boot$'
}

# without PATH ARGS...: runs the image generator with PATH hidden behind an
# empty directory (or /dev/null for a file) in a private mount namespace.
without() {
    local hide=$1
    shift
    skip_unless_mount_ns
    mkdir -p "$WORK/empty"
    local over=$WORK/empty
    [ -d "$hide" ] || over=/dev/null
    run unshare -m sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' \
        sh "$over" "$hide" "$MKIMAGE" "$@"
    [[ "$output" == *"mount"*"ermission denied"* ]] && skip "no mount namespaces here"
    return 0
}

@test "missing loaders: each error names the Debian package to install" {
    mkdir "$WORK/out"
    without /usr/lib/syslinux/mbr -b syslinux "$WORK/out/a.img" "$KERNEL"
    expect_error 'mbr.bin: No such file or directory \(install the Debian package syslinux-common\)'
    without /usr/lib/syslinux/modules/bios -b syslinux "$WORK/out/a.img" "$KERNEL"
    expect_error 'mboot.c32: .*syslinux-common'
    without /usr/bin/syslinux -b syslinux "$WORK/out/a.img" "$KERNEL"
    expect_error '/usr/bin/syslinux: .*package syslinux\)'
    without /usr/bin/grub-mkimage "$WORK/out/a.img" "$KERNEL"
    expect_error 'grub-mkimage: .*package grub-common\)'
    without /usr/lib/grub/i386-pc -F bios "$WORK/out/a.img" "$KERNEL"
    expect_error 'i386-pc.*package grub-pc-bin\)'
    without /usr/lib/grub/x86_64-efi -F uefi "$WORK/out/a.img" "$KERNEL"
    expect_error 'x86_64-efi.*package grub-efi-amd64-bin\)'
}

@test "install: the installed tool finds efiquiet.efi in its prefix; missing, one error" {
    run make -C "$TOP" install PREFIX="$WORK/prefix"
    expect_status 0
    local efi=$WORK/prefix/lib/solo5/efiquiet.efi
    [ -f "$efi" ]
    # Found through a symbolic link to the tool too, as packages install it.
    ln -s "$WORK/prefix/bin/solo5-virtio-mkimage" "$WORK/mk"
    run "$WORK/mk" -F uefi "$WORK/a.img" "$KERNEL"
    expect_status 0
    fat_get "$WORK/a.img" /EFI/BOOT/BOOTX64.EFI "$WORK/boot.efi"
    cmp "$WORK/boot.efi" "$efi"
    rm "$efi"
    mkdir "$WORK/out"
    run "$WORK/mk" -F hybrid "$WORK/out/b.img" "$KERNEL"
    expect_error "$WORK/prefix/lib/solo5/efiquiet.efi: No such file or directory \\(installed with solo5-virtio-mkimage"
    # BIOS images, and -v images (GRUB first), do without it.
    run "$WORK/mk" -F bios "$WORK/out/c.img" "$KERNEL"
    expect_status 0
    run "$WORK/mk" -v -F uefi "$WORK/out/d.img" "$KERNEL"
    expect_status 0
}

@test "usage: -h prints the synopsis; options after UNIKERNEL are its own" {
    mk -h
    expect_status 0
    expect_line '^usage: solo5-virtio-mkimage \[-f raw\|tar\|qcow2\]'
    # -f after the kernel is an argument for the unikernel, not an option.
    mk -b syslinux "$WORK/a.img" "$KERNEL" -f tar
    expect_status 0
    printf 'drive z: file="%s" offset=1048576\n' "$WORK/a.img" >"$WORK/rc"
    MTOOLSRC=$WORK/rc mtype z:/syslinux.cfg | grep -qx '  APPEND /kernel -f tar'
}

# ------------------------------------------------------------- boot tests

ARGS=(hello 'with space' "it's" 'x,y' '$root' 'q"\z')
SEEN='/kernel hello with space it'"'"'s x,y \$root q"\\z'

# boots_from_bios_disks LOADER: $WORK/d.img boots under BIOS from an IDE,
# a virtio-blk and a virtio-scsi disk, each time through LOADER.
boots_from_bios_disks() {
    local disk
    for disk in ide virtio-blk virtio-scsi; do
        boot bios $disk "$WORK/d.img"
        expect_booted "$SEEN"
        expect_line "^mbtest: loader=$1"
    done
}

@test "boot: SYSLINUX, BIOS: IDE, virtio-blk, virtio-scsi" {
    mk -b syslinux "$WORK/d.img" "$KERNEL" "${ARGS[@]}"
    expect_status 0
    boots_from_bios_disks SYSLINUX
}

@test "boot: GRUB, BIOS: IDE, virtio-blk, virtio-scsi" {
    mk -b grub -F bios "$WORK/d.img" "$KERNEL" "${ARGS[@]}"
    expect_status 0
    boots_from_bios_disks GRUB
}

@test "boot: GRUB, UEFI (OVMF): IDE, virtio-blk, virtio-scsi" {
    mk -b grub -F uefi "$WORK/d.img" "$KERNEL" "${ARGS[@]}"
    expect_status 0
    for disk in ide virtio-blk virtio-scsi; do
        boot uefi $disk "$WORK/d.img"
        expect_booted "$SEEN"
    done
}

@test "boot: hybrid on SeaBIOS: IDE, virtio-blk, virtio-scsi" {
    mk "$WORK/d.img" "$KERNEL" "${ARGS[@]}"
    expect_status 0
    for disk in ide virtio-blk virtio-scsi; do
        boot bios $disk "$WORK/d.img"
        expect_booted "$SEEN"
    done
}

@test "boot: hybrid on OVMF: IDE, virtio-blk, virtio-scsi" {
    mk "$WORK/d.img" "$KERNEL" "${ARGS[@]}"
    expect_status 0
    for disk in ide virtio-blk virtio-scsi; do
        boot uefi $disk "$WORK/d.img"
        expect_booted "$SEEN"
    done
}

@test "boot: qcow2 on SeaBIOS and OVMF (virtio-scsi, as on GCE)" {
    mk -f qcow2 "$WORK/d.qcow2" "$KERNEL" "${ARGS[@]}"
    expect_status 0
    boot bios virtio-scsi "$WORK/d.qcow2" qcow2
    expect_booted "$SEEN"
    boot uefi virtio-scsi "$WORK/d.qcow2" qcow2
    expect_booted "$SEEN"
}

@test "boot: the GCE tar's disk.raw on SeaBIOS and OVMF (virtio-scsi)" {
    mk -f tar "$WORK/gce.tar.gz" "$KERNEL" "${ARGS[@]}"
    expect_status 0
    tar -C "$WORK" --sparse -xzf "$WORK/gce.tar.gz"
    boot bios virtio-scsi "$WORK/disk.raw"
    expect_booted "$SEEN"
    boot uefi virtio-scsi "$WORK/disk.raw"
    expect_booted "$SEEN"
}

@test "boot: without isa-debug-exit, the kernel powers off by ACPI and QEMU exits" {
    for b in syslinux grub; do
        mk -b $b -F bios "$WORK/d.img" "$KERNEL" "${ARGS[@]}"
        expect_status 0
        boot bios virtio-scsi "$WORK/d.img" raw nodebugexit
        expect_line '^mbtest: SUCCESS$'
        # 124 would be timeout's: QEMU stopped by itself.
        expect_status 0
    done
    # Under UEFI the RSDP is found through the Multiboot memory map.
    mk "$WORK/h.img" "$KERNEL" "${ARGS[@]}"
    boot uefi virtio-scsi "$WORK/h.img" raw nodebugexit
    expect_line '^mbtest: SUCCESS$'
    expect_status 0
}

# The real virtio unikernel, once the virtio target builds it.
hello_image() {
    HELLO=$TB/hello/hello.virtio
    [ -f "$HELLO" ] || skip "$HELLO not built yet (virtio target)"
    mk "$WORK/h.img" "$HELLO" one 'two three'
    expect_status 0
}

# expect_hello STATUS: hello's success line, its arguments, QEMU's STATUS.
expect_hello() {
    expect_line '^SUCCESS$' && expect_line "one two three" && expect_status "$1"
}

@test "boot: hello.virtio on SeaBIOS (virtio-scsi): debug-exit, then ACPI power-off" {
    hello_image
    boot bios virtio-scsi "$WORK/h.img"
    expect_hello 1
    boot bios virtio-scsi "$WORK/h.img" raw nodebugexit
    expect_hello 0
}

@test "boot: hello.virtio on OVMF (virtio-scsi) with debug-exit" {
    hello_image
    boot uefi virtio-scsi "$WORK/h.img"
    expect_hello 1
}

@test "boot: hello.virtio on OVMF without debug-exit powers off by ACPI" {
    hello_image
    # Multiboot v1 passes no ACPI pointer and OVMF keeps the RSDP out of
    # the BIOS area: it is in the memory map's ACPI regions (mbtest finds
    # it there; see docs/imagegen.md).
    boot uefi virtio-scsi "$WORK/h.img" raw nodebugexit
    expect_hello 0
}

# loader_noise: what the serial console showed after the firmware's own
# lines (OVMF's end with its "BdsDxe: starting" line; SeaBIOS writes
# nothing to a serial console here) and before the test kernel's first.
loader_noise() {
    awk '/^mbtest: /{exit} /BdsDxe: /{buf=""; next} {buf = buf $0 "\n"} END{printf "%s", buf}' <<<"$output"
}

# expect_quiet: no escape sequence and no "error:" from the loader, and
# (firmware aside) nothing but blank lines before the kernel's output.
expect_quiet() {
    local noise
    noise=$(loader_noise)
    if grep -q $'\e' <<<"$noise" || grep -qi 'error' <<<"$noise" ||
        [ -n "$(tr -d ' \n' <<<"$noise")" ]; then
        echo "the loader printed before the kernel's output:" >&2
        cat -v <<<"$noise" >&2
        return 1
    fi
}

@test "boot: quiet: only the kernel's output on the serial console (GRUB and SYSLINUX on SeaBIOS)" {
    mk -F bios "$WORK/g.img" "$KERNEL" x
    expect_status 0
    mk "$WORK/h.img" "$KERNEL" x
    expect_status 0
    mk -b syslinux "$WORK/s.img" "$KERNEL" x
    expect_status 0
    for img in g h s; do
        boot bios virtio-blk "$WORK/$img.img"
        expect_booted '/kernel x'
        expect_quiet
    done
    # -v asks for the loader's messages.
    mk -v -b syslinux "$WORK/v.img" "$KERNEL" x
    expect_status 0
    boot bios virtio-blk "$WORK/v.img"
    expect_booted '/kernel x'
    expect_line '^SYSLINUX '
}

@test "boot: quiet: only the kernel's output on the serial console (GRUB UEFI and hybrid on OVMF)" {
    # GRUB greets the firmware's console ("Welcome to GRUB!") before any
    # configuration runs, and OVMF mirrors that console to the serial
    # port: efiquiet starts GRUB with that console silenced.
    mk -F uefi "$WORK/u.img" "$KERNEL" x
    expect_status 0
    mk "$WORK/h.img" "$KERNEL" x
    expect_status 0
    for img in u h; do
        boot uefi virtio-blk "$WORK/$img.img"
        expect_booted '/kernel x'
        expect_quiet
    done
    # -v asks for the loader's messages: GRUB's, on the serial console.
    mk -v "$WORK/v.img" "$KERNEL" x
    expect_status 0
    boot uefi virtio-blk "$WORK/v.img"
    expect_booted '/kernel x'
    expect_line 'Welcome to GRUB!'
}

@test "boot: efiquiet reports a missing GRUB in one line on the console" {
    mk -F uefi "$WORK/u.img" "$KERNEL" x
    expect_status 0
    printf 'drive z: file="%s" offset=1048576\n' "$WORK/u.img" >"$WORK/rc"
    MTOOLSRC=$WORK/rc mdel z:/EFI/solo5/grubx64.efi
    # OVMF then tries its other boot options and ends in its shell.
    BOOT_TIMEOUT=15 boot uefi virtio-blk "$WORK/u.img"
    expect_line '^efiquiet: opening \\EFI\\solo5\\grubx64\.efi failed \(EFI status 0x800000000000000e\)$'
}

@test "boot: efiquiet puts the console back when GRUB returns, and says so" {
    # A stand-in for GRUB that returns EFI_LOAD_ERROR at once, built as
    # efiquiet is.
    printf '%s\n' '__attribute__((ms_abi)) unsigned long long efi_main(void *i, void *t);' \
        '__attribute__((ms_abi)) unsigned long long efi_main(void *i, void *t)' \
        '{ (void)i; (void)t; return 0x8000000000000001ull; }' >"$WORK/ret.c"
    cc -O2 -ffreestanding -fpie -fno-stack-protector -mno-red-zone \
        -fno-asynchronous-unwind-tables -fcf-protection=none -c "$WORK/ret.c" -o "$WORK/ret.o"
    ld -nostdlib -static -T "$TOP/imagegen/efiquiet/efiquiet.ld" "$WORK/ret.o" -o "$WORK/ret.elf"
    objcopy --target efi-app-x86_64 "$WORK/ret.elf" "$WORK/grubx64.efi"
    mk -F uefi "$WORK/u.img" "$KERNEL" x
    expect_status 0
    printf 'drive z: file="%s" offset=1048576\n' "$WORK/u.img" >"$WORK/rc"
    MTOOLSRC=$WORK/rc mcopy -o "$WORK/grubx64.efi" z:/EFI/solo5/grubx64.efi
    BOOT_TIMEOUT=15 boot uefi virtio-blk "$WORK/u.img"
    expect_line '^efiquiet: running GRUB \(an image made with -v shows why\) failed \(EFI status 0x8000000000000001\)$'
    # The line went through the console put back (the silent one would
    # have dropped it), and GRUB's status reached the firmware.
    expect_line '^BdsDxe: failed to start Boot0001 .*: Load Error$'
}

@test "boot: GRUB passes quotes, backslashes and commas through" {
    HELLO=$TB/hello/hello.virtio
    [ -f "$HELLO" ] || skip "$HELLO not built yet (virtio target)"
    # GRUB's multiboot command puts a backslash before each \, ' and ";
    # the binding takes them out again. SYSLINUX passes them as they are.
    local want="^Command line is: 'it's say \"hi\" back\\\\slash a,b'\$"
    for b in grub syslinux; do
        mk -b $b -F bios "$WORK/q.img" "$HELLO" "it's" 'say "hi"' 'back\slash' 'a,b'
        expect_status 0
        boot bios virtio-scsi "$WORK/q.img"
        expect_line '^SUCCESS$'
        expect_line "$want"
        expect_status 1
    done
}

@test "virtio-run -i: boots a raw or qcow2 image made by the generator; the exit status passes" {
    local f
    for f in raw qcow2; do
        mk -f "$f" "$WORK/ex.$f" "$TB/exitcode/exitcode.virtio" exit 42
        expect_status 0
        run --separate-stderr timeout 300 "$BIN/solo5-virtio-run" -q -H qemu -m 64 -i "$WORK/ex.$f"
        expect_status 42
        expect_line '^exitcode: ending with status 42 via'
    done
}

@test "virtio-run -i: a missing image, or a unikernel beside -i, is one error line" {
    run --separate-stderr "$BIN/solo5-virtio-run" -q -i "$WORK/nosuch.img"
    expect_status 1
    [ "$stderr" = "solo5-virtio-run: error: -i $WORK/nosuch.img: no such file" ]
    mk -f raw "$WORK/ex.img" "$TB/hello/hello.virtio"
    run --separate-stderr "$BIN/solo5-virtio-run" -q -i "$WORK/ex.img" "$TB/hello/hello.virtio"
    expect_status 1
    [[ $stderr == "solo5-virtio-run: error: -i $WORK/ex.img: no UNIKERNEL or ARGS with -i"* ]]
}
