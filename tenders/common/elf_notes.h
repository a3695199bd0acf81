/* elf_notes.h: the one reader of a unikernel's Solo5 notes and interpreter. */

#ifndef ELF_NOTES_H_INCLUDED
#define ELF_NOTES_H_INCLUDED

/*
 * One rule, shared by solo5-hvt and every tool (solo5-elftool,
 * solo5-virtio-mkimage, and through elftool solo5-virtio-run): Solo5 notes
 * are read from PT_NOTE segments only, never from sections, since a loader
 * sees segments. Each caller reads the bytes of a segment its own way (the
 * tender with pread(), the tools through libelf) and hands them here.
 * Pure functions on memory: no I/O, nothing trusted.
 */

#include <stddef.h>
#include <stdint.h>

#include "elf_abi.h"
#include "mft_abi.h"

struct elfnote_info {
    int has_abi;          /* 1 if a Solo5 ABI note was found */
    struct abi1_info abi; /* valid if has_abi (target not checked here) */
    int has_mft;          /* 1 if a Solo5 manifest note was found */
    struct mft1 mft;      /* valid if has_mft (decoded, not yet checked) */
};

/*
 * Walks the notes in the SIZE bytes at P, the contents of PT_NOTE segment
 * number SEG, and records the Solo5 ones in INFO (which the caller zeroes
 * once per file). Notes of other owners are skipped but must be well
 * formed. A Solo5 ABI note must have a 16-byte descriptor, a manifest note
 * one of 4 + 8 + 104 * N bytes with N entries, N its own entry count; a
 * second note of either type is an error. Returns 0, or -1 with a one-line
 * reason (no file name, no tool prefix) in ERR.
 */
int elf_notes_parse(const uint8_t *p, size_t size, unsigned seg,
                    struct elfnote_info *info, char *err, size_t errlen);

/*
 * Checks the SIZE bytes at P, the contents of a PT_INTERP segment: the only
 * interpreter a unikernel may name is SOLO5_STUB_INTERP (padded with NULs),
 * which Solo5's bindings use to keep host kernels from running it. Returns
 * 0, or -1 with a reason in ERR.
 */
int elf_interp_check(const uint8_t *p, size_t size, char *err, size_t errlen);

/*
 * Checks that INFO (all notes of a file) has an ABI note, else fails with
 * the one message every reader gives for a file without one. Returns 0 or
 * -1 with the reason in ERR.
 */
int elf_notes_require_abi(const struct elfnote_info *info, char *err,
                          size_t errlen);

/*
 * Returns the name of ABI target TARGET ("hvt", "spt", "virtio", "muen",
 * "genode", "xen"), or NULL for a number no Solo5 target has.
 */
const char *elf_abi_target_name(uint32_t target);

#endif /* ELF_NOTES_H_INCLUDED */
