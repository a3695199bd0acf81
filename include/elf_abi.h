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
 * the note) and one of the types below; the layouts are Solo5's, byte for
 * byte. Notes use the 4-byte note layout (the descriptor starts 20 bytes
 * into the note). Each Solo5 note starts its own PT_NOTE segment, where
 * Solo5's tools look for it; ours read every note of every PT_NOTE.
 */
#define SOLO5_NOTE_NAME        "Solo5"
#define SOLO5_NOTE_NAMESZ      6 /* strlen("Solo5") + 1 */
#define SOLO5_NOTE_NAME_PADDED 8 /* namesz rounded up to 4 */

/*
 * The PT_INTERP of a stub executable (the stub target, linked when no
 * target is named): a path that never exists, so the host kernel refuses
 * to run the file. The trailing slash keeps it a non-file even if someone
 * creates /nonexistent/solo5. Our tools accept this interpreter (Solo5's
 * own bindings may carry it on every target) and refuse any other.
 */
#define SOLO5_STUB_INTERP "/nonexistent/solo5/"

#define SOLO5_NOTE_ABI      0x31494241u /* "ABI1": struct abi1_info */
#define SOLO5_NOTE_MANIFEST 0x3154464du /* "MFT1": struct mft1 */

/*
 * Targets a unikernel can be built for, numbered as in Solo5's ABI1 note
 * (so either toolchain's tools name the other's unikernels correctly).
 * This tree builds hvt, virtio and (soon) spt; the others are named so
 * that a refusal can say what a file is.
 */
enum abi_target {
    ABI_TARGET_INVALID = 0,
    ABI_TARGET_HVT = 1,
    ABI_TARGET_SPT = 2,
    ABI_TARGET_VIRTIO = 3,
    ABI_TARGET_MUEN = 4,
    ABI_TARGET_GENODE = 5,
    ABI_TARGET_XEN = 6
};

/*
 * The ABI version of each target. A tender or loader refuses a unikernel
 * whose target or version differs from its own, naming both.
 *
 * HVT_ABI_VERSION: our hvt hypercall interface (hvt_abi.h) is not Solo5's,
 * so an hvt unikernel built by one toolchain must not run on the other's
 * tender. Solo5 numbers its hvt ABI 1 (before 0.8) and 2 (since); ours
 * counts from 1001, far from that small counter, so neither tender ever
 * takes the other's hvt unikernels. Bump it at every incompatible change.
 *
 * VIRTIO_ABI_VERSION: the virtio target boots through Multiboot and talks
 * only to (virtual) hardware, so Solo5's virtio unikernels (version 1) and
 * ours are interchangeable: same number.
 */
#define HVT_ABI_VERSION     1001u
#define HVT_ABI_VERSION_MIN 1001u /* below: Solo5's numbering, not ours */
#define VIRTIO_ABI_VERSION  1u

/*
 * Descriptor of the SOLO5_NOTE_ABI note: 16 bytes, as in Solo5. The
 * reserved words are written as zero and ignored when read.
 */
struct abi1_info {
    uint32_t target;  /* enum abi_target */
    uint32_t version; /* the target's ABI version */
    uint32_t reserved0;
    uint32_t reserved1;
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
ABI_STATIC_ASSERT(sizeof(struct abi1_info) == 16, "abi1_info is 16 bytes");
ABI_STATIC_ASSERT(sizeof(struct abi1_note) == 36, "abi1_note is 36 bytes");

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

/* Solo5's spellings of the note constants, for code written against it. */
#define ABI1_NOTE_NAME SOLO5_NOTE_NAME
#define ABI1_NOTE_TYPE SOLO5_NOTE_ABI

#endif /* SOLO5_ELF_ABI_H_INCLUDED */
