/* elfnote.c: reads the Solo5 ABI and manifest notes of a unikernel (libelf). */

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfnote.h"
#include "mft_check.h"

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen,
                                                      const char *fmt, ...)
{
    va_list ap;

    if (errlen > 0) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Fields are little-endian in the file whatever the host is. */
static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void decode_abi(const unsigned char *d, struct abi1_info *abi)
{
    abi->target = le32(d);
    abi->version = le32(d + 4);
}

static void decode_mft(const unsigned char *d, struct mft1 *m)
{
    const size_t esz = sizeof(struct mft1_entry);

    m->version = le32(d);
    m->entries = le32(d + 4);
    d += 8;
    for (size_t i = 0; i < MFT_MAX_ENTRIES; i++, d += esz) {
        memcpy(m->e[i].name, d, MFT_NAME_SIZE);
        m->e[i].type = le32(d + MFT_NAME_SIZE);
    }
}

/* Where a note container came from, for messages. */
struct container {
    const char *kind; /* "section" or "program header" */
    size_t index;
};

static size_t round4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

/*
 * Walks the notes in P[0..SIZE), a container whose notes are 4-byte
 * aligned, and records the Solo5 ones in INFO. Other notes are skipped but
 * must still be well-formed, since a bad one would hide what follows.
 */
static int parse_notes(const unsigned char *p, size_t size,
                       const struct container *c, struct elfnote_info *info,
                       char *err, size_t errlen)
{
    size_t off = 0;
    unsigned n = 0;

    while (off < size) {
        size_t left = size - off;
        uint32_t namesz, descsz, type;
        size_t name_off, desc_off, desc_room;

        if (left < sizeof(struct solo5_nhdr))
            return fail(err, errlen,
                        "note %u in %s %zu: truncated header (%zu bytes left)",
                        n, c->kind, c->index, left);
        namesz = le32(p + off);
        descsz = le32(p + off + 4);
        type = le32(p + off + 8);
        name_off = off + sizeof(struct solo5_nhdr);
        /* namesz < 2^32, so round4() cannot wrap a 64-bit size_t. */
        if (round4(namesz) > size - name_off)
            return fail(err, errlen,
                        "note %u in %s %zu: name size %u runs past the end", n,
                        c->kind, c->index, (unsigned)namesz);
        desc_off = name_off + round4(namesz);
        desc_room = size - desc_off;
        if (descsz > desc_room)
            return fail(err, errlen,
                        "note %u in %s %zu: descriptor size %u runs past the "
                        "end",
                        n, c->kind, c->index, (unsigned)descsz);

        if (namesz == SOLO5_NOTE_NAMESZ &&
            memcmp(p + name_off, SOLO5_NOTE_NAME, SOLO5_NOTE_NAMESZ) == 0) {
            const unsigned char *d = p + desc_off;

            if (type == SOLO5_NOTE_ABI) {
                if (descsz != sizeof(struct abi1_info))
                    return fail(err, errlen,
                                "Solo5 ABI note in %s %zu has a %u-byte "
                                "descriptor, expected %zu",
                                c->kind, c->index, (unsigned)descsz,
                                sizeof(struct abi1_info));
                if (info->has_abi)
                    return fail(err, errlen, "more than one Solo5 ABI note");
                decode_abi(d, &info->abi);
                info->has_abi = 1;
            } else if (type == SOLO5_NOTE_MANIFEST) {
                if (descsz != sizeof(struct mft1))
                    return fail(err, errlen,
                                "Solo5 manifest note in %s %zu has a %u-byte "
                                "descriptor, expected %zu",
                                c->kind, c->index, (unsigned)descsz,
                                sizeof(struct mft1));
                if (info->has_mft)
                    return fail(err, errlen,
                                "more than one Solo5 manifest note");
                decode_mft(d, &info->mft);
                info->has_mft = 1;
            }
            /* Other Solo5 note types belong to later ABIs: ignored. */
        }
        /* Tolerate a last descriptor whose padding was left out. */
        off = desc_off +
              (round4(descsz) < desc_room ? round4(descsz) : desc_room);
        n++;
    }
    return 0;
}

/* Do LEN bytes at OFF lie inside a file of SIZE bytes? Overflow-safe. */
static int range_fits(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static int read_sections(Elf *elf, uint64_t fsize, struct elfnote_info *info,
                         char *err, size_t errlen)
{
    Elf_Scn *scn = NULL;

    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        Elf_Data *data;
        struct container c = { "section", elf_ndxscn(scn) };

        if (gelf_getshdr(scn, &sh) == NULL)
            return fail(err, errlen, "bad section header %zu: %s", c.index,
                        elf_errmsg(-1));
        /* 8-byte aligned notes (GNU properties) use another layout. */
        if (sh.sh_type != SHT_NOTE || sh.sh_addralign == 8)
            continue;
        if (!range_fits(sh.sh_offset, sh.sh_size, fsize))
            return fail(err, errlen,
                        "note section %zu (offset %llu, %llu bytes) lies "
                        "outside the file",
                        c.index, (unsigned long long)sh.sh_offset,
                        (unsigned long long)sh.sh_size);
        data = elf_rawdata(scn, NULL);
        if (data == NULL)
            return fail(err, errlen, "cannot read section %zu: %s", c.index,
                        elf_errmsg(-1));
        if (data->d_buf == NULL || data->d_size == 0)
            continue;
        if (parse_notes(data->d_buf, data->d_size, &c, info, err, errlen))
            return -1;
    }
    return 0;
}

static int read_segments(Elf *elf, uint64_t fsize, struct elfnote_info *info,
                         char *err, size_t errlen)
{
    size_t phnum;

    if (elf_getphdrnum(elf, &phnum) != 0)
        return fail(err, errlen, "bad program header table: %s",
                    elf_errmsg(-1));
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        Elf_Data *data;
        struct container c = { "program header", i };

        if (gelf_getphdr(elf, (int)i, &ph) == NULL)
            return fail(err, errlen, "bad program header %zu: %s", i,
                        elf_errmsg(-1));
        if (ph.p_type != PT_NOTE || ph.p_align == 8 || ph.p_filesz == 0)
            continue;
        if (!range_fits(ph.p_offset, ph.p_filesz, fsize))
            return fail(err, errlen,
                        "note segment %zu (offset %llu, %llu bytes) lies "
                        "outside the file",
                        i, (unsigned long long)ph.p_offset,
                        (unsigned long long)ph.p_filesz);
        /* In range, so p_offset < fsize <= INT64_MAX: the cast is safe. */
        data = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset,
                                    (size_t)ph.p_filesz, ELF_T_BYTE);
        if (data == NULL)
            return fail(err, errlen, "cannot read note segment %zu: %s", i,
                        elf_errmsg(-1));
        if (parse_notes(data->d_buf, data->d_size, &c, info, err, errlen))
            return -1;
    }
    return 0;
}

