#!/usr/bin/env bats
# elftool.bats: solo5-elftool: golden manifests, round trips, note queries, errors.

load lib

bats_require_minimum_version 1.5.0

ET=$BIN/solo5-elftool
TCC=$BIN/x86_64-solo5-none-static-cc
GOLDEN=$TOP/tests/manifest

# host_uk OUT MANIFEST [TARGET]: a host executable carrying the manifest
# note of MANIFEST (if not "-") and an ABI note for TARGET (hvt, virtio, or
# none), built with the host compiler: it exercises the note reader without
# depending on any binding.
host_uk() {
    local out=$1 manifest=$2 target=${3:-hvt} srcs=()
    local d=$BATS_TEST_TMPDIR
    {
        echo '#include "elf_abi.h"'
        case $target in
            hvt) echo 'ABI1_NOTE_DECLARE(ABI_TARGET_HVT, HVT_ABI_VERSION);' ;;
            virtio) echo 'ABI1_NOTE_DECLARE(ABI_TARGET_VIRTIO, VIRTIO_ABI_VERSION);' ;;
        esac
        echo 'int main(void) { return 0; }'
    } >"$d/abi_$target.c"
    srcs+=("$d/abi_$target.c")
    if [ "$manifest" != - ]; then
        "$ET" gen-manifest "$manifest" "$out.mft.c" || return 1
        srcs+=("$out.mft.c")
    fi
    # Static and without the C library: no PT_INTERP (only Solo5's own
    # non-interpreter is accepted); main is just an entry point, never run.
    cc -Wall -Wextra -Werror -static -nostdlib -no-pie -Wl,-e,main \
        -I"$TOP/include" "${srcs[@]}" -o "$out"
}

# patch_bytes FILE OFFSET BYTES...: overwrites bytes of FILE in place.
patch_bytes() {
    local f=$1 off=$2
    shift 2
    printf "$(printf '\\x%02x' "$@")" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}

@test "usage: no command prints usage to stderr, status 1" {
    run --separate-stderr "$ET"
    expect_status 1
    [ -z "$output" ]
    grep -q '^usage: solo5-elftool COMMAND' <<<"$stderr"
}

@test "usage: --help prints usage to stdout, status 0" {
    run --separate-stderr "$ET" --help
    expect_status 0
    [ -z "$stderr" ]
    expect_line '^usage: solo5-elftool COMMAND'
    expect_line 'gen-manifest MANIFEST.json OUT.c'
    expect_line 'query-manifest UNIKERNEL'
    expect_line 'query-abi UNIKERNEL'
}

@test "usage: --version prints the version" {
    run --separate-stderr "$ET" --version
    expect_status 0
    [ "$output" = "$(printf 'solo5-elftool %s\nsolo5-elftool implements Solo5 interface %s' "$(cat "$TOP/VERSION")" "$(cat "$TOP/SOLO5_INTERFACE")")" ]
}

@test "usage: an unknown command is an error, with usage" {
    run --separate-stderr "$ET" gen-manifesto a b
    expect_status 1
    [ -z "$output" ]
    [ "$(head -n1 <<<"$stderr")" = "solo5-elftool: error: unknown command 'gen-manifesto'" ]
    grep -q '^usage: ' <<<"$stderr"
}

@test "usage: wrong argument counts are errors" {
    run --separate-stderr "$ET" gen-manifest only-one.json
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: gen-manifest takes MANIFEST.json OUT.c; see solo5-elftool --help" ]
    run --separate-stderr "$ET" query-manifest
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: query-manifest takes UNIKERNEL; see solo5-elftool --help" ]
    run --separate-stderr "$ET" query-abi a b
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: query-abi takes UNIKERNEL; see solo5-elftool --help" ]
}

