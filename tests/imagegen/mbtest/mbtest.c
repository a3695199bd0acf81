/* mbtest.c: a tiny Multiboot kernel that proves a disk image boots: prints its
 * command line on COM1, then powers off. */
#include <stdint.h>
#include "elf_abi.h"

/* Marks this file as a virtio unikernel, as the image generator demands. */
ABI1_NOTE_DECLARE(ABI_TARGET_VIRTIO, VIRTIO_ABI_VERSION);

#define COM1            0x3f8
#define DEBUG_EXIT_PORT 0x501 /* QEMU isa-debug-exit default iobase */

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void serial_init(void)
{
    outb(COM1 + 1, 0x00); /* no interrupts */
    outb(COM1 + 3, 0x80); /* DLAB */
    outb(COM1 + 0, 0x01); /* 115200 */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0xc7);
}

static void putc_(char c)
{
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (uint8_t)c);
}

static void puts_(const char *s)
{
    while (*s) {
        if (*s == '\n')
            putc_('\r');
        putc_(*s++);
    }
}

static int mem_eq(const void *a, const char *b, int n)
{
    const char *p = a;
    for (int i = 0; i < n; i++)
        if (p[i] != b[i])
            return 0;
    return 1;
}

static const uint8_t *rsdp_scan(uint32_t start, uint32_t len)
{
    uint32_t end = start + len;
    for (uint32_t a = (start + 15) & ~15u; a + 20 <= end; a += 16)
        if (mem_eq((const void *)a, "RSD PTR ", 8))
            return (const uint8_t *)a;
    return 0;
}

/*
 * ACPI S5: what a cloud VM without the debug-exit port needs so that QEMU
 * (or the cloud) sees the machine stop rather than sit halted.
 */
/*
 * UEFI firmware keeps the RSDP out of the BIOS area and Multiboot v1 does
 * not pass it: it lies in memory the map marks as ACPI (3, reclaimable) or
 * NVS (4), below 4 GiB for this 32-bit kernel.
 */
static const uint8_t *rsdp_in_mmap(const uint32_t *mbi)
{
    if (!(mbi[0] & (1u << 6)))
        return 0;
    uint32_t p = mbi[12], end = mbi[12] + mbi[11];
    while (p < end) {
        const uint32_t *e = (const uint32_t *)p;
        uint32_t base = e[1], base_hi = e[2], len = e[3], type = e[5];
        if ((type == 3 || type == 4) && base_hi == 0 && len) {
            const uint8_t *r = rsdp_scan(base, len);
            if (r)
                return r;
        }
        p += e[0] + 4;
    }
    return 0;
}

static void acpi_poweroff(const uint32_t *mbi)
{
    uint32_t ebda = (uint32_t)(*(volatile uint16_t *)0x40e) << 4;
    const uint8_t *rsdp = 0;
    if (ebda >= 0x80000 && ebda < 0xa0000)
        rsdp = rsdp_scan(ebda, 1024);
    if (!rsdp)
        rsdp = rsdp_scan(0xe0000, 0x20000);
    if (!rsdp)
        rsdp = rsdp_in_mmap(mbi);
    if (!rsdp) {
        puts_("mbtest: no ACPI RSDP found\n");
        return;
    }
    const uint8_t *rsdt = (const uint8_t *)*(const uint32_t *)(rsdp + 16);
    uint32_t rlen = *(const uint32_t *)(rsdt + 4);
    for (uint32_t i = 36; i + 4 <= rlen; i += 4) {
        const uint8_t *t = (const uint8_t *)*(const uint32_t *)(rsdt + i);
        if (!mem_eq(t, "FACP", 4))
            continue;
        uint32_t pm1a = *(const uint32_t *)(t + 64);
        const uint8_t *dsdt = (const uint8_t *)*(const uint32_t *)(t + 40);
        uint32_t dlen = *(const uint32_t *)(dsdt + 4);
        for (uint32_t j = 36; j + 8 < dlen; j++) {
            if (!mem_eq(dsdt + j, "_S5_", 4) || dsdt[j + 4] != 0x12)
                continue;
            const uint8_t *p = dsdt + j + 5;
            p += (*p >> 6) + 1; /* PkgLength */
            p++;                /* NumElements */
            uint16_t typ = (*p == 0x0a) ? p[1] : *p;
            outw((uint16_t)pm1a, (uint16_t)((typ << 10) | (1 << 13)));
            return;
        }
    }
}

void mbtest_main(uint32_t magic, const uint32_t *mbi);

void mbtest_main(uint32_t magic, const uint32_t *mbi)
{
    serial_init();
    puts_("\nmbtest: booted\n");
    if (magic != 0x2BADB002) {
        puts_("mbtest: FAILURE: bad Multiboot magic\n");
        outb(DEBUG_EXIT_PORT, 1);
        return;
    }
    /*
     * GRUB puts a backslash before each backslash and quote of the command
     * line (the image generator keeps spaces out of its arguments, so that
     * is all it adds); undo it so that every loader shows the same line.
     */
    int grub = (mbi[0] & (1u << 9)) && mem_eq((const char *)mbi[16], "GRUB", 4);
    puts_("mbtest: loader=");
    puts_((mbi[0] & (1u << 9)) ? (const char *)mbi[16] : "?");
    puts_("\nmbtest: cmdline=[");
    if (mbi[0] & (1u << 2)) {
        const char *c = (const char *)mbi[4];
        for (; *c; c++) {
            if (grub && c[0] == '\\' &&
                (c[1] == '\\' || c[1] == '\'' || c[1] == '"'))
                c++;
            putc_(*c);
        }
    }
    puts_("]\n");
    puts_("mbtest: SUCCESS\n");
    /* QEMU's isa-debug-exit turns 0 into exit status 1. */
    outb(DEBUG_EXIT_PORT, 0);
    acpi_poweroff(mbi);
}
