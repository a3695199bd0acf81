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

#include "err_fmt.h"
#include "elf_notes.h"
#include "elfnote.h"
#include "mft_check.h"

/* Do LEN bytes at OFF lie inside a file of SIZE bytes? Overflow-safe. */
static int range_fits(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static int read_segments(Elf *elf, uint64_t fsize, struct elfnote_info *info,
                         char *err, size_t errlen)
{
    size_t phnum;

    if (elf_getphdrnum(elf, &phnum) != 0)
        return err_fmt(err, errlen, "bad program header table: %s",
                       elf_errmsg(-1));
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        Elf_Data *data;

        if (gelf_getphdr(elf, (int)i, &ph) == NULL)
            return err_fmt(err, errlen, "bad program header %zu: %s", i,
                           elf_errmsg(-1));
        if ((ph.p_type != PT_NOTE && ph.p_type != PT_INTERP) ||
            ph.p_filesz == 0)
            continue;
        if (!range_fits(ph.p_offset, ph.p_filesz, fsize))
            return err_fmt(err, errlen,
                           "%s segment %zu (offset %llu, %llu bytes) lies "
                           "outside the file",
                           ph.p_type == PT_NOTE ? "note" : "interpreter", i,
                           (unsigned long long)ph.p_offset,
                           (unsigned long long)ph.p_filesz);
        /* In range, so p_offset < fsize <= INT64_MAX: the cast is safe. */
        data = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset,
                                    (size_t)ph.p_filesz, ELF_T_BYTE);
        if (data == NULL)
            return err_fmt(err, errlen, "cannot read segment %zu: %s", i,
                           elf_errmsg(-1));
        if (ph.p_type == PT_INTERP) {
            if (elf_interp_check(data->d_buf, data->d_size, err, errlen))
                return -1;
        } else if (elf_notes_parse(data->d_buf, data->d_size, (unsigned)i, info,
                                   err, errlen))
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
        return err_fmt(err, errlen, "not an ELF file");
    if (size < sizeof(Elf64_Ehdr))
        return err_fmt(err, errlen, "truncated ELF header");
    return err_fmt(err, errlen,
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
        return err_fmt(err, errlen, "truncated ELF header");
    if (ident[EI_CLASS] != ELFCLASS64)
        return err_fmt(err, errlen, "not a 64-bit ELF file");
    if (ident[EI_DATA] != ELFDATA2LSB)
        return err_fmt(err, errlen, "not a little-endian ELF file");
    if (gelf_getehdr(elf, &eh) == NULL)
        return err_fmt(err, errlen, "bad ELF header: %s", elf_errmsg(-1));
    if (eh.e_machine != EM_X86_64)
        return err_fmt(err, errlen, "not an x86_64 ELF file (machine %u)",
                       (unsigned)eh.e_machine);
    if (eh.e_type != ET_EXEC)
        return err_fmt(err, errlen, "not an ELF executable (type %u)",
                       (unsigned)eh.e_type);
    /*
     * libelf quietly treats a table past the end of the file as absent;
     * a truncated unikernel must not pass for one without notes.
     */
    if (eh.e_shnum > 0 && eh.e_shentsize != sizeof(Elf64_Shdr))
        return err_fmt(err, errlen, "bad ELF header: section header size %u",
                       (unsigned)eh.e_shentsize);
    if (eh.e_phnum > 0 && eh.e_phentsize != sizeof(Elf64_Phdr))
        return err_fmt(err, errlen, "bad ELF header: program header size %u",
                       (unsigned)eh.e_phentsize);
    /* e_*num are 16-bit and the sizes fixed: the products cannot wrap. */
    if (eh.e_shnum > 0 &&
        !range_fits(eh.e_shoff, (uint64_t)eh.e_shnum * eh.e_shentsize, fsize))
        return err_fmt(err, errlen,
                       "truncated ELF file: section headers end past the end "
                       "of the file");
    if (eh.e_phnum > 0 &&
        !range_fits(eh.e_phoff, (uint64_t)eh.e_phnum * eh.e_phentsize, fsize))
        return err_fmt(err, errlen,
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
    /* One rule with the tender: notes come from PT_NOTE segments only. */
    if (read_segments(elf, fsize, info, err, errlen))
        return -1;

    if (info->has_abi && elf_abi_target_name(info->abi.target) == NULL)
        return err_fmt(err, errlen, "Solo5 ABI note names unknown target %u",
                       (unsigned)info->abi.target);
    if (info->has_mft && mft_check(&info->mft, why, sizeof why))
        return err_fmt(err, errlen, "bad Solo5 manifest note: %s", why);
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
        return err_fmt(err, errlen, "libelf: %s", elf_errmsg(-1));
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
        return err_fmt(err, errlen, "libelf: %s", elf_errmsg(-1));
    /* O_NONBLOCK: a FIFO must be refused below, not wait for a writer. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return err_fmt(err, errlen, "%s", strerror(errno));
    if (fstat(fd, &st) != 0)
        rc = err_fmt(err, errlen, "%s", strerror(errno));
    else if (S_ISDIR(st.st_mode))
        rc = err_fmt(err, errlen, "%s", strerror(EISDIR));
    else if (!S_ISREG(st.st_mode))
        rc = err_fmt(err, errlen, "not a regular file");
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
        return err_fmt(err, errlen, "libelf: %s", elf_errmsg(-1));
    /* elf_memory() takes a char *, but only reads through it here. */
    return finish(elf_memory((char *)image, size), has_magic, size, info, err,
                  errlen);
}
