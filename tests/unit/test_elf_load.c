/* test_elf_load.c: unit tests of the tender's ELF loader on hand-made ELFs. */

#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "elf_load.h"
#include "fixtures.h"

/*
 * Each test builds an ELF file in IMG: the header, up to 8 program
 * headers at 64, segment bytes from 0x1000. It starts from a valid
 * two-segment unikernel (text R+X at 1 MiB, data R+W at 1 MiB + 8 KiB) with
 * an ABI note, and breaks one thing.
 */
#define BASE      0x100000ull
#define LIMIT     (64ull << 20)
#define FILE_SIZE 0x4000

static uint8_t img[FILE_SIZE];
static size_t img_len;
static Elf64_Ehdr *eh;
static Elf64_Phdr *ph;
static struct elf_image elf;
static char err[256];

struct abi_note {
    Elf64_Nhdr h;
    char name[8];
    struct abi1_info desc;
};

static void build_valid(void)
{
    memset(img, 0, sizeof img);
    img_len = FILE_SIZE;
    eh = (Elf64_Ehdr *)img;
    ph = (Elf64_Phdr *)(img + 64);
    fixture_ehdr(eh);
    eh->e_entry = BASE + 0x10;
    eh->e_phoff = 64;
    eh->e_phentsize = sizeof(Elf64_Phdr);
    eh->e_phnum = 3;
    eh->e_ehsize = sizeof(Elf64_Ehdr);
    ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD,
                          .p_flags = PF_R | PF_X,
                          .p_offset = 0x1000,
                          .p_vaddr = BASE,
                          .p_paddr = BASE,
                          .p_filesz = 0x100,
                          .p_memsz = 0x100,
                          .p_align = 0x1000 };
    ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD,
                          .p_flags = PF_R | PF_W,
                          .p_offset = 0x2000,
                          .p_vaddr = BASE + 0x2000,
                          .p_paddr = BASE + 0x2000,
                          .p_filesz = 0x10,
                          .p_memsz = 0x5000,
                          .p_align = 0x1000 };
    struct abi_note n = {
        .h = { .n_namesz = 6, .n_descsz = 16, .n_type = SOLO5_NOTE_ABI },
        .name = "Solo5",
        .desc = { .target = ABI_TARGET_HVT, .version = HVT_ABI_VERSION },
    };
    memcpy(img + 0x3000, &n, sizeof n);
    ph[2] = (Elf64_Phdr){ .p_type = PT_NOTE,
                          .p_flags = PF_R,
                          .p_offset = 0x3000,
                          .p_filesz = sizeof n,
                          .p_align = 4 };
    memset(img + 0x1000, 0x90, 0x100);
    memset(img + 0x2000, 0xab, 0x10);
}

/* Parses IMG through a memfd; returns elf_parse()'s result. */
static int parse(void)
{
    int fd = memfd_create("elf", 0);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, img, img_len), (ssize_t)img_len);
    int r = elf_parse(fd, BASE, LIMIT, &elf, err, sizeof err);
    close(fd);
    return r;
}

static void expect_error(const char *substring)
{
    if (parse() != -1)
        fail_msg("accepted; expected an error with '%s'", substring);
    if (strstr(err, substring) == NULL)
        fail_msg("error '%s' does not contain '%s'", err, substring);
    assert_null(strchr(err, '\n'));
}

static void valid(void **state)
{
    (void)state;
    build_valid();
    assert_int_equal(parse(), 0);
    assert_int_equal(elf.nsegs, 2);
    assert_int_equal(elf.entry, BASE + 0x10);
    assert_int_equal(elf.end, BASE + 0x7000);
    assert_true(elf.has_abi);
    assert_int_equal(elf.abi.target, ABI_TARGET_HVT);
    assert_false(elf.has_mft);
}

