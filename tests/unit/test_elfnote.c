/* test_elfnote.c: unit tests of the Solo5 note reader on hand-made ELFs. */

#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "elfnote.h"
#include "fixtures.h"

/*
 * The files are laid out as: ELF header, one program header (PT_NOTE), the
 * note container at NOTES_OFF, the section name table, then three section
 * headers (null, the notes, the name table).
 */
#define NOTES_OFF 0x100
#define NOTES_MAX 12288

static struct {
    unsigned char notes[NOTES_MAX];
    size_t notes_len;
    uint32_t sh_type; /* of the note section: SHT_NOTE unless a test says */
    uint64_t align;   /* sh_addralign and p_align of the notes */
    int sections;     /* write section headers */
    int segments;     /* write the PT_NOTE program header */
} spec;

static unsigned char img[NOTES_OFF + NOTES_MAX + 1024];
static size_t img_len;

static char dir[64], path[128];
static struct elfnote_info info;
static char err[256];

/* No notes yet, in a SHT_NOTE section and a PT_NOTE segment, 4-aligned. */
static void spec_reset(void)
{
    memset(&spec, 0, sizeof spec);
    spec.sh_type = SHT_NOTE;
    spec.align = 4;
    spec.sections = spec.segments = 1;
}

static int setup(void **state)
{
    (void)state;
    spec_reset();
    strcpy(dir, "/tmp/test_elfnote.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(path, sizeof path, "%s/uk", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return rmdir(dir);
}

static void add_note(uint32_t namesz, const char *name, uint32_t type,
                     const void *desc, uint32_t descsz)
{
    unsigned char *p = spec.notes + spec.notes_len;
    Elf64_Nhdr h = { namesz, descsz, type };
    size_t name_pad = (namesz + 3) & ~3u, desc_pad = (descsz + 3) & ~3u;

    assert_true(spec.notes_len + sizeof h + name_pad + desc_pad <= NOTES_MAX);
    memset(p, 0, sizeof h + name_pad + desc_pad);
    memcpy(p, &h, sizeof h);
    memcpy(p + sizeof h, name, namesz);
    memcpy(p + sizeof h + name_pad, desc, descsz);
    spec.notes_len += sizeof h + name_pad + desc_pad;
}

static void add_abi(uint32_t target, uint32_t version)
{
    struct abi1_info abi = { target, version, 0, 0 };

    add_note(SOLO5_NOTE_NAMESZ, SOLO5_NOTE_NAME, SOLO5_NOTE_ABI, &abi,
             sizeof abi);
}

/*
 * Adds M as a manifest note in Solo5's layout: 4 bytes of padding, then
 * version, entry count and the 104-byte entries (struct mft1_entry is that
 * layout on this little-endian host). NENTRIES entries are written,
 * whatever M says.
 */
static void add_mft_n(const struct mft1 *m, uint32_t nentries)
{
    static unsigned char d[MFT1_NOTE_DESCSZ(MFT_MAX_ENTRIES + 1)];
    uint32_t descsz = MFT1_NOTE_DESCSZ(nentries);

    memset(d, 0, sizeof d);
    memcpy(d + 4, &m->version, 4);
    memcpy(d + 8, &m->entries, 4);
    if (nentries > MFT_MAX_ENTRIES)
        nentries = MFT_MAX_ENTRIES;
    memcpy(d + 12, m->e, (size_t)nentries * sizeof m->e[0]);
    add_note(SOLO5_NOTE_NAMESZ, SOLO5_NOTE_NAME, SOLO5_NOTE_MANIFEST, d,
             descsz);
}

static void add_mft(const struct mft1 *m)
{
    add_mft_n(m, m->entries);
}

/* Lays the file out in img[] from spec. */
static void build(void)
{
    static const char shstrtab[] = "\0.note.solo5\0.shstrtab";
    Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
    Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof *eh);
    size_t str_off = NOTES_OFF + ((spec.notes_len + 7) & ~(size_t)7);
    size_t sh_off = str_off + ((sizeof shstrtab + 7) & ~(size_t)7);
    Elf64_Shdr *sh = (Elf64_Shdr *)(img + sh_off);

    memset(img, 0, sizeof img);
    fixture_ehdr(eh);
    eh->e_entry = 0x100000;
    eh->e_ehsize = sizeof *eh;
    eh->e_phentsize = sizeof *ph;
    eh->e_shentsize = sizeof *sh;
    if (spec.segments) {
        eh->e_phoff = sizeof *eh;
        eh->e_phnum = 1;
        ph->p_type = PT_NOTE;
        ph->p_flags = PF_R;
        ph->p_offset = NOTES_OFF;
        ph->p_vaddr = ph->p_paddr = 0x100000 + NOTES_OFF;
        ph->p_filesz = ph->p_memsz = spec.notes_len;
        ph->p_align = spec.align;
    }
    memcpy(img + NOTES_OFF, spec.notes, spec.notes_len);
    img_len = str_off;
    if (spec.sections) {
        memcpy(img + str_off, shstrtab, sizeof shstrtab);
        eh->e_shoff = sh_off;
        eh->e_shnum = 3;
        eh->e_shstrndx = 2;
        sh[1].sh_name = 1;
        sh[1].sh_type = spec.sh_type;
        sh[1].sh_flags = SHF_ALLOC;
        sh[1].sh_addr = 0x100000 + NOTES_OFF;
        sh[1].sh_offset = NOTES_OFF;
        sh[1].sh_size = spec.notes_len;
        sh[1].sh_addralign = spec.align;
        sh[2].sh_name = 13;
        sh[2].sh_type = SHT_STRTAB;
        sh[2].sh_offset = str_off;
        sh[2].sh_size = sizeof shstrtab;
        sh[2].sh_addralign = 1;
        img_len = sh_off + 3 * sizeof *sh;
    }
}

