/* elfnote.h: reads the Solo5 ABI and manifest notes of a unikernel (libelf). */

#ifndef ELFNOTE_H_INCLUDED
#define ELFNOTE_H_INCLUDED

#include <stddef.h>

#include "elf_abi.h"
#include "elf_notes.h"
#include "mft_abi.h"

/*
 * Linking: elfnote.o needs tenders/common's elf_notes.o and mft_check.o,
 * and -lelf (ELFNOTE_OBJS in imagegen/Makefile.inc lists the objects).
 * struct elfnote_info comes from elf_notes.h; after elfnote_read() its
 * target is a known Solo5 target and its manifest passed mft_check().
 */

/*
 * Opens PATH with libelf; checks it is an ELF64 little-endian x86_64
 * executable and reads the Solo5 ABI and manifest notes from its PT_NOTE
 * segments with the reader the tender uses (elf_notes.h): sections are
 * never read. A PT_INTERP other than Solo5's non-interpreter is refused.
 * Returns 0, or -1 with a one-line reason (no tool prefix) in ERR.
 *
 * The file is treated as hostile: every size and offset is checked, a
 * malformed, duplicated or wrongly sized Solo5 note is an error, and the
 * manifest must pass mft_check(). A file without Solo5 notes is not an
 * error here: the caller looks at has_abi and has_mft.
 */
int elfnote_read(const char *path, struct elfnote_info *info, char *err,
                 size_t errlen);

/*
 * Same as elfnote_read(), on the SIZE bytes of an ELF file at IMAGE in
 * memory (the fuzzer uses it); libelf reads IMAGE in place, so it must not
 * change during the call.
 */
int elfnote_read_mem(const void *image, size_t size, struct elfnote_info *info,
                     char *err, size_t errlen);

#endif /* ELFNOTE_H_INCLUDED */
