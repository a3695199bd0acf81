/*
 * x86_64_tss.h: the layout of the 64-bit task-state segment and the
 * descriptor types the hvt tender and the virtio bindings load (Intel SDM
 * vol. 3, "Task-State Segment" and "Segment-Descriptor Types"). Used to
 * build the bindings and the tender; not installed.
 */

#ifndef X86_64_TSS_H_INCLUDED
#define X86_64_TSS_H_INCLUDED

#include <stdint.h>

/* The TSS's fixed part; the I/O permission bitmap, if any, follows it. */
struct x86_64_tss {
    uint32_t reserved0;
    uint64_t rsp[3]; /* stacks for traps from CPL3..1 to CPL0..2 */
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iopb_offset; /* from the TSS's base */
} __attribute__((packed));

_Static_assert(sizeof(struct x86_64_tss) == 104, "the TSS's fixed part");

/* Descriptor types, with the accessed bit set where there is one. */
#define X86_64_SEG_DATA_RW   3  /* code or data descriptor (S=1) */
#define X86_64_SEG_CODE_XR   11 /* code or data descriptor (S=1) */
#define X86_64_SYS_LDT       2  /* system descriptor (S=0) */
#define X86_64_SYS_TSS_AVAIL 9  /* system descriptor (S=0) */
#define X86_64_SYS_TSS_BUSY  11 /* system descriptor (S=0) */

#endif /* X86_64_TSS_H_INCLUDED */
