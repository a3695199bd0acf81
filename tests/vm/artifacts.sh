#!/bin/bash
# tests/vm/artifacts.sh: makes sure the test VM's Debian kernel (with its
# modules indexed) and busybox-static are unpacked in the cache, fetching
# them with apt-get download when missing; prints four lines:
#   kernel=PATH  modules=DIR  busybox=PATH  cache=DIR
# Nothing is installed on the host. Each package lives in its own folder
# named after its exact version, under
#   ${SOLO5_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/solo5-ng/testvm}
# so a new version in the archive is fetched once and an old one stays valid.
set -eu

CACHE=${SOLO5_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/solo5-ng/testvm}
TMP=

die() {
    echo "tests/vm/artifacts.sh: error: $*" >&2
    exit 1
}
cleanup() {
    [ -n "$TMP" ] && rm -rf "$TMP"
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# resolve: sets KNAME/KVER (the kernel package linux-image-amd64 depends
# on, and its version) and BBVER (busybox-static's version), "" where apt
# does not know them. Two apt-cache calls in all: each reloads apt's lists,
# seconds on a loaded machine. Updates the lists once (as root) if empty.
resolve() {
    KNAME=$(apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
    if [ -z "$KNAME" ] && [ "$(id -u)" -eq 0 ] && [ -z "${UPDATED:-}" ]; then
        echo "tests/vm/artifacts.sh: apt-get update (apt does not know linux-image-amd64)" >&2
        apt-get update -q >&2 || true
        UPDATED=1
        resolve
        return 0
    fi
    KVER= BBVER=
    local pol
    pol=$(apt-cache policy busybox-static $KNAME 2>/dev/null |
        awk '/^[^ ]/ { p = $1 } /^ *Candidate:/ && $2 != "(none)" { print p, $2 }')
    BBVER=$(awk '$1 == "busybox-static:" { print $2 }' <<<"$pol")
    [ -n "$KNAME" ] && KVER=$(awk -v k="$KNAME:" '$1 == k { print $2 }' <<<"$pol")
    return 0
}

# unpack NAME VERSION DIRVAR: sets DIRVAR to the cache folder holding
# package NAME (version VERSION) unpacked, fetching it when missing. With
# VERSION "" (apt does not know it, e.g. offline) the newest complete
# folder whose name starts with NAME is used.
unpack() {
    local name=$1 version=$2 dir
    if [ -z "$version" ]; then
        dir=$(ls -d "$CACHE/$name"*/.complete 2>/dev/null | sort -V | tail -n1 || true)
        [ -n "$dir" ] || die "apt cannot find $name, and the cache $CACHE has no copy (run apt-get update)"
        printf -v "$3" '%s' "${dir%/.complete}"
        return 0
    fi
    dir=$CACHE/${name}_${version//:/%3a}
    if [ ! -f "$dir/.complete" ]; then
        echo "tests/vm/artifacts.sh: fetching $name $version into $CACHE" >&2
        mkdir -p "$CACHE"
        TMP=$(mktemp -d "$CACHE/.fetch.XXXXXX")
        # apt's sandbox user cannot write to a private folder; no need here.
        (cd "$TMP" && apt-get download -q -o APT::Sandbox::User=root "$name=$version" >&2) ||
            die "apt-get download $name=$version failed"
        mkdir "$TMP/root"
        dpkg-deb -x "$TMP"/*.deb "$TMP/root" || die "dpkg-deb -x failed on $name"
        post_unpack "$name" "$TMP/root"
        touch "$TMP/root/.complete"
        rm -rf "$dir"
        mv "$TMP/root" "$dir"
        rm -rf "$TMP"
        TMP=
    fi
    printf -v "$3" '%s' "$dir"
}

# post_unpack PKG ROOT: for the kernel, the module index (modules.dep),
# which Debian builds at install time, built here with busybox's depmod;
# and boot/vmlinux, the uncompressed ELF kernel: QEMU boots it through its
# PVH entry point, which saves decompressing it under emulation (seconds).
post_unpack() {
    [ "$1" != busybox-static ] || return 0
    local kver z off
    kver=$(ls "$2/lib/modules")
    [ -n "$BUSYBOX" ] || die "busybox is needed to index the kernel modules"
    "$BUSYBOX" depmod -b "$2" "$kver" || die "depmod failed for kernel $kver"
    z=$(ls "$2"/boot/vmlinuz-*)
    # Debian's bzImage holds an xz stream: find its magic, unpack it.
    off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$z" | head -n1 | cut -d: -f1)
    if [ -n "$off" ] && tail -c +$((off + 1)) "$z" | xz -dcq --single-stream >"$2/boot/vmlinux" 2>/dev/null &&
        [ "$(head -c 4 "$2/boot/vmlinux" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
        return 0
    fi
    echo "tests/vm/artifacts.sh: note: no vmlinux from $z; booting the bzImage (slower)" >&2
    rm -f "$2/boot/vmlinux"
}

BUSYBOX=
# apt is asked at most once an hour (each question costs seconds).
RESOLVED=$CACHE/resolved
if [ -n "$(find "$RESOLVED" -mmin -60 2>/dev/null)" ]; then
    read -r KNAME KVER BBVER <"$RESOLVED" || true
fi
if [ -z "${KVER:-}" ] || [ -z "${BBVER:-}" ]; then
    resolve
    if [ -n "$KVER" ] && [ -n "$BBVER" ]; then
        mkdir -p "$CACHE"
        echo "$KNAME $KVER $BBVER" >"$RESOLVED"
    fi
fi
unpack busybox-static "$BBVER" BBDIR
BUSYBOX=$BBDIR/bin/busybox
[ -x "$BUSYBOX" ] || die "$BUSYBOX missing from the busybox-static package"
unpack "${KNAME:-linux-image-}" "$KVER" KDIR
kernel=$KDIR/boot/vmlinux
[ -f "$kernel" ] || kernel=$(ls "$KDIR"/boot/vmlinuz-* 2>/dev/null | head -n1)
[ -n "$kernel" ] || die "no vmlinuz in $KDIR/boot"
echo "kernel=$kernel"
echo "modules=$(ls -d "$KDIR"/lib/modules/*)"
echo "busybox=$BUSYBOX"
echo "cache=$CACHE"
