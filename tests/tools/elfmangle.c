/* elfmangle: writes malformed variants of a unikernel, for the tender's
 * negative tests (tests/hvt-errors.bats). */

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_abi.h"
#include "mft_abi.h"

static const char *prog = "elfmangle";

static void die(const char *what, const char *why)
{
    fprintf(stderr, "%s: error: %s: %s\n", prog, what, why);
    exit(1);
}

/* The file being mangled, in memory. */
static uint8_t *img;
static size_t img_len;

static Elf64_Ehdr *ehdr(void)
{
    if (img_len < sizeof(Elf64_Ehdr) || memcmp(img, ELFMAG, SELFMAG) != 0 ||
        img[EI_CLASS] != ELFCLASS64)
        die("input", "not a 64-bit ELF file");
    return (Elf64_Ehdr *)img;
}

static Elf64_Phdr *phdr(size_t i)
{
    Elf64_Ehdr *e = ehdr();
    if (e->e_phentsize != sizeof(Elf64_Phdr) || i >= e->e_phnum ||
        e->e_phoff % 8 != 0 || e->e_phoff > img_len ||
        (img_len - e->e_phoff) / sizeof(Elf64_Phdr) < e->e_phnum)
        die("input", "program header table out of range");
    return (Elf64_Phdr *)(img + e->e_phoff) + i;
}

/* The Nth PT_LOAD (0-based), or the one with the largest file size when
 * N is -1; dies if there is none. */
static Elf64_Phdr *load(int n)
{
    Elf64_Phdr *best = NULL;
    int seen = 0;
    for (size_t i = 0; i < ehdr()->e_phnum; i++) {
        Elf64_Phdr *p = phdr(i);
        if (p->p_type != PT_LOAD)
            continue;
        if (n >= 0 && seen++ == n)
            return p;
        if (n < 0 && (best == NULL || p->p_filesz > best->p_filesz))
            best = p;
    }
    if (best == NULL)
        die("input", "not enough PT_LOAD segments");
    return best;
}

/*
 * The descriptor of the Solo5 note of TYPE, whose descriptor must have at
 * least MINSZ bytes: the first 4-byte aligned "Solo5" name preceded by a
 * Solo5 note header of that type.
 */
static uint8_t *note_desc(uint32_t type, uint32_t minsz)
{
    static const char name[SOLO5_NOTE_NAME_PADDED] = SOLO5_NOTE_NAME;
    const size_t hsz = sizeof(struct solo5_nhdr);

    for (size_t off = hsz; off + sizeof name <= img_len; off += 4) {
        struct solo5_nhdr h;

        if (memcmp(img + off, name, sizeof name) != 0)
            continue;
        memcpy(&h, img + off - hsz, hsz);
        if (h.n_namesz != SOLO5_NOTE_NAMESZ || h.n_type != type ||
            h.n_descsz < minsz || off + sizeof name + h.n_descsz > img_len)
            continue;
        return img + off + sizeof name;
    }
    die("input", "Solo5 note not found");
    return NULL;
}

static struct abi1_info *abi(void)
{
    return (struct abi1_info *)note_desc(SOLO5_NOTE_ABI,
                                         sizeof(struct abi1_info));
}

/* The manifest in Solo5's layout: after 4 bytes of padding. */
static struct mft1 *mft(void)
{
    return (struct mft1 *)(note_desc(SOLO5_NOTE_MANIFEST, MFT1_NOTE_DESCSZ(1)) +
                           MFT1_NOTE_PAD);
}

static void replace(const void *data, size_t len)
{
    free(img);
    img = malloc(len ? len : 1);
    if (img == NULL)
        die("memory", strerror(errno));
    memcpy(img, data, len);
    img_len = len;
}

/* A minimal, otherwise valid i386 executable: ELF header and one PT_LOAD
 * holding an infinite loop. */
struct i386_file {
    Elf32_Ehdr e;
    Elf32_Phdr p;
    uint8_t code[4];
};

static void make_i386(void)
{
    struct i386_file f;
    memset(&f, 0, sizeof f);
    memcpy(f.e.e_ident, ELFMAG, SELFMAG);
    f.e.e_ident[EI_CLASS] = ELFCLASS32;
    f.e.e_ident[EI_DATA] = ELFDATA2LSB;
    f.e.e_ident[EI_VERSION] = EV_CURRENT;
    f.e.e_type = ET_EXEC;
    f.e.e_machine = EM_386;
    f.e.e_version = EV_CURRENT;
    f.e.e_entry = 0x100000 + offsetof(struct i386_file, code);
    f.e.e_phoff = sizeof f.e;
    f.e.e_ehsize = sizeof f.e;
    f.e.e_phentsize = sizeof f.p;
    f.e.e_phnum = 1;
    f.p.p_type = PT_LOAD;
    f.p.p_vaddr = f.p.p_paddr = 0x100000;
    f.p.p_filesz = f.p.p_memsz = sizeof f;
    f.p.p_flags = PF_R | PF_X;
    f.p.p_align = 0x1000;
    f.code[0] = 0xeb; /* jmp . */
    f.code[1] = 0xfe;
    replace(&f, sizeof f);
}