static void write_file(const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Writes img[] as it is and reads it back: 0 or -1, with err set. */
static int read_img(void)
{
    write_file(img, img_len);
    err[0] = '\0';
    return elfnote_read(path, &info, err, sizeof err);
}

static void expect_error(const char *reason)
{
    assert_int_equal(read_img(), -1);
    assert_string_equal(err, reason);
    /* A failed read leaves nothing that could be mistaken for notes. */
    assert_int_equal(info.has_abi, 0);
    assert_int_equal(info.has_mft, 0);
}

/* The file reads, and has neither an ABI nor a manifest note. */
static void expect_no_notes(void)
{
    assert_int_equal(read_img(), 0);
    assert_int_equal(info.has_abi, 0);
    assert_int_equal(info.has_mft, 0);
}

/* Reading FILE as it is fails with exactly REASON. */
static void expect_read_error(const char *file, const char *reason)
{
    assert_int_equal(elfnote_read(file, &info, err, sizeof err), -1);
    assert_string_equal(err, reason);
}

static void expect_notes(void)
{
    struct mft1 m = fixture_mft();

    assert_int_equal(read_img(), 0);
    assert_int_equal(info.has_abi, 1);
    assert_int_equal(info.abi.target, ABI_TARGET_HVT);
    assert_int_equal(info.abi.version, HVT_ABI_VERSION);
    assert_int_equal(info.has_mft, 1);
    assert_memory_equal(&info.mft, &m, sizeof m);
}

static void add_good_notes(void)
{
    struct mft1 m = fixture_mft();

    add_abi(ABI_TARGET_HVT, HVT_ABI_VERSION);
    add_mft(&m);
}

/* The good notes laid out each way files come, and whether the reader
 * must find them. */
static const struct {
    int sections, segments;
    uint32_t sh_type;
    uint64_t align;
    int found;
} layouts[] = {
    { 1, 1, SHT_NOTE, 4, 1 }, /* in a section and a segment */
    { 0, 1, SHT_NOTE, 4, 1 }, /* in a segment only */
    /* One rule with the tender: notes only in sections are not seen. */
    { 1, 0, SHT_NOTE, 4, 0 },
    /* The section is not SHT_NOTE: the PT_NOTE segment still finds them. */
    { 1, 1, SHT_PROGBITS, 4, 1 },
    /* Solo5's manifest segment is 8-byte aligned; its notes are not. */
    { 1, 1, SHT_NOTE, 8, 1 },
};

static void test_layouts(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
        spec_reset();
        add_good_notes();
        spec.sections = layouts[i].sections;
        spec.segments = layouts[i].segments;
        spec.sh_type = layouts[i].sh_type;
        spec.align = layouts[i].align;
        build();
        if (layouts[i].found)
            expect_notes();
        else
            expect_no_notes();
    }
}