/*
 * Explains why libelf did not take a file of SIZE bytes for ELF: it says
 * the same for a cut-off header and for bad identification bytes.
 */
static int not_elf(int has_magic, uint64_t size, char *err, size_t errlen)
{
    if (!has_magic)
        return fail(err, errlen, "not an ELF file");
    if (size < sizeof(Elf64_Ehdr))
        return fail(err, errlen, "truncated ELF header");
    return fail(err, errlen,
                "bad ELF identification (class, byte order "
                "or version)");
}

/* HAS_MAGIC: the file starts with the ELF magic, whatever libelf thinks. */
static int check_header(Elf *elf, int has_magic, uint64_t fsize, char *err,
                        size_t errlen)
{
    const char *ident;
    size_t n;
    GElf_Ehdr eh;

    if (elf_kind(elf) != ELF_K_ELF)
        return not_elf(has_magic, fsize, err, errlen);
    ident = elf_getident(elf, &n);
    if (ident == NULL || n < EI_NIDENT)
        return fail(err, errlen, "truncated ELF header");
    if (ident[EI_CLASS] != ELFCLASS64)
        return fail(err, errlen, "not a 64-bit ELF file");
    if (ident[EI_DATA] != ELFDATA2LSB)
        return fail(err, errlen, "not a little-endian ELF file");
    if (gelf_getehdr(elf, &eh) == NULL)
        return fail(err, errlen, "bad ELF header: %s", elf_errmsg(-1));
    if (eh.e_machine != EM_X86_64)
        return fail(err, errlen, "not an x86_64 ELF file (machine %u)",
                    (unsigned)eh.e_machine);
    if (eh.e_type != ET_EXEC)
        return fail(err, errlen, "not an ELF executable (type %u)",
                    (unsigned)eh.e_type);
    /*
     * libelf quietly treats a table past the end of the file as absent;
     * a truncated unikernel must not pass for one without notes.
     */
    if (eh.e_shnum > 0 && eh.e_shentsize != sizeof(Elf64_Shdr))
        return fail(err, errlen, "bad ELF header: section header size %u",
                    (unsigned)eh.e_shentsize);
    if (eh.e_phnum > 0 && eh.e_phentsize != sizeof(Elf64_Phdr))
        return fail(err, errlen, "bad ELF header: program header size %u",
                    (unsigned)eh.e_phentsize);
    /* e_*num are 16-bit and the sizes fixed: the products cannot wrap. */
    if (eh.e_shnum > 0 &&
        !range_fits(eh.e_shoff, (uint64_t)eh.e_shnum * eh.e_shentsize, fsize))
        return fail(err, errlen,
                    "truncated ELF file: section headers end past the end "
                    "of the file");
    if (eh.e_phnum > 0 &&
        !range_fits(eh.e_phoff, (uint64_t)eh.e_phnum * eh.e_phentsize, fsize))
        return fail(err, errlen,
                    "truncated ELF file: program headers end past the end "
                    "of the file");
    return 0;
}

