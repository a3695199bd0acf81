/* mft_check.h: validation of a binary manifest (struct mft1) from a note. */
/* Host code shared by the tender and the tools, like elf_notes.h. */

#ifndef MFT_CHECK_H_INCLUDED
#define MFT_CHECK_H_INCLUDED

#include <stddef.h>

#include "mft_abi.h"

/*
 * Checks that M is a well-formed version 1 manifest, as gen-manifest (ours
 * or Solo5's) would have produced it: version MFT_VERSION, 1 to
 * MFT_MAX_ENTRIES entries, entry 0 of type MFT_RESERVED_FIRST, every other
 * entry with a name of 1 to MFT_NAME_MAX ASCII letters and digits,
 * NUL-padded, unique, and a known device type; every unused entry all
 * zero. M may come from a hostile file: nothing in it is trusted.
 *
 * Returns 0, or -1 with a one-line reason (no tool prefix) in ERR.
 */
int mft_check(const struct mft1 *m, char *err, size_t errlen);

/*
 * Returns the manifest spelling ("NET_BASIC", "BLOCK_BASIC") of device
 * type TYPE, or NULL if TYPE is not a known enum mft_type.
 */
const char *mft_type_name(uint32_t type);

#endif /* MFT_CHECK_H_INCLUDED */