@test "gen-manifest: every bad manifest gives exactly its golden error line" {
    local d=$BATS_TEST_TMPDIR/out n=0 bad=0 json name st
    mkdir "$d"
    cd "$GOLDEN/bad"
    for json in *.json; do
        name=${json%.json}
        n=$((n + 1))
        if [ ! -f "$name.err" ]; then
            echo "$json has no $name.err" >&2
            bad=$((bad + 1))
            continue
        fi
        st=0
        "$ET" gen-manifest "$json" "$d/$name.c" >"$d/stdout" 2>"$d/stderr" || st=$?
        if [ "$st" -ne 1 ] || ! cmp -s "$name.err" "$d/stderr" || [ -s "$d/stdout" ]; then
            echo "$json: status $st" >&2
            echo "  expected: $(cat "$name.err")" >&2
            echo "  got:      $(cat "$d/stderr")" >&2
            bad=$((bad + 1))
        fi
        if [ -e "$d/$name.c" ]; then
            echo "$json: $d/$name.c was written" >&2
            bad=$((bad + 1))
        fi
        rm -f "$d/stdout" "$d/stderr"
    done
    for err in *.err; do
        [ -f "${err%.err}.json" ] || { echo "$err has no manifest" >&2; bad=$((bad + 1)); }
    done
    # Nothing left behind: no output, no temporary files.
    if [ -n "$(ls -A "$d")" ]; then
        echo "left behind: $(ls -A "$d")" >&2
        bad=$((bad + 1))
    fi
    echo "$n bad manifests checked"
    [ "$n" -ge 50 ]
    [ "$bad" -eq 0 ]
}