struct variant {
    const char *name;
    const char *what;
    void (*fn)(void);
};

static void v_truncate_ehdr(void)
{
    img_len = 40;
}
static void v_truncate_phdrs(void)
{
    img_len = ehdr()->e_phoff + sizeof(Elf64_Phdr) / 2;
}
static void v_truncate_segment(void)
{
    Elf64_Phdr *p = load(-1);
    img_len = p->p_offset + p->p_filesz / 2;
}
static void v_empty(void)
{
    img_len = 0;
}
static void v_not_elf(void)
{
    static const char text[] = "#!/bin/sh\necho this is not a unikernel\n";
    replace(text, sizeof text - 1);
}
static void v_overlap(void)
{
    Elf64_Phdr *a = load(0), *b = load(1);
    b->p_vaddr = a->p_vaddr + (a->p_memsz > 0x1000 ? 0x1000 : 0);
    b->p_paddr = b->p_vaddr;
}
static void v_entry_outside(void)
{
    uint64_t end = 0;
    for (size_t i = 0; i < ehdr()->e_phnum; i++) {
        Elf64_Phdr *p = phdr(i);
        if (p->p_type == PT_LOAD && p->p_vaddr + p->p_memsz > end)
            end = p->p_vaddr + p->p_memsz;
    }
    ehdr()->e_entry = end + 0x10000;
}
static void v_entry_zero(void)
{
    ehdr()->e_entry = 0;
}
static void v_entry_huge(void)
{
    ehdr()->e_entry = 0xfffffffffffffff0ull;
}
static void v_huge_memsz(void)
{
    load(-1)->p_memsz = 0xfffffffffffff000ull;
}
static void v_huge_filesz(void)
{
    Elf64_Phdr *p = load(-1);
    p->p_filesz = p->p_memsz = 0x7ffffffffffff000ull;
}
static void v_huge_offset(void)
{
    load(-1)->p_offset = 0xffffffffffff0000ull;
}
static void v_filesz_gt_memsz(void)
{
    Elf64_Phdr *p = load(-1);
    p->p_memsz = p->p_filesz / 2;
}
static void v_vaddr_wrap(void)
{
    Elf64_Phdr *p = load(-1);
    p->p_vaddr = p->p_paddr = 0xfffffffffffff000ull;
}
static void v_beyond_mem(void)
{
    Elf64_Phdr *p = load(-1);
    p->p_vaddr = p->p_paddr = 0xf0000000ull; /* above --mem=512 */
}
static void v_beyond_4g(void)
{
    Elf64_Phdr *p = load(-1);
    p->p_vaddr = p->p_paddr = 0x100000000ull;
}
static void v_low_vaddr(void)
{
    Elf64_Phdr *p = load(0);
    p->p_vaddr = p->p_paddr = 0;
}
static void v_phnum_huge(void)
{
    ehdr()->e_phnum = 0xffff;
}
static void v_phoff_huge(void)
{
    ehdr()->e_phoff = 0xffffffffffffff00ull;
}
static void v_phentsize(void)
{
    ehdr()->e_phentsize = 17;
}
static void v_machine_aarch64(void)
{
    ehdr()->e_machine = EM_AARCH64;
}
static void v_machine_i386(void)
{
    make_i386();
}
static void v_class32(void)
{
    ehdr()->e_ident[EI_CLASS] = ELFCLASS32;
}
static void v_bigendian(void)
{
    ehdr()->e_ident[EI_DATA] = ELFDATA2MSB;
}
static void v_type_dyn(void)
{
    ehdr()->e_type = ET_DYN;
}
static void v_type_rel(void)
{
    ehdr()->e_type = ET_REL;
}
static void v_abi_virtio(void)
{
    abi()->target = ABI_TARGET_VIRTIO;
}
static void v_abi_invalid(void)
{
    abi()->target = ABI_TARGET_INVALID;
}
static void v_abi_version(void)
{
    abi()->version = 99;
}
/* Solo5's own hvt ABI version: same target, other hypercalls. */
static void v_abi_solo5_hvt(void)
{
    abi()->version = 2;
}
static void v_abi_spt(void)
{
    abi()->target = ABI_TARGET_SPT;
    abi()->version = 2;
}
static void v_abi_missing(void)
{
    uint8_t *d = (uint8_t *)abi();
    struct solo5_nhdr *h =
        (struct solo5_nhdr *)(d - SOLO5_NOTE_NAME_PADDED - sizeof *h);
    h->n_type = 0x12345678;
}
static void v_mft_missing(void)
{
    uint8_t *d = (uint8_t *)mft();
    struct solo5_nhdr *h =
        (struct solo5_nhdr *)(d - SOLO5_NOTE_NAME_PADDED - sizeof *h);
    h->n_type = 0x12345678;
}
static void v_mft_version(void)
{
    mft()->version = 2;
}
static void v_mft_entries(void)
{
    mft()->entries = 1000;
}
static void v_mft_type(void)
{
    struct mft1 *m = mft();
    if (m->entries < 2)
        die("input", "manifest has no devices");
    m->e[1].type = 7;
}
static void v_mft_name(void)
{
    struct mft1 *m = mft();
    if (m->entries < 2)
        die("input", "manifest has no devices");
    memset(m->e[1].name, 'A', MFT_NAME_SIZE);
}

