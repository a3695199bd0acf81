#!/usr/bin/env bats
# spt-errors.bats: solo5-spt refuses bad input as solo5-hvt does (see
# hvt-errors.bats): one line "solo5-spt: error: ..." on stderr, status 1,
# nothing started, nothing left behind. The same cases, with spt's own
# limits (--mem from 2 MiB, the heap below 1 TiB).

bats_require_minimum_version 1.5.0
load lib
load tools/selftest
load tender-errors

setup() {
    errors_setup spt
}

teardown() {
    errors_teardown
}

# ------------------------------------------------------ the unikernel file

@test "elf: missing file" {
    tender_test spt tc_elf_missing_file
}

@test "elf: a directory" {
    tender_test spt refuse -- "$WORK"
}

@test "elf: not ELF at all" {
    tender_test spt refuse_elf not-elf
}

@test "elf: empty file" {
    tender_test spt refuse_elf empty
}

@test "elf: truncated inside the ELF header" {
    tender_test spt refuse_elf truncate-ehdr
}

@test "elf: truncated inside the program headers" {
    tender_test spt refuse_elf truncate-phdrs
}

@test "elf: truncated inside a segment" {
    tender_test spt refuse_elf truncate-segment
}

@test "elf: overlapping segments" {
    tender_test spt refuse_elf overlap
}

@test "elf: entry point past the image" {
    tender_test spt refuse_elf entry-outside
}

@test "elf: entry point 0" {
    tender_test spt refuse_elf entry-zero
}

@test "elf: entry point near 2^64" {
    tender_test spt refuse_elf entry-huge
}

@test "elf: huge p_memsz" {
    tender_test spt refuse_elf huge-memsz
}

@test "elf: huge p_filesz" {
    tender_test spt refuse_elf huge-filesz
}

@test "elf: huge p_offset" {
    tender_test spt refuse_elf huge-offset
}

@test "elf: p_filesz above p_memsz" {
    tender_test spt refuse_elf filesz-gt-memsz
}

@test "elf: segment wrapping around 2^64" {
    tender_test spt refuse_elf vaddr-wrap
}

@test "elf: segment above the image limit" {
    tender_test spt refuse_elf beyond-mem
}

@test "elf: segment above 4 GiB" {
    tender_test spt refuse_elf beyond-4g
}

@test "elf: segment at address 0" {
    tender_test spt refuse_elf low-vaddr
}

@test "elf: e_phnum 65535" {
    tender_test spt refuse_elf phnum-huge
}

@test "elf: e_phoff near 2^64" {
    tender_test spt refuse_elf phoff-huge
}

@test "elf: bad e_phentsize" {
    tender_test spt refuse_elf phentsize
}

@test "elf: wrong machine (aarch64)" {
    tender_test spt refuse_elf machine-aarch64
}

@test "elf: wrong machine (32-bit i386 executable)" {
    tender_test spt refuse_elf machine-i386
}

@test "elf: 64-bit file marked ELFCLASS32" {
    tender_test spt refuse_elf class32
}

@test "elf: big-endian" {
    tender_test spt refuse_elf bigendian
}

@test "elf: shared object (ET_DYN)" {
    tender_test spt refuse_elf type-dyn
}

@test "elf: relocatable object (ET_REL)" {
    tender_test spt refuse_elf type-rel
}

@test "elf: built for virtio or hvt: the error names both targets" {
    tender_test spt tc_elf_other_targets virtio hvt
}

@test "elf: ABI note with target 0" {
    tender_test spt refuse_elf abi-invalid
}

@test "elf: another ABI version: the error names both" {
    tender_test spt tc_elf_abi_version
}

@test "elf: no ABI note" {
    tender_test spt tc_elf_abi_missing
}

@test "elf: no manifest note" {
    tender_test spt refuse_elf mft-missing
}

@test "elf: manifest version 2" {
    tender_test spt refuse_elf mft-version
}

@test "elf: manifest claiming 1000 entries" {
    tender_test spt refuse_elf mft-entries
}

@test "elf: manifest entry of an unknown type" {
    tender_test spt refuse_elf mft-type
}

@test "elf: manifest name without its terminating NUL" {
    tender_test spt refuse_elf mft-name
}

@test "elf: a host executable" {
    tender_test spt refuse -- /bin/true
}

# --------------------------------------------------------- tender options

@test "options: --help and --version succeed" {
    tender_test spt tc_options_help_version
}

@test "options: an unknown option" {
    tender_test spt tc_options_unknown
}

@test "options: no unikernel" {
    tender_test spt tc_options_no_unikernel
}

@test "options: bad --mem values" {
    tender_test spt tc_options_bad_mem
}

@test "options: --mem below 2 MiB" {
    refuse --mem=1 -- "$(ut hello)"
    error_says "mem"
}

@test "options: --mem beyond what the layout can give names the limit" {
    tender_test spt tc_options_mem_beyond 1048576 '[0-9]'
}

@test "options: a missing block file" {
    tender_test spt tc_options_missing_block_file
}

@test "options: a directory as block file" {
    tender_test spt refuse --block:storage="$WORK" -- "$(ut block)"
}

@test "options: malformed --block and --net options" {
    tender_test spt tc_options_malformed_devices
}

@test "options: bad sector sizes" {
    tender_test spt tc_options_bad_sector_sizes
}

@test "options: a backing file that is not a whole number of sectors" {
    tender_test spt tc_options_partial_sector
}

@test "options: a backing file smaller than one sector" {
    tender_test spt tc_options_tiny_backing_file
}

@test "options: a bad MAC address" {
    tender_test spt tc_options_bad_mac
}

@test "options: a missing tap" {
    tender_test spt tc_options_missing_tap
}

@test "block lock: a file another process has locked is refused, naming the lock" {
    tender_test spt tc_block_lock
}

# --------------------------------------------- manifest and attachments

@test "manifest: an entry left unattached is named" {
    tender_test spt tc_manifest_unattached
}

@test "manifest: every unattached entry is listed" {
    tender_test spt tc_manifest_all_unattached
}

@test "manifest: an option naming no entry" {
    tender_test spt tc_manifest_unknown_name
}

@test "manifest: an option of the wrong type" {
    tender_test spt tc_manifest_wrong_type
}

@test "manifest: an entry attached twice" {
    tender_test spt tc_manifest_attached_twice
}

