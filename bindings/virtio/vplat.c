/* vplat.c: the platform interface the virtio drivers are written against. */

#include <stdarg.h>

#include "platform.h"
#include "virtio_platform.h"

uint8_t vplat_inb(uint16_t port)
{
    return io_inb(port);
}
uint16_t vplat_inw(uint16_t port)
{
    return io_inw(port);
}
uint32_t vplat_inl(uint16_t port)
{
    return io_inl(port);
}
void vplat_outb(uint16_t port, uint8_t v)
{
    io_outb(port, v);
}
void vplat_outw(uint16_t port, uint16_t v)
{
    io_outw(port, v);
}
void vplat_outl(uint16_t port, uint32_t v)
{
    io_outl(port, v);
}

bool vplat_io_allow(uint16_t port, unsigned n, bool runtime)
{
    return runtime ? tss_io_allow(port, n) : tss_io_allow_setup(port, n);
}

uint32_t vplat_pci_read32(uint32_t bdf, unsigned off)
{
    return pci_read32(bdf, off);
}
void vplat_pci_write32(uint32_t bdf, unsigned off, uint32_t v)
{
    pci_write32(bdf, off, v);
}
uint8_t vplat_pci_read8(uint32_t bdf, unsigned off)
{
    return (uint8_t)(pci_read32(bdf, off) >> (8 * (off & 3)));
}
uint16_t vplat_pci_read16(uint32_t bdf, unsigned off)
{
    return (uint16_t)(pci_read32(bdf, off) >> (8 * (off & 2)));
}
void vplat_pci_write16(uint32_t bdf, unsigned off, uint16_t v)
{
    pci_write16(bdf, off, v);
}

volatile void *vplat_mmio_map(uint64_t pa, uint64_t len, bool runtime)
{
    if (!pt_mmio_reserve(pa, len, runtime))
        return NULL;
    return (volatile void *)(uintptr_t)pa;
}

void *vplat_alloc(size_t size, size_t align)
{
    return mem_alloc(size, align);
}

bool vplat_irq_register(uint8_t line, void (*fn)(void *), void *arg)
{
    return intr_register(line, fn, arg);
}

uint64_t vplat_clock_ns(void)
{
    return clock_now();
}

void vplat_log(const char *fmt, ...)
{
    va_list ap;
    platform_puts("Solo5: ", 7);
    va_start(ap, fmt);
    log_vprintf(fmt, ap);
    va_end(ap);
}
