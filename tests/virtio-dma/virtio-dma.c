/* virtio-dma: the application cannot aim a virtio device's DMA. A device
 * reads or writes whatever memory its queues' descriptors name, and is
 * set up through registers that say where those queues are; so once the
 * application runs, all of these must be out of its reach, and each
 * attempt below must fault or be refused. On other targets the symbols do
 * not exist and the test says so.
 * Command line:
 *   rings       write the first queue's descriptor table
 *   rings-read  write its used ring (allowed: the control), then read the
 *               descriptor table
 *   port P      write legacy I/O port P (a queue's address register)
 *   mmio A      write the byte at A (a modern device's status register)
 *   pci         select a PCI configuration register (port 0xcf8)
 *   freeze      ask CPL0 to freeze a queue over the IDT
 *   push        ask CPL0 to push chains the disk's queue (2 chains of 3
 *               descriptors, 1 MiB of data) does not have
 *   seal        ask CPL0 for the boot page tables as the sealed ones */

#include "solo5.h"
#include "selftest.h"

/* Weak: they exist only in the virtio binding. */
extern char virtio_idt[] __attribute__((weak));
extern char virtio_boot_pml4[] __attribute__((weak));
extern uintptr_t virtio_rings __attribute__((weak));
extern uint64_t virtio_cpl0_call(uint64_t op, uint64_t a1, uint64_t a2,
                                 uint64_t a3, uint64_t a4, uint64_t a5)
    __attribute__((weak));

/* The binding's request numbers (bindings/virtio/platform.h). */
#define CPL0_SEAL            5
#define CPL0_VIRTQ_FREEZE    6
#define CPL0_VIRTQ_PUSH      7
#define CPL0_VIRTQ_PUSH_MANY 8

/* A hexadecimal number after a "0x", as the boot log prints them. */
static uint64_t hex_arg(const char *s)
{
    uint64_t v = 0;
    if (s[0] == '0' && s[1] == 'x')
        s += 2;
    for (; *s; s++) {
        char c = *s;
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                                            : 16;
        if (d == 16)
            break;
        v = v << 4 | d;
    }
    return v;
}

static void outl(uint16_t port, uint32_t v)
{
    __asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *a = si->cmdline;

    if (virtio_idt == 0 || &virtio_rings == 0) {
        puts_("virtio-dma: not the virtio target\n");
        return 2;
    }
    if (str_eq(a, "rings")) {
        puts_("virtio-dma: writing the rings\n");
        *(volatile uint8_t *)virtio_rings = 0x55;
        puts_("FAILURE: wrote the rings\n");
        return 1;
    }
    if (str_eq(a, "rings-read")) {
        /* The used ring flags, on the slot's third page: no harm done. */
        *(volatile uint16_t *)(virtio_rings + 2 * 4096) = 0;
        puts_("virtio-dma: wrote the used ring\n");
        puts_("virtio-dma: reading the rings\n");
        (void)*(volatile uint8_t *)virtio_rings;
        puts_("FAILURE: read the rings\n");
        return 1;
    }
    if (starts_with(a, "port ")) {
        uint16_t port = (uint16_t)hex_arg(a + 5);
        say("virtio-dma: writing the ", a);
        outl(port, 0x1000);
        say("FAILURE: wrote the ", a);
        return 1;
    }
    if (starts_with(a, "mmio ")) {
        volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)hex_arg(a + 5);
        say("virtio-dma: writing the ", a);
        *p = 0;
        say("FAILURE: wrote the ", a);
        return 1;
    }
    if (str_eq(a, "pci")) {
        puts_("virtio-dma: writing the pci address port\n");
        outl(0xcf8, 0x80000000u);
        puts_("FAILURE: wrote the pci address port\n");
        return 1;
    }
    if (str_eq(a, "freeze")) {
        uint64_t r =
            virtio_cpl0_call(CPL0_VIRTQ_FREEZE, 0, (uintptr_t)virtio_idt,
                             256 | 1u << 16 | 256ULL << 32, 4096, 0);
        if (r == 0) {
            puts_("FAILURE: CPL0 froze a queue over the IDT\n");
            return 1;
        }
        puts_("virtio-dma: freeze refused\nSUCCESS\n");
        return 0;
    }
    if (str_eq(a, "push")) {
        /* Past the chains, between heads, longer than the buffer. */
        static const uint64_t bad[][2] = {
            { 6, 512 }, { 1, 512 }, { 0, (1 << 20) + 1 }, { 255, 0 }
        };
        for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            if (virtio_cpl0_call(CPL0_VIRTQ_PUSH, 0, bad[i][0], bad[i][1], 0,
                                 0) == 0) {
                puts_("FAILURE: CPL0 pushed a chain the queue does not have\n");
                return 1;
            }
        }
        /* Many at once: refused whole if one head is bad (the second). */
        if (virtio_cpl0_call(CPL0_VIRTQ_PUSH_MANY, 0, 0xffffffff00060000ULL,
                             ~0ULL, ~0ULL, ~0ULL) == 0) {
            puts_("FAILURE: CPL0 pushed a batch with a bad head\n");
            return 1;
        }
        /* Nor a queue that was never frozen (slot 95: none here). */
        if (virtio_cpl0_call(CPL0_VIRTQ_PUSH, 95, 0, 0, 0, 0) == 0 ||
            virtio_cpl0_call(CPL0_VIRTQ_PUSH, 96, 0, 0, 0, 0) == 0) {
            puts_("FAILURE: CPL0 pushed to a queue never frozen\n");
            return 1;
        }
        puts_("virtio-dma: pushes refused\nSUCCESS\n");
        return 0;
    }
    if (str_eq(a, "seal")) {
        puts_("virtio-dma: asking CPL0 for the boot page tables\n");
        virtio_cpl0_call(CPL0_SEAL, (uintptr_t)virtio_boot_pml4, 0, 0, 0, 0);
        puts_("virtio-dma: writing the idt\n");
        *(volatile char *)virtio_idt = 0;
        puts_("FAILURE: wrote the idt\n");
        return 1;
    }
    puts_("FAILURE: usage: rings | rings-read | port P | mmio A | pci "
          "| freeze | push | seal\n");
    return 1;
}
