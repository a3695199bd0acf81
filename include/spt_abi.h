/*
 * spt_abi.h: the interface between solo5-spt and the spt bindings.
 *
 * On spt the unikernel runs inside the tender's own Linux process, behind
 * a seccomp filter, and talks to the host kernel directly with the few
 * system calls the filter allows. The tender's only message to the guest
 * is the boot information below: where the heap is, the command line and
 * the host descriptor behind each manifest entry. Self-contained C99;
 * layouts are checked at compile time.
 */

#ifndef SOLO5_SPT_ABI_H_INCLUDED
#define SOLO5_SPT_ABI_H_INCLUDED

#include <stdint.h>

#include "elf_abi.h"
#include "mft_abi.h"

/*
 * The version of this interface, carried in the unikernel's ABI note
 * (target ABI_TARGET_SPT). solo5-spt refuses any other.
 */
#define SPT_ABI_VERSION 1u

/*
 * Address-space layout. The unikernel is a static, non-PIE executable
 * linked at SPT_IMAGE_BASE; the tender is a PIE that the kernel loads far
 * above it, so the two never overlap. Everything below SPT_BOOT_INFO_BASE
 * stays unmapped (NULL dereferences fault). The image must end below
 * SPT_IMAGE_LIMIT; the heap follows the image.
 */
#define SPT_BOOT_INFO_BASE 0x10000ull
#define SPT_BOOT_INFO_SIZE 0x10000ull /* boot info, then the command line */
#define SPT_IMAGE_BASE     0x100000ull
#define SPT_IMAGE_LIMIT    0x40000000ull /* 1 GiB */
#define SPT_CMDLINE_MAX    8192u         /* bytes, with the terminating NUL */

/* The largest block request, in bytes (SOLO5_BLOCK_IO_MAX). */
#define SPT_BLOCK_IO_MAX (1024u * 1024u)

/* struct spt_devinfo.flags */
#define SPT_DEV_ATTACHED 1u

/* What the tender attached to one manifest entry (indexed by handle). */
struct spt_devinfo {
    uint32_t type;       /* enum mft_type, copied from the manifest */
    uint32_t flags;      /* SPT_DEV_ATTACHED */
    int32_t hostfd;      /* the host descriptor (tap or block file) */
    uint32_t reserved;   /* zero */
    uint8_t mac[8];      /* NET_BASIC: MAC address (6 bytes used) */
    uint64_t mtu;        /* NET_BASIC: MTU, without the Ethernet header */
    uint64_t capacity;   /* BLOCK_BASIC: bytes */
    uint64_t block_size; /* BLOCK_BASIC: bytes */
};

/* struct spt_boot_info.cpu_features */
#define SPT_CPU_FSGSBASE 1u /* WRFSBASE works at user level (Linux >= 5.9) */

/*
 * The boot information, at SPT_BOOT_INFO_BASE, read-only once the guest
 * runs. The tender enters the guest at its ELF entry point with RDI
 * holding SPT_BOOT_INFO_BASE and RSP at heap_end.
 */
struct spt_boot_info {
    uint64_t abi_version; /* SPT_ABI_VERSION */
    uint64_t mem_size;    /* bytes of heap the tender was asked for */
    uint64_t heap_start;  /* first byte after the image (page aligned) */
    uint64_t heap_end;    /* heap is [heap_start, heap_end); stack on top */
    uint64_t cmdline;     /* address of the NUL-terminated command line */
    uint32_t cpu_features;
    uint32_t ndevices; /* == manifest entries */
    struct spt_devinfo dev[MFT_MAX_ENTRIES];
};

ABI_STATIC_ASSERT(sizeof(struct spt_devinfo) == 48, "spt_devinfo size");
ABI_STATIC_ASSERT(sizeof(struct spt_boot_info) == 48 + 63 * 48,
                  "spt_boot_info size");
ABI_STATIC_ASSERT(sizeof(struct spt_boot_info) + SPT_CMDLINE_MAX <=
                      SPT_BOOT_INFO_SIZE,
                  "boot info and command line fit their pages");

#endif /* SOLO5_SPT_ABI_H_INCLUDED */