static const struct variant variants[] = {
    { "truncate-ehdr", "cut inside the ELF header", v_truncate_ehdr },
    { "truncate-phdrs", "cut inside the program headers", v_truncate_phdrs },
    { "truncate-segment", "cut inside a segment's data", v_truncate_segment },
    { "empty", "an empty file", v_empty },
    { "not-elf", "a shell script", v_not_elf },
    { "overlap", "two PT_LOAD segments overlap", v_overlap },
    { "entry-outside", "entry point past the image", v_entry_outside },
    { "entry-zero", "entry point 0", v_entry_zero },
    { "entry-huge", "entry point near 2^64", v_entry_huge },
    { "huge-memsz", "p_memsz near 2^64", v_huge_memsz },
    { "huge-filesz", "p_filesz far beyond the file", v_huge_filesz },
    { "huge-offset", "p_offset near 2^64", v_huge_offset },
    { "filesz-gt-memsz", "p_filesz above p_memsz", v_filesz_gt_memsz },
    { "vaddr-wrap", "segment wraps around 2^64", v_vaddr_wrap },
    { "beyond-mem", "segment above guest memory", v_beyond_mem },
    { "beyond-4g", "segment above 4 GiB", v_beyond_4g },
    { "low-vaddr", "segment at address 0", v_low_vaddr },
    { "phnum-huge", "e_phnum 65535", v_phnum_huge },
    { "phoff-huge", "e_phoff near 2^64", v_phoff_huge },
    { "phentsize", "e_phentsize 17", v_phentsize },
    { "machine-aarch64", "e_machine EM_AARCH64", v_machine_aarch64 },
    { "machine-i386", "a 32-bit i386 executable", v_machine_i386 },
    { "class32", "64-bit file marked ELFCLASS32", v_class32 },
    { "bigendian", "marked big-endian", v_bigendian },
    { "type-dyn", "e_type ET_DYN", v_type_dyn },
    { "type-rel", "e_type ET_REL", v_type_rel },
    { "abi-virtio", "ABI note names the virtio target", v_abi_virtio },
    { "abi-invalid", "ABI note names target 0", v_abi_invalid },
    { "abi-version", "ABI note has version 99", v_abi_version },
    { "abi-solo5-hvt", "ABI note of Solo5's own hvt (version 2)",
      v_abi_solo5_hvt },
    { "abi-spt", "ABI note names the spt target", v_abi_spt },
    { "abi-missing", "no ABI note", v_abi_missing },
    { "mft-missing", "no manifest note", v_mft_missing },
    { "mft-version", "manifest version 2", v_mft_version },
    { "mft-entries", "manifest claims 1000 entries", v_mft_entries },
    { "mft-type", "manifest entry of unknown type", v_mft_type },
    { "mft-name", "manifest name without its NUL", v_mft_name },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: %s VARIANT IN OUT | %s --list\nvariants:\n", prog, prog);
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
        fprintf(f, "  %-18s %s\n", variants[i].name, variants[i].what);
}

static void read_input(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (f == NULL || fstat(fileno(f), &st) != 0)
        die(path, strerror(errno));
    if (!S_ISREG(st.st_mode) || st.st_size > (1 << 28))
        die(path, "not a regular file of at most 256 MiB");
    img_len = (size_t)st.st_size;
    img = malloc(img_len ? img_len : 1);
    if (img == NULL)
        die(path, strerror(errno));
    if (fread(img, 1, img_len, f) != img_len)
        die(path, "short read");
    fclose(f);
}

static void write_output(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    size_t done = 0;
    if (fd < 0)
        die(path, strerror(errno));
    while (done < img_len) {
        ssize_t n = write(fd, img + done, img_len - done);
        if (n <= 0) {
            int e = errno;
            unlink(path);
            die(path, n < 0 ? strerror(e) : "short write");
        }
        done += (size_t)n;
    }
    if (close(fd) != 0) {
        int e = errno;
        unlink(path);
        die(path, strerror(e));
    }
}

int main(int argc, char **argv)
{
    const struct variant *v = NULL;

    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
            printf("%s\n", variants[i].name);
        return 0;
    }
    if (argc != 4) {
        usage(stderr);
        return 1;
    }
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
        if (strcmp(argv[1], variants[i].name) == 0)
            v = &variants[i];
    if (v == NULL)
        die(argv[1], "unknown variant (see --list)");
    read_input(argv[2]);
    v->fn();
    write_output(argv[3]);
    return 0;
}