static int read_notes(Elf *elf, int has_magic, uint64_t fsize,
                      struct elfnote_info *info, char *err, size_t errlen)
{
    char why[200];

    if (check_header(elf, has_magic, fsize, err, errlen))
        return -1;
    if (read_sections(elf, fsize, info, err, errlen))
        return -1;
    if (!info->has_abi && !info->has_mft &&
        read_segments(elf, fsize, info, err, errlen))
        return -1;

    if (info->has_abi && info->abi.target != ABI_TARGET_HVT &&
        info->abi.target != ABI_TARGET_VIRTIO &&
        info->abi.target != ABI_TARGET_SPT)
        return fail(err, errlen, "Solo5 ABI note names unknown target %u",
                    (unsigned)info->abi.target);
    if (info->has_mft && mft_check(&info->mft, why, sizeof why))
        return fail(err, errlen, "bad Solo5 manifest note: %s", why);
    return 0;
}

/* Runs read_notes() on ELF, which is ended here; clears INFO on failure. */
static int finish(Elf *elf, int has_magic, uint64_t size,
                  struct elfnote_info *info, char *err, size_t errlen)
{
    int rc;

    if (elf == NULL) {
        if (!has_magic || size < sizeof(Elf64_Ehdr))
            return not_elf(has_magic, size, err, errlen);
        return fail(err, errlen, "libelf: %s", elf_errmsg(-1));
    }
    rc = read_notes(elf, has_magic, size, info, err, errlen);
    elf_end(elf);
    if (rc != 0)
        memset(info, 0, sizeof *info);
    return rc;
}

int elfnote_read(const char *path, struct elfnote_info *info, char *err,
                 size_t errlen)
{
    struct stat st;
    char magic[SELFMAG];
    int fd, rc, has_magic;

    memset(info, 0, sizeof *info);
    if (elf_version(EV_CURRENT) == EV_NONE)
        return fail(err, errlen, "libelf: %s", elf_errmsg(-1));
    /* O_NONBLOCK: a FIFO must be refused below, not wait for a writer. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return fail(err, errlen, "%s", strerror(errno));
    if (fstat(fd, &st) != 0)
        rc = fail(err, errlen, "%s", strerror(errno));
    else if (S_ISDIR(st.st_mode))
        rc = fail(err, errlen, "%s", strerror(EISDIR));
    else if (!S_ISREG(st.st_mode))
        rc = fail(err, errlen, "not a regular file");
    else {
        has_magic = pread(fd, magic, SELFMAG, 0) == SELFMAG &&
                    memcmp(magic, ELFMAG, SELFMAG) == 0;
        rc = finish(elf_begin(fd, ELF_C_READ, NULL), has_magic,
                    (uint64_t)st.st_size, info, err, errlen);
    }
    close(fd);
    return rc;
}

int elfnote_read_mem(const void *image, size_t size, struct elfnote_info *info,
                     char *err, size_t errlen)
{
    int has_magic = size >= SELFMAG && memcmp(image, ELFMAG, SELFMAG) == 0;

    memset(info, 0, sizeof *info);
    if (elf_version(EV_CURRENT) == EV_NONE)
        return fail(err, errlen, "libelf: %s", elf_errmsg(-1));
    /* elf_memory() takes a char *, but only reads through it here. */
    return finish(elf_memory((char *)image, size), has_magic, size, info, err,
                  errlen);
}