@test "gen-manifest: good manifests compile, and round-trip through query-manifest" {
    local d=$BATS_TEST_TMPDIR n=0 json name
    [ -x "$TCC" ] && [ -f "$TOP/build/include/solo5/mft_abi.h" ] ||
        { echo "toolchain not built: run make" >&2; return 1; }
    for json in "$GOLDEN"/good/*.json; do
        name=$(basename "$json" .json)
        n=$((n + 1))
        echo "# $name"
        "$ET" gen-manifest "$json" "$d/$name.c"
        # The generated C builds warning-free with the unikernel toolchain.
        "$TCC" -c -Wall -Wextra -Werror "$d/$name.c" -o "$d/$name.o"
        # Embedded in an executable, it reads back as the golden JSON...
        host_uk "$d/$name.elf" "$json"
        "$ET" query-manifest "$d/$name.elf" >"$d/$name.out"
        diff -u "$GOLDEN/good/$name.out" "$d/$name.out"
        # ...which gen-manifest takes again, giving the same C.
        "$ET" gen-manifest "$d/$name.out" "$d/$name.2.c"
        cmp "$d/$name.c" "$d/$name.2.c"
        # Output is deterministic.
        "$ET" gen-manifest "$json" "$d/$name.3.c"
        cmp "$d/$name.c" "$d/$name.3.c"
    done
    [ "$n" -ge 5 ]
    for out in "$GOLDEN"/good/*.out; do
        [ -f "${out%.out}.json" ]
    done
}

@test "gen-manifest: the C output declares the note through mft_abi.h" {
    local d=$BATS_TEST_TMPDIR
    "$ET" gen-manifest "$GOLDEN/good/two-devices.json" "$d/m.c"
    grep -qx '#include "mft_abi.h"' "$d/m.c"
    grep -qx 'MFT1_NOTE_DECLARE_BEGIN' "$d/m.c"
    grep -qx 'MFT1_NOTE_DECLARE_END' "$d/m.c"
    grep -q '\.name = "service0", \.type = MFT_DEV_NET_BASIC' "$d/m.c"
    grep -q '\.name = "storage", \.type = MFT_DEV_BLOCK_BASIC' "$d/m.c"
    # The reserved first entry, then the devices, as Solo5's elftool writes.
    grep -qx '#define MFT_ENTRIES 3' "$d/m.c"
    grep -qx '    .entries = 3,' "$d/m.c"
    grep -q '\[0\] = { \.name = "", \.type = MFT_RESERVED_FIRST }' "$d/m.c"
}

@test "gen-manifest: input larger than 65536 bytes is refused" {
    local d=$BATS_TEST_TMPDIR m='{"type":"solo5.manifest","version":1,"devices":[]}'
    # Exactly at the limit (padded with spaces) is fine...
    { printf '%s' "$m"; head -c $((65536 - ${#m})) /dev/zero | tr '\0' ' '; } >"$d/limit.json"
    [ "$(stat -c %s "$d/limit.json")" -eq 65536 ]
    "$ET" gen-manifest "$d/limit.json" "$d/limit.c"
    # ...one byte more is not, and the position is that byte.
    printf ' ' >>"$d/limit.json"
    run --separate-stderr "$ET" gen-manifest "$d/limit.json" "$d/over.c"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/limit.json:1:65537: manifest is larger than 65536 bytes" ]
    [ ! -e "$d/over.c" ]
}

@test "gen-manifest: a failed run leaves an existing output file untouched" {
    local d=$BATS_TEST_TMPDIR
    echo "previous" >"$d/out.c"
    run "$ET" gen-manifest "$GOLDEN/bad/duplicate-name.json" "$d/out.c"
    expect_status 1
    [ "$(cat "$d/out.c")" = previous ]
    [ "$(ls -A "$d")" = out.c ]
}

@test "gen-manifest: unreadable input and unwritable output are one-line errors" {
    local d=$BATS_TEST_TMPDIR/w good=$GOLDEN/good/two-devices.json
    mkdir "$d"
    run --separate-stderr "$ET" gen-manifest "$d/missing.json" "$d/out.c"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/missing.json: No such file or directory" ]
    run --separate-stderr "$ET" gen-manifest "$d" "$d/out.c"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d: Is a directory" ]
    run --separate-stderr "$ET" gen-manifest "$good" "$d/nodir/out.c"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/nodir/out.c: No such file or directory" ]
    mkdir "$d/outdir"
    run --separate-stderr "$ET" gen-manifest "$good" "$d/outdir"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/outdir: Is a directory" ]
    # No temporary file survives the failed rename.
    [ "$(ls -A "$d")" = outdir ]
    [ -z "$(ls -A "$d/outdir")" ]
}

@test "gen-manifest: the output file gets the usual mode (umask applies)" {
    local d=$BATS_TEST_TMPDIR good=$GOLDEN/good/two-devices.json
    (umask 022 && "$ET" gen-manifest "$good" "$d/a.c")
    [ "$(stat -c %a "$d/a.c")" = 644 ]
    (umask 077 && "$ET" gen-manifest "$good" "$d/b.c")
    [ "$(stat -c %a "$d/b.c")" = 600 ]
}

# expect_abi_note FILE TARGET VERSION: query-abi prints exactly the ABI
# note of TARGET at VERSION for FILE.
expect_abi_note() {
    run --separate-stderr "$ET" query-abi "$1"
    expect_status 0
    [ "$output" = "$(printf '{\n    "type": "solo5.abi",\n    "target": "%s",\n    "version": %s\n}' "$2" "$3")" ] ||
        output_fails "$1: not the ABI note of $2 version $3"
}

@test "query-abi, query-manifest: a host-built ELF with Solo5 notes (hvt and virtio)" {
    local d=$BATS_TEST_TMPDIR row target manifest version
    for row in "hvt two-devices 1001" "virtio empty-devices 1"; do
        read -r target manifest version <<<"$row"
        host_uk "$d/$target" "$GOLDEN/good/$manifest.json" "$target"
        expect_abi_note "$d/$target" "$target" "$version"
        run --separate-stderr "$ET" query-manifest "$d/$target"
        expect_status 0
        [ "$output" = "$(cat "$GOLDEN/good/$manifest.out")" ]
    done
}

@test "query-*: a failed write to stdout is an error" {
    local d=$BATS_TEST_TMPDIR
    host_uk "$d/uk" "$GOLDEN/good/two-devices.json" hvt
    run --separate-stderr sh -c '"$1" query-manifest "$2" >/dev/full' sh "$ET" "$d/uk"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: stdout: No space left on device" ]
    run --separate-stderr sh -c '"$1" query-abi "$2" >/dev/full' sh "$ET" "$d/uk"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: stdout: No space left on device" ]
}

@test "query-*: files that are not Solo5 unikernels" {
    local d=$BATS_TEST_TMPDIR
    run --separate-stderr "$ET" query-abi "$d/missing"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/missing: No such file or directory" ]
    run --separate-stderr "$ET" query-manifest "$d"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d: Is a directory" ]
    run --separate-stderr "$ET" query-abi "$GOLDEN/good/two-devices.json"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $GOLDEN/good/two-devices.json: not an ELF file" ]
    : >"$d/empty"
    run --separate-stderr "$ET" query-abi "$d/empty"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/empty: not an ELF file" ]

    mkfifo "$d/fifo"
    run --separate-stderr timeout 10 "$ET" query-abi "$d/fifo"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/fifo: not a regular file" ]

    host_uk "$d/plain" - none
    run --separate-stderr "$ET" query-manifest "$d/plain"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/plain: not a Solo5 unikernel: no Solo5 ABI note in a PT_NOTE segment" ]

    printf 'int main(void) { return 0; }\n' >"$d/pie.c"
    cc -fPIE -pie "$d/pie.c" -o "$d/pie"
    run --separate-stderr "$ET" query-abi "$d/pie"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/pie: not an ELF executable (type 3)" ]
}

@test "query-*: a unikernel with only one of the two notes" {
    local d=$BATS_TEST_TMPDIR
    host_uk "$d/abi-only" - hvt
    run --separate-stderr "$ET" query-manifest "$d/abi-only"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/abi-only: no Solo5 manifest note" ]
    run "$ET" query-abi "$d/abi-only"
    expect_status 0

    host_uk "$d/mft-only" "$GOLDEN/good/two-devices.json" none
    run --separate-stderr "$ET" query-abi "$d/mft-only"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/mft-only: not a Solo5 unikernel: no Solo5 ABI note in a PT_NOTE segment" ]
    run "$ET" query-manifest "$d/mft-only"
    expect_status 0
}

@test "query-*: damaged ELF headers are refused" {
    local d=$BATS_TEST_TMPDIR
    host_uk "$d/uk" "$GOLDEN/good/two-devices.json" hvt

    cp "$d/uk" "$d/arm" && patch_bytes "$d/arm" 18 0x28 0x00
    run --separate-stderr "$ET" query-abi "$d/arm"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/arm: not an x86_64 ELF file (machine 40)" ]

    cp "$d/uk" "$d/elf32" && patch_bytes "$d/elf32" 4 1
    run --separate-stderr "$ET" query-abi "$d/elf32"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/elf32: not a 64-bit ELF file" ]

    cp "$d/uk" "$d/be" && patch_bytes "$d/be" 5 2
    run --separate-stderr "$ET" query-abi "$d/be"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/be: not a little-endian ELF file" ]

    head -c 40 "$d/uk" >"$d/cut40"
    run --separate-stderr "$ET" query-abi "$d/cut40"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/cut40: truncated ELF header" ]

    head -c 4096 "$d/uk" >"$d/cut4k"
    run --separate-stderr "$ET" query-manifest "$d/cut4k"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/cut4k: truncated ELF file: section headers end past the end of the file" ]
}

@test "query-*: damaged Solo5 notes are refused" {
    local d=$BATS_TEST_TMPDIR off
    host_uk "$d/uk" "$GOLDEN/good/two-devices.json" hvt
    # The manifest note: its header (namesz 6, descsz 12 + 3 * 104 = 324,
    # "MFT1"), "Solo5"; the descriptor's 4 bytes of padding, version and
    # count, then the reserved entry and the two devices, 104 bytes each.
    off=$(python3 -c 'import sys
b = open(sys.argv[1], "rb").read()
print(b.find(bytes.fromhex("0600000044010000") + b"MFT1Solo5\0\0\0"))' "$d/uk")
    [ "$off" -gt 0 ]

    cp "$d/uk" "$d/badname" && patch_bytes "$d/badname" $((off + 32 + 104 + 4)) 0x2d
    run --separate-stderr "$ET" query-manifest "$d/badname"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/badname: bad Solo5 manifest note: manifest entry 1 has an invalid name (1 to 67 ASCII letters and digits, NUL-padded)" ]

    cp "$d/uk" "$d/badtype" && patch_bytes "$d/badtype" $((off + 32 + 208 + 68)) 9
    run --separate-stderr "$ET" query-manifest "$d/badtype"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/badtype: bad Solo5 manifest note: manifest entry 2 (\"storage\") has unknown device type 9" ]

    cp "$d/uk" "$d/reserved" && patch_bytes "$d/reserved" $((off + 32 + 68)) 1 0 0 0
    run --separate-stderr "$ET" query-manifest "$d/reserved"
    expect_status 1
    [ "$stderr" = "solo5-elftool: error: $d/reserved: bad Solo5 manifest note: manifest entry 0 is not the reserved first entry" ]

    cp "$d/uk" "$d/count" && patch_bytes "$d/count" $((off + 28)) 64
    run --separate-stderr "$ET" query-manifest "$d/count"
    expect_status 1
    output=$stderr expect_line '^solo5-elftool: error: .*/count: Solo5 manifest note in program header [0-9]+ says 64 entries but holds 3$'

    cp "$d/uk" "$d/descsz" && patch_bytes "$d/descsz" $((off + 4)) 0x40 0x01
    run --separate-stderr "$ET" query-manifest "$d/descsz"
    expect_status 1
    output=$stderr expect_line '^solo5-elftool: error: .*/descsz: Solo5 manifest note in program header [0-9]+ has a 320-byte descriptor, expected 12 \+ 104 \* entries$'

    cp "$d/uk" "$d/huge" && patch_bytes "$d/huge" $((off + 4)) 0xff 0xff 0xff 0xff
    run --separate-stderr "$ET" query-abi "$d/huge"
    expect_status 1
    output=$stderr expect_line '^solo5-elftool: error: .*/huge: note [0-9]+ in program header [0-9]+: descriptor size 4294967295 runs past the end$'
}

