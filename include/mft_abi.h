/*
 * mft_abi.h: the binary form of the application manifest (an ELF note).
 *
 * solo5-elftool gen-manifest turns manifest.json into C source that
 * declares this note; the bindings read it at run time to look devices up
 * by name, and the tender reads it from the ELF file to attach host
 * devices. Self-contained C99, layout checked at compile time.
 */

#ifndef SOLO5_MFT_ABI_H_INCLUDED
#define SOLO5_MFT_ABI_H_INCLUDED

#include <stdint.h>

#include "elf_abi.h"

#define MFT_VERSION     1u
#define MFT_MAX_ENTRIES 63u /* handles fit a 64-bit set with one spare */
#define MFT_NAME_MAX    67u /* characters, ASCII letters and digits */
#define MFT_NAME_SIZE   68u /* with the terminating NUL */

enum mft_type { MFT_DEV_NET_BASIC = 1, MFT_DEV_BLOCK_BASIC = 2 };

struct mft1_entry {
    char name[MFT_NAME_SIZE]; /* NUL-terminated, NUL-padded */
    uint32_t type;            /* enum mft_type */
};

/* Descriptor of the SOLO5_NOTE_MANIFEST note. */
struct mft1 {
    uint32_t version; /* MFT_VERSION */
    uint32_t entries; /* entries used in e[], at most MFT_MAX_ENTRIES */
    struct mft1_entry e[MFT_MAX_ENTRIES];
};

/* A whole manifest note as laid out in the section. */
struct mft1_note {
    struct solo5_nhdr h;
    char name[SOLO5_NOTE_NAME_PADDED];
    struct mft1 m;
};

ABI_STATIC_ASSERT(sizeof(struct mft1_entry) == 72, "mft1_entry is 72 bytes");
ABI_STATIC_ASSERT(sizeof(struct mft1) == 8 + 63 * 72, "mft1 size");
ABI_STATIC_ASSERT(sizeof(struct mft1_note) == 20 + sizeof(struct mft1),
                  "mft1_note size");

/*
 * Used by the C file that gen-manifest writes:
 *
 *   MFT1_NOTE_DECLARE_BEGIN
 *   {
 *       .version = MFT_VERSION, .entries = 1,
 *       .e = { { .name = "service0", .type = MFT_DEV_NET_BASIC } }
 *   }
 *   MFT1_NOTE_DECLARE_END
 */
#define MFT1_NOTE_DECLARE_BEGIN                                                \
    const struct mft1_note __solo5_mft1_note                                   \
        __attribute__((section(".note.solo5.manifest"), aligned(4), used)) = { \
            .h = { .n_namesz = SOLO5_NOTE_NAMESZ,                              \
                   .n_descsz = sizeof(struct mft1),                            \
                   .n_type = SOLO5_NOTE_MANIFEST },                            \
            .name = SOLO5_NOTE_NAME,                                           \
            .m =
#define MFT1_NOTE_DECLARE_END                                                  \
    }                                                                          \
    ;

#endif /* SOLO5_MFT_ABI_H_INCLUDED */
