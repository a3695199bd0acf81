/* elf_load.c: the tender's ELF loader; every field of the file is checked. */

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_load.h"

#define PAGE           4096u
#define MAX_PHNUM      64u
#define MAX_NOTES_SIZE 65536u

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Reads exactly LEN bytes at OFF; false on error or end of file. */
static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
    uint8_t *p = buf;

    while (len > 0) {
        ssize_t n = pread(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 1;
}

static const char *machine_name(unsigned m)
{
    switch (m) {
    case EM_386:
        return "i386";
    case EM_ARM:
        return "arm";
    case EM_AARCH64:
        return "aarch64";
    case EM_RISCV:
        return "riscv";
    case EM_PPC64:
        return "ppc64";
    case EM_S390:
        return "s390";
    default:
        return "unknown";
    }
}

/*
 * Reads PT_NOTE segment number I (PH) and hands it to the shared note
 * reader (elf_notes.c), which records the Solo5 notes in NOTES.
 */
static int read_notes(int fd, const Elf64_Phdr *ph, unsigned i,
                      struct elfnote_info *notes, char *err, size_t errlen)
{
    static uint8_t buf[MAX_NOTES_SIZE];
    uint64_t size = ph->p_filesz;

    if (size > MAX_NOTES_SIZE)
        return fail(err, errlen, "note segment of %llu bytes is too large",
                    (unsigned long long)size);
    if (!read_at(fd, buf, size, ph->p_offset))
        return fail(err, errlen, "note segment is outside the file");
    return elf_notes_parse(buf, (size_t)size, i, notes, err, errlen);
}

/* Reads the PT_INTERP segment PH: only Solo5's non-interpreter passes. */
static int check_interp(int fd, const Elf64_Phdr *ph, char *err, size_t errlen)
{
    uint8_t buf[64];

    if (ph->p_filesz > sizeof buf)
        return fail(err, errlen,
                    "dynamically linked (PT_INTERP of %llu "
                    "bytes)",
                    (unsigned long long)ph->p_filesz);
    if (!read_at(fd, buf, ph->p_filesz, ph->p_offset))
        return fail(err, errlen, "PT_INTERP is outside the file");
    return elf_interp_check(buf, (size_t)ph->p_filesz, err, errlen);
}

/* Adds PH as segment number I, checked against the guest's memory. */
static int add_segment(const Elf64_Phdr *ph, unsigned i, uint64_t fsize,
                       uint64_t mem_base, uint64_t mem_limit,
                       struct elf_image *img, char *err, size_t errlen)
{
    if (ph->p_filesz > ph->p_memsz)
        return fail(err, errlen,
                    "segment %u: file size 0x%llx exceeds memory size 0x%llx",
                    i, (unsigned long long)ph->p_filesz,
                    (unsigned long long)ph->p_memsz);
    if (ph->p_offset > fsize || ph->p_filesz > fsize - ph->p_offset)
        return fail(err, errlen,
                    "segment %u: bytes 0x%llx+0x%llx are past the end of the "
                    "file (0x%llx bytes; truncated?)",
                    i, (unsigned long long)ph->p_offset,
                    (unsigned long long)ph->p_filesz,
                    (unsigned long long)fsize);
    if (ph->p_vaddr < mem_base || ph->p_vaddr >= mem_limit ||
        ph->p_memsz > mem_limit - ph->p_vaddr)
        return fail(
            err, errlen,
            "segment %u: 0x%llx+0x%llx is outside guest memory "
            "0x%llx-0x%llx",
            i, (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_memsz,
            (unsigned long long)mem_base, (unsigned long long)mem_limit);
    if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
        return fail(err, errlen,
                    "segment %u at 0x%llx is both writable and executable", i,
                    (unsigned long long)ph->p_vaddr);
    if (img->nsegs == ELF_MAX_SEGMENTS)
        return fail(err, errlen, "more than %u loadable segments",
                    ELF_MAX_SEGMENTS);

    /* Insert sorted by address; neighbours must not share a page. */
    struct elf_segment s = {
        .vaddr = ph->p_vaddr,
        .memsz = ph->p_memsz,
        .offset = ph->p_offset,
        .filesz = ph->p_filesz,
        .flags = ph->p_flags & (PF_R | PF_W | PF_X),
    };
    unsigned k = img->nsegs;
    while (k > 0 && img->segs[k - 1].vaddr > s.vaddr) {
        img->segs[k] = img->segs[k - 1];
        k--;
    }
    img->segs[k] = s;
    img->nsegs++;
    for (unsigned j = 1; j < img->nsegs; j++) {
        const struct elf_segment *a = &img->segs[j - 1], *b = &img->segs[j];
        uint64_t a_end =
            (a->vaddr + a->memsz + PAGE - 1) & ~(uint64_t)(PAGE - 1);
        if ((b->vaddr & ~(uint64_t)(PAGE - 1)) < a_end)
            return fail(err, errlen,
                        "segments at 0x%llx and 0x%llx overlap (or share a "
                        "page)",
                        (unsigned long long)a->vaddr,
                        (unsigned long long)b->vaddr);
    }
    return 0;
}

int elf_parse(int fd, uint64_t mem_base, uint64_t mem_limit,
              struct elf_image *img, char *err, size_t errlen)
{
    struct stat st;
    Elf64_Ehdr eh;

    memset(img, 0, sizeof *img);
    if (fstat(fd, &st) != 0)
        return fail(err, errlen, "cannot stat: %s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(err, errlen, "not a regular file");
    uint64_t fsize = (uint64_t)st.st_size;
    if (fsize < SELFMAG || !read_at(fd, eh.e_ident, SELFMAG, 0) ||
        memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
        return fail(err, errlen, "not an ELF file");
    if (fsize < sizeof eh || !read_at(fd, &eh, sizeof eh, 0))
        return fail(err, errlen, "truncated ELF header");
    if (eh.e_ident[EI_CLASS] != ELFCLASS64)
        return fail(err, errlen, "not a 64-bit ELF file");
    if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
        return fail(err, errlen, "not a little-endian ELF file");
    if (eh.e_ident[EI_VERSION] != EV_CURRENT || eh.e_version != EV_CURRENT)
        return fail(err, errlen, "unknown ELF version");
    if (eh.e_machine != EM_X86_64)
        return fail(err, errlen,
                    "built for machine %u (%s), this tender runs x86_64",
                    eh.e_machine, machine_name(eh.e_machine));
    if (eh.e_type != ET_EXEC)
        return fail(err, errlen,
                    "not a statically linked executable (ELF type %u)",
                    eh.e_type);
    if (eh.e_phentsize != sizeof(Elf64_Phdr))
        return fail(err, errlen, "unexpected program header size %u",
                    eh.e_phentsize);
    if (eh.e_phnum == 0 || eh.e_phnum > MAX_PHNUM)
        return fail(err, errlen, "%u program headers (expected 1 to %u)",
                    eh.e_phnum, MAX_PHNUM);
    uint64_t phsize = (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
    if (eh.e_phoff > fsize || phsize > fsize - eh.e_phoff)
        return fail(err, errlen,
                    "program headers are past the end of the file "
                    "(truncated?)");

    Elf64_Phdr ph[MAX_PHNUM];
    struct elfnote_info notes;
    memset(&notes, 0, sizeof notes);
    if (!read_at(fd, ph, phsize, eh.e_phoff))
        return fail(err, errlen, "cannot read the program headers");
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        switch (ph[i].p_type) {
        case PT_LOAD:
            if (ph[i].p_memsz == 0)
                break;
            if (add_segment(&ph[i], i, fsize, mem_base, mem_limit, img, err,
                            errlen) < 0)
                return -1;
            break;
        case PT_NOTE:
            if (read_notes(fd, &ph[i], i, &notes, err, errlen) < 0)
                return -1;
            break;
        case PT_INTERP:
            if (check_interp(fd, &ph[i], err, errlen) < 0)
                return -1;
            break;
        case PT_DYNAMIC:
            return fail(err, errlen, "dynamically linked (PT_DYNAMIC)");
        default:
            break;
        }
    }
    if (img->nsegs == 0)
        return fail(err, errlen, "no loadable segments");
    img->has_abi = notes.has_abi;
    img->abi = notes.abi;
    img->has_mft = notes.has_mft;
    img->mft = notes.mft;

    int entry_ok = 0;
    for (unsigned j = 0; j < img->nsegs; j++) {
        const struct elf_segment *s = &img->segs[j];
        if ((s->flags & PF_X) && eh.e_entry >= s->vaddr &&
            eh.e_entry - s->vaddr < s->memsz)
            entry_ok = 1;
    }
    if (!entry_ok)
        return fail(err, errlen,
                    "entry point 0x%llx is outside the executable segments",
                    (unsigned long long)eh.e_entry);
    img->entry = eh.e_entry;
    const struct elf_segment *last = &img->segs[img->nsegs - 1];
    img->end = (last->vaddr + last->memsz + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    return 0;
}

int elf_load(int fd, const struct elf_image *img, uint8_t *mem,
             uint64_t mem_size, char *err, size_t errlen)
{
    for (unsigned i = 0; i < img->nsegs; i++) {
        const struct elf_segment *s = &img->segs[i];
        /* elf_parse() checked this against the same limit; cheap to redo. */
        if (s->vaddr > mem_size || s->memsz > mem_size - s->vaddr)
            return fail(err, errlen, "segment outside guest memory");
        if (!read_at(fd, mem + s->vaddr, s->filesz, s->offset))
            return fail(err, errlen, "cannot read segment at 0x%llx: %s",
                        (unsigned long long)s->vaddr,
                        errno ? strerror(errno) : "file shrank");
    }
    return 0;
}
