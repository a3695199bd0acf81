#!/usr/bin/env bats
# spt-errors.bats: solo5-spt refuses bad input as solo5-hvt does (see
# hvt-errors.bats): one line "solo5-spt: error: ..." on stderr, status 1,
# nothing started, nothing left behind. The same cases, with spt's own
# limits (--mem from 2 MiB, the heap below 1 TiB).

bats_require_minimum_version 1.5.0
load lib
load tools/selftest

MANGLE=$TB/tools/elfmangle

SPT=$BIN/solo5-spt

setup() {
    [ -x "$SPT" ] || { echo "$SPT is not built (run make)" >&2; return 1; }
    TARGET=spt
    WORK=$BATS_TEST_TMPDIR
    NS=
    IN_NS=()
    mkdir -p "$WORK/cwd"
    truncate -s 1M "$WORK/disk"
}

teardown() {
    netns_cleanup
}

# refuse [TENDER ARGS...]: the tender (inside the command prefix IN_NS, if
# set), run from an empty directory, exits 1
# with exactly one error line on stderr, nothing on stdout (no guest ran),
# and creates no file there.
refuse() {
    cd "$WORK/cwd"
    run --separate-stderr "${IN_NS[@]}" timeout 30 "$SPT" "$@"
    cd - >/dev/null
    if [ "$status" -ne 1 ]; then
        echo "expected status 1, got $status (124 = hang, >128 = signal)" >&2
        echo "--- stdout: $output" >&2
        echo "--- stderr: $stderr" >&2
        return 1
    fi
    if [ -n "$output" ]; then
        echo "expected nothing on stdout, got: $output" >&2
        return 1
    fi
    if [ "${#stderr_lines[@]}" -ne 1 ] || [[ ${stderr_lines[0]} != "solo5-spt: error: "* ]]; then
        echo "expected one line 'solo5-spt: error: ...', got:" >&2
        echo "$stderr" >&2
        return 1
    fi
    if [ -n "$(ls -A "$WORK/cwd")" ]; then
        echo "the tender left files behind: $(ls -A "$WORK/cwd")" >&2
        return 1
    fi
}

# error_says REGEX: the error line matches REGEX (extended, any case).
error_says() {
    grep -qiE -- "$1" <<<"$stderr" || {
        echo "expected the error to match: $1" >&2
        echo "got: $stderr" >&2
        return 1
    }
}

# refuse_elf VARIANT: the block test mangled by elfmangle VARIANT is
# refused (with its one device attached, so only the file is at fault).
refuse_elf() {
    [ -x "$MANGLE" ] || { echo "$MANGLE is not built" >&2; return 1; }
    "$MANGLE" "$1" "$(ut block)" "$WORK/bad.spt"
    refuse --block:storage="$WORK/disk" -- "$WORK/bad.spt"
}

# ------------------------------------------------------ the unikernel file

@test "elf: missing file" {
    refuse -- "$WORK/nosuch.spt"
    error_says 'nosuch\.spt'
}

@test "elf: a directory" {
    refuse -- "$WORK"
}

@test "elf: not ELF at all" { refuse_elf not-elf; }
@test "elf: empty file" { refuse_elf empty; }
@test "elf: truncated inside the ELF header" { refuse_elf truncate-ehdr; }
@test "elf: truncated inside the program headers" { refuse_elf truncate-phdrs; }
@test "elf: truncated inside a segment" { refuse_elf truncate-segment; }
@test "elf: overlapping segments" { refuse_elf overlap; }
@test "elf: entry point past the image" { refuse_elf entry-outside; }
@test "elf: entry point 0" { refuse_elf entry-zero; }
@test "elf: entry point near 2^64" { refuse_elf entry-huge; }
@test "elf: huge p_memsz" { refuse_elf huge-memsz; }
@test "elf: huge p_filesz" { refuse_elf huge-filesz; }
@test "elf: huge p_offset" { refuse_elf huge-offset; }
@test "elf: p_filesz above p_memsz" { refuse_elf filesz-gt-memsz; }
@test "elf: segment wrapping around 2^64" { refuse_elf vaddr-wrap; }
@test "elf: segment above the image limit" { refuse_elf beyond-mem; }
@test "elf: segment above 4 GiB" { refuse_elf beyond-4g; }
@test "elf: segment at address 0" { refuse_elf low-vaddr; }
@test "elf: e_phnum 65535" { refuse_elf phnum-huge; }
@test "elf: e_phoff near 2^64" { refuse_elf phoff-huge; }
@test "elf: bad e_phentsize" { refuse_elf phentsize; }
@test "elf: wrong machine (aarch64)" { refuse_elf machine-aarch64; }
@test "elf: wrong machine (32-bit i386 executable)" { refuse_elf machine-i386; }
@test "elf: 64-bit file marked ELFCLASS32" { refuse_elf class32; }
@test "elf: big-endian" { refuse_elf bigendian; }
@test "elf: shared object (ET_DYN)" { refuse_elf type-dyn; }
@test "elf: relocatable object (ET_REL)" { refuse_elf type-rel; }

@test "elf: built for virtio or hvt: the error names both targets" {
    refuse_elf abi-virtio
    error_says 'virtio'
    error_says 'spt'
    local t
    for t in virtio hvt; do
        if [ -f "$TB/hello/hello.$t" ]; then
            refuse -- "$TB/hello/hello.$t"
            error_says "$t"
            error_says 'spt'
        fi
    done
}

@test "elf: ABI note with target 0" { refuse_elf abi-invalid; }

@test "elf: another ABI version: the error names both" {
    refuse_elf abi-version
    error_says '99'
}