static void test_other_notes_skipped(void **state)
{
    static const unsigned char id[20] = { 1, 2, 3 };
    uint32_t unknown = 42;

    (void)state;
    add_note(4, "GNU", NT_GNU_BUILD_ID, id, sizeof id);
    add_note(SOLO5_NOTE_NAMESZ, SOLO5_NOTE_NAME, 0x12345678, &unknown, 4);
    add_note(5, "Solo", SOLO5_NOTE_ABI, &unknown, 3); /* not our name */
    add_good_notes();
    add_note(0, "", 0, "", 0);
    build();
    expect_notes();
}

static void test_no_notes(void **state)
{
    (void)state;
    build();
    expect_no_notes();
}

static void test_abi_only_virtio(void **state)
{
    (void)state;
    add_abi(ABI_TARGET_VIRTIO, 7);
    build();
    assert_int_equal(read_img(), 0);
    assert_int_equal(info.has_abi, 1);
    assert_int_equal(info.abi.target, ABI_TARGET_VIRTIO);
    assert_int_equal(info.abi.version, 7);
    assert_int_equal(info.has_mft, 0);
}

static void test_missing_file(void **state)
{
    (void)state;
    expect_read_error(path, "No such file or directory");
}

static void test_directory(void **state)
{
    (void)state;
    expect_read_error(dir, "Is a directory");
}

static void test_not_elf(void **state)
{
    (void)state;
    write_file("#!/bin/sh\necho hello\n", 21);
    expect_read_error(path, "not an ELF file");
    write_file("", 0);
    expect_read_error(path, "not an ELF file");
}

static void test_truncated_elf_header(void **state)
{
    (void)state;
    add_good_notes();
    build();
    img_len = 40;
    expect_error("truncated ELF header");
}

static void test_truncated_file(void **state)
{
    (void)state;
    add_good_notes();
    build();
    img_len -= 1;
    expect_error("truncated ELF file: section headers end past the end of "
                 "the file");
}

static void test_truncated_segments(void **state)
{
    (void)state;
    add_good_notes();
    spec.sections = 0;
    build();
    img_len = NOTES_OFF + 100;
    expect_error("note segment 0 (offset 256, 380 bytes) lies outside the "
                 "file");
}

static void test_program_headers_past_end(void **state)
{
    (void)state;
    build();
    ((Elf64_Ehdr *)img)->e_phoff = img_len - 8;
    expect_error("truncated ELF file: program headers end past the end of "
                 "the file");
}

static void test_note_section_outside_file(void **state)
{
    Elf64_Shdr *sh;

    (void)state;
    add_good_notes();
    build();
    /* Sections are never read for notes: a broken one changes nothing. */
    sh = (Elf64_Shdr *)(img + ((Elf64_Ehdr *)img)->e_shoff);
    sh[1].sh_size = img_len;
    expect_notes();
    sh[1].sh_size = 28;
    sh[1].sh_offset = UINT64_MAX - 10;
    expect_notes();
}

static void test_note_segment_huge_offset(void **state)
{
    Elf64_Phdr *ph;

    (void)state;
    add_good_notes();
    spec.sections = 0;
    build();
    ph = (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr));
    ph->p_offset = UINT64_MAX - 4;
    ph->p_filesz = 8;
    expect_error("note segment 0 (offset 18446744073709551611, 8 bytes) lies "
                 "outside the file");
}

static void test_bad_header_entry_sizes(void **state)
{
    (void)state;
    build();
    ((Elf64_Ehdr *)img)->e_shentsize = 40;
    expect_error("bad ELF header: section header size 40");
    ((Elf64_Ehdr *)img)->e_shentsize = sizeof(Elf64_Shdr);
    ((Elf64_Ehdr *)img)->e_phentsize = 1;
    expect_error("bad ELF header: program header size 1");
}

static void test_bad_identification(void **state)
{
    (void)state;
    build();
    img[EI_CLASS] = 7;
    expect_error("bad ELF identification (class, byte order or version)");
    img[EI_CLASS] = ELFCLASS64;
    img[EI_VERSION] = 2;
    expect_error("bad ELF identification (class, byte order or version)");
}

