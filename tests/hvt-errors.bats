#!/usr/bin/env bats
# hvt-errors.bats: solo5-hvt refuses bad input with one line
# "solo5-hvt: error: ..." on stderr and status 1, starts nothing, leaves
# nothing behind: malformed unikernels, bad options, missing files and
# taps, manifest entries left unattached or attached wrongly.

bats_require_minimum_version 1.5.0
load lib
load tools/selftest
load tender-errors

setup() {
    errors_setup hvt
}

teardown() {
    errors_teardown
}

# ------------------------------------------------------ the unikernel file

@test "elf: missing file" {
    tender_test hvt tc_elf_missing_file
}

@test "elf: a directory" {
    tender_test hvt refuse -- "$WORK"
}

@test "elf: not ELF at all" {
    tender_test hvt refuse_elf not-elf
}

@test "elf: empty file" {
    tender_test hvt refuse_elf empty
}

@test "elf: truncated inside the ELF header" {
    tender_test hvt refuse_elf truncate-ehdr
}

@test "elf: truncated inside the program headers" {
    tender_test hvt refuse_elf truncate-phdrs
}

@test "elf: truncated inside a segment" {
    tender_test hvt refuse_elf truncate-segment
}

@test "elf: overlapping segments" {
    tender_test hvt refuse_elf overlap
}

@test "elf: entry point past the image" {
    tender_test hvt refuse_elf entry-outside
}

@test "elf: entry point 0" {
    tender_test hvt refuse_elf entry-zero
}

@test "elf: entry point near 2^64" {
    tender_test hvt refuse_elf entry-huge
}

@test "elf: huge p_memsz" {
    tender_test hvt refuse_elf huge-memsz
}

@test "elf: huge p_filesz" {
    tender_test hvt refuse_elf huge-filesz
}

@test "elf: huge p_offset" {
    tender_test hvt refuse_elf huge-offset
}

@test "elf: p_filesz above p_memsz" {
    tender_test hvt refuse_elf filesz-gt-memsz
}

@test "elf: segment wrapping around 2^64" {
    tender_test hvt refuse_elf vaddr-wrap
}

@test "elf: segment above guest memory" {
    tender_test hvt refuse_elf beyond-mem
}

@test "elf: segment above 4 GiB" {
    tender_test hvt refuse_elf beyond-4g
}

@test "elf: segment at address 0" {
    tender_test hvt refuse_elf low-vaddr
}

@test "elf: e_phnum 65535" {
    tender_test hvt refuse_elf phnum-huge
}

@test "elf: e_phoff near 2^64" {
    tender_test hvt refuse_elf phoff-huge
}

@test "elf: bad e_phentsize" {
    tender_test hvt refuse_elf phentsize
}

@test "elf: wrong machine (aarch64)" {
    tender_test hvt refuse_elf machine-aarch64
}

@test "elf: wrong machine (32-bit i386 executable)" {
    tender_test hvt refuse_elf machine-i386
}

@test "elf: 64-bit file marked ELFCLASS32" {
    tender_test hvt refuse_elf class32
}

@test "elf: big-endian" {
    tender_test hvt refuse_elf bigendian
}

@test "elf: shared object (ET_DYN)" {
    tender_test hvt refuse_elf type-dyn
}

@test "elf: relocatable object (ET_REL)" {
    tender_test hvt refuse_elf type-rel
}

@test "elf: built for virtio: the error names both targets" {
    tender_test hvt tc_elf_other_targets virtio
}

@test "elf: ABI note with target 0" {
    tender_test hvt refuse_elf abi-invalid
}

@test "elf: another ABI version: the error names both" {
    tender_test hvt tc_elf_abi_version
}

@test "elf: no ABI note" {
    tender_test hvt tc_elf_abi_missing
}

@test "elf: no manifest note" {
    tender_test hvt refuse_elf mft-missing
}

@test "elf: manifest version 2" {
    tender_test hvt refuse_elf mft-version
}

@test "elf: manifest claiming 1000 entries" {
    tender_test hvt refuse_elf mft-entries
}

@test "elf: manifest entry of an unknown type" {
    tender_test hvt refuse_elf mft-type
}

@test "elf: manifest name without its terminating NUL" {
    tender_test hvt refuse_elf mft-name
}

@test "elf: a host executable" {
    tender_test hvt refuse -- /bin/true
}

# --------------------------------------------------------- tender options

@test "options: --help and --version succeed" {
    tender_test hvt tc_options_help_version
}

@test "options: an unknown option" {
    tender_test hvt tc_options_unknown
}

@test "options: no unikernel" {
    tender_test hvt tc_options_no_unikernel
}

@test "options: bad --mem values" {
    tender_test hvt tc_options_bad_mem
}

