/* tss.c: the TSS: the CPL0 stack, and the I/O permission bitmap that lets CPL3
 * use chosen ports. */

/*
 * PVM does not honour an IOPL the guest sets for itself, but it does
 * honour the bitmap; hardware does both. A set bit denies a port. The
 * bitmap is written at CPL3 while the boot page tables still map the TSS;
 * the final page tables make it supervisor-only (tss_seal()).
 */

#include "platform.h"
#include "x86_64_tss.h"

_Static_assert(sizeof(struct x86_64_tss) == TSS_IOPB_OFFSET,
               "the I/O bitmap follows the TSS's fixed part");

static bool sealed;

static uint8_t *bitmap(void)
{
    return (uint8_t *)virtio_tss + TSS_IOPB_OFFSET;
}

extern char virtio_cpl0_stack_top[];

void tss_init(void)
{
    struct x86_64_tss *tss = (struct x86_64_tss *)virtio_tss;
    /* RSP0: where the CPU switches stacks on a trap from CPL3. */
    tss->rsp[0] = (uintptr_t)virtio_cpl0_stack_top;
    /* Where the bitmap lies; then it denies everything. */
    tss->iopb_offset = TSS_IOPB_OFFSET;
    memset(bitmap(), 0xff, 8192 + 1);
}

bool tss_io_allow(uint16_t port, unsigned n)
{
    if (sealed || (uint32_t)port + n > 65536)
        return false;
    uint8_t *b = bitmap();
    for (uint32_t p = port; p < (uint32_t)port + n; p++)
        b[p >> 3] &= (uint8_t) ~(1u << (p & 7));
    return true;
}

void tss_seal(void)
{
    sealed = true;
}