static void test_elf32(void **state)
{
    (void)state;
    build();
    img[EI_CLASS] = ELFCLASS32;
    expect_error("not a 64-bit ELF file");
}

static void test_big_endian(void **state)
{
    (void)state;
    build();
    img[EI_DATA] = ELFDATA2MSB;
    expect_error("not a little-endian ELF file");
}

static void test_wrong_machine(void **state)
{
    (void)state;
    build();
    ((Elf64_Ehdr *)img)->e_machine = EM_AARCH64;
    expect_error("not an x86_64 ELF file (machine 183)");
}

static void test_not_executable(void **state)
{
    (void)state;
    build();
    ((Elf64_Ehdr *)img)->e_type = ET_REL;
    expect_error("not an ELF executable (type 1)");
    ((Elf64_Ehdr *)img)->e_type = ET_DYN;
    expect_error("not an ELF executable (type 3)");
}

static void test_truncated_note_header(void **state)
{
    (void)state;
    add_abi(ABI_TARGET_HVT, 1);
    memset(spec.notes + spec.notes_len, 0, 8);
    spec.notes_len += 8;
    build();
    expect_error("note 1 in program header 0: truncated header (8 bytes left)");
}

static void test_name_past_end(void **state)
{
    (void)state;
    add_abi(ABI_TARGET_HVT, 1);
    ((Elf64_Nhdr *)spec.notes)->n_namesz = 100;
    build();
    expect_error("note 0 in program header 0: name size 100 runs past the end");
    ((Elf64_Nhdr *)(img + NOTES_OFF))->n_namesz = UINT32_MAX;
    expect_error(
        "note 0 in program header 0: name size 4294967295 runs past the "
        "end");
}

static void test_descriptor_past_end(void **state)
{
    (void)state;
    add_abi(ABI_TARGET_HVT, 1);
    ((Elf64_Nhdr *)spec.notes)->n_descsz = 4096;
    build();
    expect_error(
        "note 0 in program header 0: descriptor size 4096 runs past the "
        "end");
    ((Elf64_Nhdr *)(img + NOTES_OFF))->n_descsz = UINT32_MAX;
    expect_error(
        "note 0 in program header 0: descriptor size 4294967295 runs past "
        "the end");
}

static void test_descriptor_past_end_in_segment(void **state)
{
    (void)state;
    add_abi(ABI_TARGET_HVT, 1);
    ((Elf64_Nhdr *)spec.notes)->n_descsz = 17;
    spec.sections = 0;
    build();
    expect_error("note 0 in program header 0: descriptor size 17 runs past "
                 "the end");
}

static void test_abi_wrong_size(void **state)
{
    uint32_t desc[3] = { ABI_TARGET_HVT, 1, 0 };

    (void)state;
    add_note(SOLO5_NOTE_NAMESZ, SOLO5_NOTE_NAME, SOLO5_NOTE_ABI, desc, 4);
    build();
    expect_error("Solo5 ABI note in program header 0 has a 4-byte descriptor, "
                 "expected 16");
    spec.notes_len = 0;
    add_note(SOLO5_NOTE_NAMESZ, SOLO5_NOTE_NAME, SOLO5_NOTE_ABI, desc, 12);
    build();
    expect_error("Solo5 ABI note in program header 0 has a 12-byte descriptor, "
                 "expected 16");
}

static void test_mft_wrong_size(void **state)
{
    struct mft1 m = fixture_mft();

    (void)state;
    add_note(SOLO5_NOTE_NAMESZ, SOLO5_NOTE_NAME, SOLO5_NOTE_MANIFEST, &m,
             MFT1_NOTE_DESCSZ(3) - 8);
    build();
    expect_error("Solo5 manifest note in program header 0 has a 316-byte "
                 "descriptor, expected 12 + 104 * entries");
    spec.notes_len = 0;
    add_mft_n(&m, 2);
    build();
    expect_error("Solo5 manifest note in program header 0 says 3 entries but "
                 "holds 2");
    spec.notes_len = 0;
    m.entries = 65;
    add_mft_n(&m, 65);
    build();
    expect_error("Solo5 manifest note in program header 0 holds 65 entries, "
                 "at most 64 allowed");
}