@test "options: --mem too small for the unikernel" {
    refuse --mem=1 -- "$(ut hello)"
    refuse --mem=2 --block:storage="$WORK/disk" -- "$(ut block)"
    error_says "mem"
}

@test "options: --mem beyond what the layout can give names the limit" {
    tender_test hvt tc_options_mem_beyond 4097 'at most 4096 MiB'
}

@test "options: --mem up to 4096, the original's maximum, is accepted" {
    local m
    # A missing unikernel is refused after the options: the error names it.
    for m in 4094 4095 4096; do
        refuse --mem=$m -- "$WORK/nosuch.hvt"
        error_says 'nosuch\.hvt'
    done
}

@test "block lock: a file another process has locked is refused, naming the lock" {
    tender_test hvt tc_block_lock
}

@test "out of memory: a failed copy of an option is one error line, not a crash" {
    local o
    IN_NS=(env LD_PRELOAD="$TB/tools/nomem_preload.so")
    for o in --block:storage="$WORK/disk" --net:service0=tap0 \
        --net-mac:service0=02:00:00:00:00:01 --block-sector-size:storage=4096; do
        refuse "$o" -- "$(ut hello)"
        error_says 'out of memory'
    done
}

@test "options: a missing block file" {
    tender_test hvt tc_options_missing_block_file
}

@test "options: a directory as block file" {
    tender_test hvt refuse --block:storage="$WORK" -- "$(ut block)"
}

@test "options: malformed --block and --net options" {
    tender_test hvt tc_options_malformed_devices
}

@test "options: bad sector sizes" {
    tender_test hvt tc_options_bad_sector_sizes
}

@test "options: a backing file that is not a whole number of sectors" {
    tender_test hvt tc_options_partial_sector
}

@test "options: a backing file smaller than one sector" {
    tender_test hvt tc_options_tiny_backing_file
}

@test "options: a bad MAC address" {
    tender_test hvt tc_options_bad_mac
}

@test "options: a missing tap" {
    tender_test hvt tc_options_missing_tap
}

# --------------------------------------------- manifest and attachments

@test "manifest: an entry left unattached is named" {
    tender_test hvt tc_manifest_unattached
}

@test "manifest: every unattached entry is listed" {
    tender_test hvt tc_manifest_all_unattached
}

@test "manifest: an option naming no entry" {
    tender_test hvt tc_manifest_unknown_name
}

@test "manifest: an option of the wrong type" {
    tender_test hvt tc_manifest_wrong_type
}

@test "manifest: an entry attached twice" {
    tender_test hvt tc_manifest_attached_twice
}

# ------------------------------------------- files checked before /dev/kvm

@test "file: Solo5's own hvt unikernel (hvt ABI 2) is refused, naming both ABIs" {
    refuse -- "$TOP/tests/compat/solo5-hvt2.elf"
    error_says "Solo5's own toolchain \(hvt ABI 2\)"
    error_says 'hvt ABI 1001'
    refuse_elf abi-solo5-hvt
    error_says 'hvt ABI 2'
}

@test "file: an spt unikernel is refused, naming spt" {
    refuse -- "$TOP/tests/compat/solo5-spt.elf"
    error_says 'built for the spt target'
    refuse_elf abi-spt
    error_says 'spt'
}

@test "file: a stub executable (no target) is refused" {
    refuse -- "$TOP/tests/compat/solo5-stub.elf"
    error_says 'no Solo5 ABI note'
}

@test "file: notes only in sections are refused, in the words solo5-elftool uses" {
    [ -f "$(ut block)" ] || { echo "$(ut block) is not built" >&2; return 1; }
    # Turn every PT_NOTE program header into PT_NULL: the notes stay in
    # their sections, where only a section reader would find them.
    python3 -c 'import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
phoff, = struct.unpack_from("<Q", b, 32)
phnum, = struct.unpack_from("<H", b, 56)
n = 0
for i in range(phnum):
    if struct.unpack_from("<I", b, phoff + 56 * i)[0] == 4:
        struct.pack_into("<I", b, phoff + 56 * i, 0)
        n += 1
assert n > 0
open(sys.argv[2], "wb").write(b)' "$(ut block)" "$WORK/sections-only.hvt"
    run readelf -SW "$WORK/sections-only.hvt"
    expect_line '\.note\.solo5\.abi'
    refuse --block:storage="$WORK/disk" -- "$WORK/sections-only.hvt"
    local tender=${stderr#"solo5-hvt: error: "}
    run --separate-stderr "$BIN/solo5-elftool" query-abi "$WORK/sections-only.hvt"
    [ "$status" -eq 1 ]
    [ "${stderr#"solo5-elftool: error: "}" = "$tender" ] || {
        echo "elftool: $stderr" >&2
        echo "tender:  $tender" >&2
        return 1
    }
    [[ $tender == *"no Solo5 ABI note in a PT_NOTE segment" ]]
}

