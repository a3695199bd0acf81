# tests/imagegen/layout.bash: prints what independent tools (sfdisk, fsck.fat,
# mtools, qemu-img, tar) read from an image, with the input-derived
# identifiers and the test kernel's size masked, for golden comparison.
# Usage: layout_report IMAGE FORMAT   (FORMAT: raw, qcow2 or tar)

layout_report() {
    local img=$1 fmt=$2 tmp raw
    tmp=$(mktemp -d) || return 1
    raw=$img
    case $fmt in
    qcow2)
        qemu-img info "$img" | grep -vE '^(image|disk size):'
        qemu-img check "$img" | grep -v '^Image end offset' |
            sed -E 's|^[0-9]+/([0-9]+) = [0-9.]+% allocated|N/\1 = N% allocated|'
        qemu-img convert -O raw "$img" "$tmp/disk.raw"
        raw=$tmp/disk.raw
        ;;
    tar)
        echo "gzip: $(gzip -t "$img" && echo ok)"
        # The gzip header: no name flag, time stamp zero.
        echo "gzip header: $(head -c 10 "$img" | od -An -tx1 | tr -s ' ')"
        tar -tvzf "$img"
        tar -C "$tmp" --sparse -xzf "$img"
        raw=$tmp/disk.raw
        ;;
    esac
    sfdisk -d "$raw" | grep -v '^device:' |
        sed -E 's/(label-id: ).*/\1X/; s/uuid=[0-9A-F-]+/uuid=X/; s|^[^ ]*(\.[a-z0-9]+)?([0-9]+) :|part\2 :|'
    local start size
    read -r start size < <(sfdisk -d "$raw" | sed -nE 's/.*start= *([0-9]+), size= *([0-9]+), type=(e|C12A7328).*/\1 \2/p' | head -n1)
    dd if="$raw" of="$tmp/fat" bs=512 skip="$start" count="$size" conv=sparse status=none
    fsck.fat -n "$tmp/fat" | sed -E "s|^$tmp/fat|fat|; s|[0-9]+/([0-9]+) clusters|N/\1 clusters|"
    printf 'drive z: file="%s"\n' "$tmp/fat" > "$tmp/mtoolsrc"
    MTOOLSRC=$tmp/mtoolsrc mdir -a -/ z: | sed -E \
        -e 's/(Serial Number is ).*/\1X/' \
        -e 's/^([^ ].{12}) +[0-9]+ ([0-9]{4}-)/\1 SIZE \2/' \
        -e 's/ +[0-9 ]+ bytes( free)?$/ N bytes\1/'
    rm -rf "$tmp"
}