@test "elf: no ABI note" { refuse_elf abi-missing; }
@test "elf: no manifest note" { refuse_elf mft-missing; }
@test "elf: manifest version 2" { refuse_elf mft-version; }
@test "elf: manifest claiming 1000 entries" { refuse_elf mft-entries; }
@test "elf: manifest entry of an unknown type" { refuse_elf mft-type; }
@test "elf: manifest name without its terminating NUL" { refuse_elf mft-name; }

@test "elf: a host executable" {
    refuse -- /bin/true
}

# --------------------------------------------------------- tender options

@test "options: --help and --version succeed" {
    run timeout 30 "$SPT" --help
    expect_status 0
    expect_line '--mem'
    expect_line '--net:'
    expect_line '--block:'
    run timeout 30 "$SPT" --version
    expect_status 0
    expect_line '[0-9]+\.[0-9]+'
}

@test "options: an unknown option" {
    refuse --frobnicate -- "$(ut hello)"
    error_says 'frobnicate'
}

@test "options: no unikernel" {
    refuse
    refuse --mem=64
    refuse --mem=64 --
}

@test "options: bad --mem values" {
    local v
    for v in 0 -1 junk '' 12abc 0x10; do
        refuse --mem="$v" -- "$(ut hello)"
    done
}

@test "options: --mem below 2 MiB" {
    refuse --mem=1 -- "$(ut hello)"
    error_says "mem"
}

@test "options: --mem beyond what the layout can give names the limit" {
    refuse --mem=99999999 -- "$(ut hello)"
    error_says '[0-9]'
    refuse --mem=1048576 -- "$(ut hello)"
    error_says '[0-9]'
    refuse --mem=18446744073709551617 -- "$(ut hello)"
}

@test "options: a missing block file" {
    refuse --block:storage="$WORK/nosuch" -- "$(ut block)"
    error_says 'nosuch'
}

@test "options: a directory as block file" {
    refuse --block:storage="$WORK" -- "$(ut block)"
}

@test "options: malformed --block and --net options" {
    refuse --block:storage -- "$(ut block)"
    refuse --block:="$WORK/disk" -- "$(ut block)"
    refuse --block="$WORK/disk" -- "$(ut block)"
    refuse --net:service0 -- "$(ut net)"
}

@test "options: bad sector sizes" {
    local v
    for v in 0 256 1000 3 junk ''; do
        refuse --block:storage="$WORK/disk" --block-sector-size:storage="$v" -- "$(ut block)"
    done
}

@test "options: a backing file that is not a whole number of sectors" {
    truncate -s $((8 * 1048576 + 512)) "$WORK/odd"
    refuse --block:storage="$WORK/odd" --block-sector-size:storage=4096 -- "$(ut block)"
    error_says 'odd'
    truncate -s 1000 "$WORK/odd2"
    refuse --block:storage="$WORK/odd2" -- "$(ut block)"
}

@test "options: a backing file smaller than one sector" {
    truncate -s 256 "$WORK/small"
    refuse --block:storage="$WORK/small" -- "$(ut block)"
    truncate -s 2048 "$WORK/small2"
    refuse --block:storage="$WORK/small2" --block-sector-size:storage=4096 -- "$(ut block)"
}

@test "options: a bad MAC address" {
    local mac
    # A real tap, in a namespace of our own, so only the MAC is at fault.
    netns_create
    netns_tap tap0 10.0.0.1/24
    IN_NS=(ip netns exec "$NS")
    for mac in junk 02:00:00:00:00 02:00:00:00:00:00:00 02-00-00-00-00-01 0g:00:00:00:00:01; do
        refuse --net:service0=tap0 --net-mac:service0="$mac" -- "$(ut net)"
    done
}

@test "options: a missing tap" {
    # Inside a namespace of our own: a tender that wrongly created the tap
    # would do so there, never in the host's namespace.
    netns_create
    IN_NS=(ip netns exec "$NS")
    refuse --net:service0=nosuchtap0 -- "$(ut net)"
    error_says nosuchtap0
    if ip -n "$NS" link show nosuchtap0 >/dev/null 2>&1; then
        echo "the tender created the missing tap" >&2
        return 1
    fi
}

# --------------------------------------------- manifest and attachments

@test "manifest: an entry left unattached is named" {
    refuse -- "$(ut block)"
    error_says 'storage'
}

@test "manifest: every unattached entry is listed" {
    refuse --block:disk5="$WORK/disk" -- "$(ut maxdevices)"
    error_says 'disk0'
    error_says 'disk61'
    error_says 'net0'
}

@test "manifest: an option naming no entry" {
    refuse --block:storage="$WORK/disk" --block:nosuch="$WORK/disk" -- "$(ut block)"
    error_says 'nosuch'
    refuse --block:storage="$WORK/disk" -- "$(ut hello)"
    error_says 'storage'
    refuse --block:storage="$WORK/disk" --block-sector-size:nosuch=4096 -- "$(ut block)"
    error_says 'nosuch'
    refuse --block:storage="$WORK/disk" --net-mac:nosuch=02:00:00:00:00:01 -- "$(ut block)"
    error_says 'nosuch'
}

@test "manifest: an option of the wrong type" {
    refuse --block:service0="$WORK/disk" -- "$(ut net)"
    error_says 'service0'
    refuse --block:storage="$WORK/disk" --net-mac:storage=02:00:00:00:00:01 -- "$(ut block)"
    error_says 'storage'
}

@test "manifest: an entry attached twice" {
    truncate -s 1M "$WORK/disk2"
    refuse --block:storage="$WORK/disk" --block:storage="$WORK/disk2" -- "$(ut block)"
    error_says 'storage'
    refuse --block:storage="$WORK/disk" --block-sector-size:storage=4096 \
        --block-sector-size:storage=512 -- "$(ut block)"
    error_says 'storage'
}
