/* tss.c: the TSS: the CPL0 stack, and the I/O permission bitmaps that let CPL3
 * use chosen ports. */

/*
 * PVM does not honour an IOPL the guest sets for itself, but it does
 * honour the bitmap; hardware does both. A set bit denies a port.
 *
 * There are two TSSs with one address: virtio_tss, which the boot and
 * set-up page tables map, and virtio_tss_sealed, which the sealed page
 * tables map at the same address once the devices are set up. Their
 * bitmaps differ: the drivers set their devices up through ports (PCI
 * configuration, a legacy device's queue registers) that the application
 * must not reach, since through them it could aim a device's DMA at any
 * memory. Both are written at CPL3 while the boot page tables still map
 * them; the final page tables make them supervisor-only (tss_seal()).
 */

#include "platform.h"
#include "x86_64_tss.h"

_Static_assert(sizeof(struct x86_64_tss) == TSS_IOPB_OFFSET,
               "the I/O bitmap follows the TSS's fixed part");

static bool sealed;

static uint8_t *bitmap(char *tss)
{
    return (uint8_t *)tss + TSS_IOPB_OFFSET;
}

extern char virtio_cpl0_stack_top[];

void tss_init(void)
{
    struct x86_64_tss *tss = (struct x86_64_tss *)virtio_tss;
    /* RSP0: where the CPU switches stacks on a trap from CPL3. */
    tss->rsp[0] = (uintptr_t)virtio_cpl0_stack_top;
    /* Where the bitmap lies; then it denies everything. */
    tss->iopb_offset = TSS_IOPB_OFFSET;
    memset(bitmap(virtio_tss), 0xff, 8192 + 1);
    memset(bitmap(virtio_tss_sealed), 0xff, 8192 + 1);
}

static bool allow(char *tss, uint16_t port, unsigned n)
{
    if (sealed || (uint32_t)port + n > 65536)
        return false;
    uint8_t *b = bitmap(tss);
    for (uint32_t p = port; p < (uint32_t)port + n; p++)
        b[p >> 3] &= (uint8_t) ~(1u << (p & 7));
    return true;
}

bool tss_io_allow(uint16_t port, unsigned n)
{
    return allow(virtio_tss, port, n) && allow(virtio_tss_sealed, port, n);
}

bool tss_io_allow_setup(uint16_t port, unsigned n)
{
    return allow(virtio_tss, port, n);
}

void tss_seal(void)
{
    sealed = true;
    memcpy(virtio_tss_sealed, virtio_tss, TSS_IOPB_OFFSET);
}