# check_selftest_notes TARGET VERSION: every TARGET self-test unikernel
# that is built says target TARGET, ABI VERSION, and carries the manifest
# of its source folder; sets N to how many there were.
check_selftest_notes() {
    local dir name uk
    N=0
    for dir in "$TOP"/tests/*/; do
        name=$(basename "$dir")
        uk=$(TARGET=$1 ut "$name")
        [ -f "$dir/manifest.json" ] && [ -f "$uk" ] || continue
        N=$((N + 1))
        expect_abi_note "$uk" "$1" "$2"
        # The embedded manifest is the one in the source tree.
        "$ET" query-manifest "$uk" >"$BATS_TEST_TMPDIR/$name.json"
        "$ET" gen-manifest "$BATS_TEST_TMPDIR/$name.json" "$BATS_TEST_TMPDIR/$name.1.c"
        "$ET" gen-manifest "$dir/manifest.json" "$BATS_TEST_TMPDIR/$name.2.c"
        cmp "$BATS_TEST_TMPDIR/$name.1.c" "$BATS_TEST_TMPDIR/$name.2.c"
    done
}

@test "query-*: the hvt self-test unikernels carry the notes of their manifests" {
    [ -f "$(ut hello)" ] || skip "build/tests/hello/hello.hvt is not built"
    check_selftest_notes hvt 1001
    echo "$N unikernels checked"
    [ "$N" -ge 1 ]
}

@test "query-*: notes are found through PT_NOTE when section headers are gone" {
    local d=$BATS_TEST_TMPDIR uk
    uk=$(ut maxdevices)
    [ -f "$uk" ] || skip "build/tests/maxdevices/maxdevices.hvt is not built"
    # Zero e_shoff and e_shnum, as a tool that drops section headers would.
    cp "$uk" "$d/nosections"
    patch_bytes "$d/nosections" 40 0 0 0 0 0 0 0 0
    patch_bytes "$d/nosections" 60 0 0
    [ -z "$(readelf -SW "$d/nosections" 2>/dev/null | grep -F .note)" ]
    "$ET" query-manifest "$uk" >"$d/with.json"
    "$ET" query-manifest "$d/nosections" >"$d/without.json"
    cmp "$d/with.json" "$d/without.json"
    run "$ET" query-abi "$d/nosections"
    expect_status 0
    expect_line '"target": "hvt"'
}

@test "query-*: the virtio self-test unikernels say virtio" {
    check_selftest_notes virtio 1
    [ "$N" -gt 0 ] || skip "no virtio self-test unikernels built yet"
}