static void test_duplicate_abi(void **state)
{
    (void)state;
    add_abi(ABI_TARGET_HVT, 1);
    add_abi(ABI_TARGET_HVT, 1);
    build();
    expect_error("more than one Solo5 ABI note");
}

static void test_duplicate_mft(void **state)
{
    struct mft1 m = fixture_mft();

    (void)state;
    add_mft(&m);
    add_abi(ABI_TARGET_HVT, 1);
    add_mft(&m);
    build();
    expect_error("more than one Solo5 manifest note");
}

static void test_unknown_target(void **state)
{
    (void)state;
    add_abi(0, 1);
    build();
    expect_error("Solo5 ABI note names unknown target 0");
    spec.notes_len = 0;
    add_abi(7, 1);
    build();
    expect_error("Solo5 ABI note names unknown target 7");
    /* Every Solo5 target number is known, built here or not. */
    for (uint32_t t = ABI_TARGET_HVT; t <= ABI_TARGET_XEN; t++) {
        spec.notes_len = 0;
        add_abi(t, 2);
        build();
        assert_int_equal(read_img(), 0);
        assert_int_equal(info.abi.target, t);
    }
}

static void test_bad_manifest(void **state)
{
    struct mft1 m = fixture_mft();

    (void)state;
    strcpy(m.e[2].name, "service0");
    add_abi(ABI_TARGET_HVT, 1);
    add_mft(&m);
    build();
    expect_error("bad Solo5 manifest note: manifest entries 1 and 2 are both "
                 "named \"service0\"");
    m = fixture_mft();
    m.e[0].type = MFT_DEV_NET_BASIC;
    strcpy(m.e[0].name, "first");
    spec.notes_len = 0;
    add_mft(&m);
    build();
    expect_error("bad Solo5 manifest note: manifest entry 0 is not the "
                 "reserved first entry");
}

static void test_unpadded_last_descriptor(void **state)
{
    uint32_t v = 0;

    (void)state;
    /* Some producers leave out the padding of the last descriptor. */
    add_good_notes();
    add_note(4, "GNU", 99, &v, 3);
    spec.notes_len -= 1;
    build();
    expect_notes();
}

static void test_read_from_memory(void **state)
{
    struct mft1 m = fixture_mft();

    (void)state;
    add_good_notes();
    build();
    assert_int_equal(elfnote_read_mem(img, img_len, &info, err, sizeof err), 0);
    assert_int_equal(info.has_abi, 1);
    assert_int_equal(info.abi.target, ABI_TARGET_HVT);
    assert_int_equal(info.has_mft, 1);
    assert_memory_equal(&info.mft, &m, sizeof m);
    /* The same checks as on files, with the same messages. */
    assert_int_equal(elfnote_read_mem(img, 40, &info, err, sizeof err), -1);
    assert_string_equal(err, "truncated ELF header");
    assert_int_equal(info.has_abi, 0);
    assert_int_equal(elfnote_read_mem(img, img_len - 1, &info, err, sizeof err),
                     -1);
    assert_string_equal(err, "truncated ELF file: section headers end past "
                             "the end of the file");
    assert_int_equal(elfnote_read_mem("", 0, &info, err, sizeof err), -1);
    assert_string_equal(err, "not an ELF file");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_layouts),
        T(test_other_notes_skipped),
        T(test_no_notes),
        T(test_abi_only_virtio),
        T(test_missing_file),
        T(test_directory),
        T(test_not_elf),
        T(test_truncated_elf_header),
        T(test_truncated_file),
        T(test_truncated_segments),
        T(test_program_headers_past_end),
        T(test_note_section_outside_file),
        T(test_note_segment_huge_offset),
        T(test_bad_header_entry_sizes),
        T(test_bad_identification),
        T(test_elf32),
        T(test_big_endian),
        T(test_wrong_machine),
        T(test_not_executable),
        T(test_truncated_note_header),
        T(test_name_past_end),
        T(test_descriptor_past_end),
        T(test_descriptor_past_end_in_segment),
        T(test_abi_wrong_size),
        T(test_mft_wrong_size),
        T(test_duplicate_abi),
        T(test_duplicate_mft),
        T(test_unknown_target),
        T(test_bad_manifest),
        T(test_unpadded_last_descriptor),
        T(test_read_from_memory),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