static void load_copies_and_zero_fills(void **state)
{
    (void)state;
    build_valid();
    int fd = memfd_create("elf", 0);
    assert_int_equal(write(fd, img, img_len), (ssize_t)img_len);
    assert_int_equal(elf_parse(fd, BASE, LIMIT, &elf, err, sizeof err), 0);
    uint8_t *mem = mmap(NULL, LIMIT, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    assert_true(mem != MAP_FAILED);
    assert_int_equal(elf_load(fd, &elf, mem, LIMIT, err, sizeof err), 0);
    assert_int_equal(mem[BASE], 0x90);
    assert_int_equal(mem[BASE + 0xff], 0x90);
    assert_int_equal(mem[BASE + 0x2000 + 0xf], 0xab);
    assert_int_equal(mem[BASE + 0x2000 + 0x10], 0); /* BSS */
    munmap(mem, LIMIT);
    close(fd);
}

static void not_elf(void **state)
{
    (void)state;
    build_valid();
    img[0] = 'X';
    expect_error("not an ELF file");
    img_len = 2;
    expect_error("not an ELF file");
}

static void truncated_header(void **state)
{
    (void)state;
    build_valid();
    img_len = 40;
    expect_error("truncated ELF header");
}

/* A field of the image: its offset in IMG and its size. */
#define EHDR(f) offsetof(Elf64_Ehdr, f), sizeof(((Elf64_Ehdr *)0)->f)
#define PHDR(i, f)                                                             \
    64 + (i) * sizeof(Elf64_Phdr) + offsetof(Elf64_Phdr, f),                   \
        sizeof(((Elf64_Phdr *)0)->f)

/* The valid image with one field set to a bad value, and the part of the
 * error that names what is wrong. */
static const struct {
    size_t off, size;
    uint64_t value;
    const char *error;
} broken_fields[] = {
    { EHDR(e_ident[EI_CLASS]), ELFCLASS32, "not a 64-bit ELF file" },
    { EHDR(e_ident[EI_DATA]), ELFDATA2MSB, "not a little-endian" },
    { EHDR(e_machine), EM_AARCH64, "aarch64" },
    { EHDR(e_type), ET_DYN, "not a statically linked executable" },
    { EHDR(e_phnum), 0, "program headers" },
    { EHDR(e_phnum), 65, "program headers" },
    { EHDR(e_phoff), FILE_SIZE - 8, "past the end of the file" },
    { EHDR(e_phoff), UINT64_MAX - 16, "past the end of the file" },
    { EHDR(e_phentsize), 32, "program header size" },
    { PHDR(0, p_offset), UINT64_MAX - 0x10, "past the end of the file" },
    { PHDR(1, p_filesz), 0x6000, "exceeds memory size" },
    { PHDR(0, p_vaddr), 0x1000, "outside guest memory" },
    { PHDR(1, p_memsz), LIMIT, "outside guest memory" },
    { PHDR(1, p_vaddr), UINT64_MAX - 0x1000, "outside guest memory" },
    { PHDR(1, p_memsz), UINT64_MAX, "outside guest memory" },
    { PHDR(1, p_flags), PF_R | PF_W | PF_X, "both writable and executable" },
    { PHDR(1, p_vaddr), BASE + 0x80, "overlap" },
    { PHDR(1, p_vaddr), BASE + 0x800, "overlap" },   /* the text's page */
    { EHDR(e_entry), BASE + 0x2000, "entry point" }, /* in the data */
    { EHDR(e_entry), 0, "entry point" },
    { PHDR(2, p_type), PT_INTERP,
      "dynamically linked (PT_INTERP other than /nonexistent/solo5/)" },
    { PHDR(2, p_filesz), 1u << 20, "too large" }, /* the notes */
};

static void broken_fields_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof broken_fields / sizeof broken_fields[0];
         i++) {
        build_valid();
        /* Little-endian, as the host: the value's low bytes. */
        memcpy(img + broken_fields[i].off, &broken_fields[i].value,
               broken_fields[i].size);
        expect_error(broken_fields[i].error);
    }
}

static void segment_outside_file(void **state)
{
    (void)state;
    build_valid();
    ph[0].p_filesz = ph[0].p_memsz = FILE_SIZE;
    expect_error("past the end of the file");
}

static void overlapping_segments(void **state)
{
    (void)state;
    build_valid();
    ph[0].p_vaddr = BASE + 0x6000; /* text above data, which runs into it */
    eh->e_entry = BASE + 0x6010;
    expect_error("overlap");
}

/* Solo5's non-interpreter (padded as its bindings pad it) is accepted. */
static void solo5_interp(void **state)
{
    static const char interp[24] = "/nonexistent/solo5/";

    (void)state;
    build_valid();
    memcpy(img + 0x3800, interp, sizeof interp);
    ph[3] = (Elf64_Phdr){ .p_type = PT_INTERP,
                          .p_flags = PF_R,
                          .p_offset = 0x3800,
                          .p_filesz = sizeof interp,
                          .p_align = 1 };
    eh->e_phnum = 4;
    assert_int_equal(parse(), 0);
    /* Anything after the path but NULs makes it another interpreter. */
    img[0x3800 + 22] = 'x';
    expect_error("PT_INTERP other than /nonexistent/solo5/");
    build_valid();
    memcpy(img + 0x3800, "/lib64/ld-linux-x86-64.so.2", 28);
    ph[3] =
        (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x3800, .p_filesz = 28 };
    eh->e_phnum = 4;
    expect_error("PT_INTERP other than /nonexistent/solo5/");
}

static void bad_notes(void **state)
{
    (void)state;
    build_valid();
    struct abi_note *n = (struct abi_note *)(img + 0x3000);
    n->h.n_descsz = 0x7fffffff;
    expect_error("descriptor size 2147483647 runs past the end");
    build_valid();
    n->h.n_descsz = 4;
    ph[2].p_filesz = sizeof *n - 12;
    expect_error("Solo5 ABI note in program header 2 has a 4-byte "
                 "descriptor, expected 16");
    build_valid();
    memcpy(img + 0x3000 + sizeof *n, n, sizeof *n); /* a second ABI note */
    ph[2].p_filesz = 2 * sizeof *n;
    expect_error("more than one Solo5 ABI note");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid),
        cmocka_unit_test(load_copies_and_zero_fills),
        cmocka_unit_test(not_elf),
        cmocka_unit_test(truncated_header),
        cmocka_unit_test(broken_fields_refused),
        cmocka_unit_test(segment_outside_file),
        cmocka_unit_test(overlapping_segments),
        cmocka_unit_test(solo5_interp),
        cmocka_unit_test(bad_notes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
