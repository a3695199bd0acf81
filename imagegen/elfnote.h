/* elfnote.h: reads the Solo5 ABI and manifest notes of a unikernel (libelf). */

#ifndef ELFNOTE_H_INCLUDED
#define ELFNOTE_H_INCLUDED

#include <stddef.h>

#include "elf_abi.h"
#include "mft_abi.h"

/*
 * Linking: elfnote.o needs mft_check.o and -lelf (ELFNOTE_OBJS in
 * imagegen/elftool.mk lists both objects).
 */

struct elfnote_info {
    int has_abi;          /* 1 if a Solo5 ABI note was found */
    struct abi1_info abi; /* valid if has_abi; target is HVT, VIRTIO or SPT */
    int has_mft;          /* 1 if a Solo5 manifest note was found */
    struct mft1 mft;      /* valid if has_mft; passed mft_check() */
};

/*
 * Opens PATH with libelf; checks it is an ELF64 little-endian x86_64
 * executable and reads the Solo5 ABI and manifest notes (from SHT_NOTE
 * sections or PT_NOTE segments). Returns 0, or -1 with a one-line reason
 * (no tool prefix) in ERR.
 *
 * The file is treated as hostile: every size and offset is checked, a
 * malformed, duplicated or wrongly sized Solo5 note is an error, and the
 * manifest must pass mft_check(). A file without Solo5 notes is not an
 * error here: the caller looks at has_abi and has_mft. Notes are taken from
 * SHT_NOTE sections; PT_NOTE segments are read only when no section holds
 * a Solo5 note (for instance when section headers were stripped).
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
