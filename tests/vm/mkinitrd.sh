#!/bin/bash
# tests/vm/mkinitrd.sh: writes the test VM's initramfs (an uncompressed
# newc cpio): busybox-static with its applets, the kernel modules named
# and everything they depend on (per modules.dep), and init.sh as /init.
# Usage: tests/vm/mkinitrd.sh BUSYBOX MODULES_DIR "MODULE..." INIT OUTPUT
set -eu
[ $# -eq 5 ] || { echo "usage: mkinitrd.sh BUSYBOX MODULES_DIR \"MODULE...\" INIT OUTPUT" >&2; exit 2; }
busybox=$1 mdir=$2 mods=$3 init=$4 out=$5
kver=$(basename "$mdir")
[ -f "$mdir/modules.dep" ] || { echo "mkinitrd.sh: error: no modules.dep in $mdir" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,proc,sys,dev,lib/modules/"$kver"}
cp "$busybox" "$stage/bin/busybox"
# /init installs the other applets' links itself: one fork instead of 400.
ln -s busybox "$stage/bin/sh"
cp "$init" "$stage/init"
chmod 755 "$stage/init"
echo "$mods" | tr ' ' '\n' >"$stage/modules.list"

# Each module's line in modules.dep lists all it needs, directly or not.
for m in $mods; do
    line=$(grep -E "/(${m//_/[-_]})\.ko:" "$mdir/modules.dep") ||
        { echo "mkinitrd.sh: error: module $m not in $mdir/modules.dep" >&2; exit 1; }
    for f in ${line/:/}; do
        mkdir -p "$stage/lib/modules/$kver/$(dirname "$f")"
        cp "$mdir/$f" "$stage/lib/modules/$kver/$f"
    done
done
cp "$mdir"/modules.{dep,alias,symbols,order,builtin} "$stage/lib/modules/$kver/" 2>/dev/null || true
(cd "$stage" && find . | "$busybox" cpio -o -H newc 2>/dev/null) >"$out"
