/* elf_load.h: checking and loading a unikernel's ELF file into guest memory. */

#ifndef TENDER_ELF_H_INCLUDED
#define TENDER_ELF_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#include "elf_abi.h"
#include "elf_notes.h"
#include "mft_abi.h"

#define ELF_MAX_SEGMENTS 16

/* Segment permissions, as the ELF p_flags bits. */
#define ELF_SEG_X 1u
#define ELF_SEG_W 2u
#define ELF_SEG_R 4u

struct elf_segment {
    uint64_t vaddr;  /* guest address (virtual == physical) */
    uint64_t memsz;  /* bytes in memory */
    uint64_t offset; /* in the file */
    uint64_t filesz; /* bytes from the file; the rest is zero */
    uint32_t flags;  /* ELF_SEG_* */
};

struct elf_image {
    uint64_t entry;
    uint64_t end; /* first byte after the highest segment, page aligned */
    unsigned nsegs;
    struct elf_segment segs[ELF_MAX_SEGMENTS]; /* sorted by address */
    int has_abi;
    struct abi1_info abi;
    int has_mft;
    struct mft1 mft;
};

/*
 * Parses and checks the ELF file open at FD without trusting any of it: an
 * ELF64 little-endian x86_64 executable, statically linked, whose loadable
 * segments lie in [MEM_BASE, MEM_LIMIT), inside the file, page-disjoint,
 * never both writable and executable, with the entry point in an
 * executable segment. Also reads the Solo5 notes (ABI, manifest) from the
 * PT_NOTE segments with the reader every tool shares (elf_notes.h); their
 * contents are for the caller to check. A PT_INTERP other than Solo5's
 * non-interpreter is refused.
 *
 * Returns 0, or -1 with a one-line reason in ERR.
 */
int elf_parse(int fd, uint64_t mem_base, uint64_t mem_limit,
              struct elf_image *img, char *err, size_t errlen);

/*
 * Copies the loadable segments of IMG (from elf_parse() on FD) into guest
 * memory MEM, which must span at least MEM_SIZE bytes from guest address
 * 0 and be zero where a segment's file part ends. Returns 0, or -1 with a
 * reason in ERR (a read error, a file that shrank).
 */
int elf_load(int fd, const struct elf_image *img, uint8_t *mem,
             uint64_t mem_size, char *err, size_t errlen);

#endif /* TENDER_ELF_H_INCLUDED */
