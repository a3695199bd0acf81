/*
 * elf_abi.h: the ELF notes every unikernel carries (target/ABI, manifest).
 *
 * Shared by the bindings (which emit the notes), solo5-elftool, the tender
 * and the image generator (which read them). Self-contained C99; every
 * structure that is read across the boundary has its layout checked at
 * compile time. All fields are little-endian, as on the only supported
 * architecture (x86_64).
 */

#ifndef SOLO5_ELF_ABI_H_INCLUDED
#define SOLO5_ELF_ABI_H_INCLUDED

#include <stdint.h>

/*
 * Every Solo5 note has the name "Solo5" (with its NUL, padded to 8 bytes in
 * the note) and one of the types below. Notes are 4-byte aligned, as is
 * usual for SHT_NOTE on Linux, so descriptors hold only 32-bit fields.
 */
#define SOLO5_NOTE_NAME        "Solo5"
#define SOLO5_NOTE_NAMESZ      6 /* strlen("Solo5") + 1 */
#define SOLO5_NOTE_NAME_PADDED 8 /* namesz rounded up to 4 */

#define SOLO5_NOTE_ABI      0x31494241u /* "ABI1": struct abi1_info */
#define SOLO5_NOTE_MANIFEST 0x3154464du /* "MFT1": struct mft1 */

/* Targets a unikernel can be built for. */
enum abi_target {
    ABI_TARGET_INVALID = 0,
    ABI_TARGET_HVT = 1,
    ABI_TARGET_VIRTIO = 2,
    /* Solo5 numbers spt 2; 4 until the targets are renumbered (lead). */
    ABI_TARGET_SPT = 4
};

/*
 * The ABI version of each target. A tender or loader refuses a unikernel
 * whose target or version differs from its own, naming both.
 */
#define HVT_ABI_VERSION    1u
#define VIRTIO_ABI_VERSION 1u

/* Descriptor of the SOLO5_NOTE_ABI note. */
struct abi1_info {
    uint32_t target;  /* enum abi_target */
    uint32_t version; /* the target's ABI version */
};

/* The common note header, as Elf32_Nhdr / Elf64_Nhdr. */
struct solo5_nhdr {
    uint32_t n_namesz;
    uint32_t n_descsz;
    uint32_t n_type;
};

/* A whole ABI note as laid out in the section. */
struct abi1_note {
    struct solo5_nhdr h;
    char name[SOLO5_NOTE_NAME_PADDED];
    struct abi1_info desc;
};

/*
 * Compile-time layout checks: _Static_assert in C11 and later; in C99 a
 * typedef of an array whose size is -1 when the condition fails.
 */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define ABI_STATIC_ASSERT(c, m) _Static_assert(c, m)
#else
#define ABI_SA_JOIN2(a, b) a##b
#define ABI_SA_JOIN(a, b)  ABI_SA_JOIN2(a, b)
#ifdef __COUNTER__
#define ABI_SA_ID __COUNTER__
#else
#define ABI_SA_ID __LINE__
#endif
#define ABI_STATIC_ASSERT(c, m)                                                \
    typedef char ABI_SA_JOIN(abi_static_assert_, ABI_SA_ID)[(c) ? 1 : -1]
#endif
ABI_STATIC_ASSERT(sizeof(struct solo5_nhdr) == 12, "nhdr is 12 bytes");
ABI_STATIC_ASSERT(sizeof(struct abi1_info) == 8, "abi1_info is 8 bytes");
ABI_STATIC_ASSERT(sizeof(struct abi1_note) == 28, "abi1_note is 28 bytes");

/*
 * Declares the ABI note for TARGET/VERSION in the bindings. The section is
 * allocated, so the note is also in a loaded segment, and the linker
 * scripts give it a PT_NOTE program header.
 */
#define ABI1_NOTE_DECLARE(target_, version_)                                   \
    const struct abi1_note __solo5_abi1_note                                   \
        __attribute__((section(".note.solo5.abi"), aligned(4), used)) = {      \
            .h = { .n_namesz = SOLO5_NOTE_NAMESZ,                              \
                   .n_descsz = sizeof(struct abi1_info),                       \
                   .n_type = SOLO5_NOTE_ABI },                                 \
            .name = SOLO5_NOTE_NAME,                                           \
            .desc = { .target = (target_), .version = (version_) }             \
        }

#endif /* SOLO5_ELF_ABI_H_INCLUDED */
