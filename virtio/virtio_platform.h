/* virtio_platform.h: the little the virtio drivers need from their platform. */

/*
 * The drivers in virtio/ know the virtio 1.x specification and PCI; the
 * platform (bindings/virtio/vplat.c) knows the machine. Memory is identity
 * mapped: a pointer the platform hands out is also the physical address
 * the device uses.
 */

#ifndef VIRTIO_PLATFORM_H_INCLUDED
#define VIRTIO_PLATFORM_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The platform's C runtime provides these, as the compiler expects. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

/* Port I/O. The port must have been allowed with vplat_io_allow(). */
uint8_t vplat_inb(uint16_t port);
uint16_t vplat_inw(uint16_t port);
uint32_t vplat_inl(uint16_t port);
void vplat_outb(uint16_t port, uint8_t v);
void vplat_outw(uint16_t port, uint16_t v);
void vplat_outl(uint16_t port, uint32_t v);

/*
 * Makes ports [PORT, PORT + N) usable by the drivers. Only during probing
 * (before vplat_mmio_map() mappings take effect); false otherwise.
 */
bool vplat_io_allow(uint16_t port, unsigned n);

/* PCI configuration space of function BDF (bus << 8 | device << 3 | fn). */
uint32_t vplat_pci_read32(uint32_t bdf, unsigned off);
void vplat_pci_write32(uint32_t bdf, unsigned off, uint32_t v);
uint8_t vplat_pci_read8(uint32_t bdf, unsigned off);
uint16_t vplat_pci_read16(uint32_t bdf, unsigned off);
void vplat_pci_write16(uint32_t bdf, unsigned off, uint16_t v);

/*
 * Reserves an uncached mapping of the physical range [PA, PA + LEN) and
 * returns its address. Only during probing; the mapping is usable once
 * probing is over and devices are initialised. NULL if it cannot be
 * mapped.
 */
volatile void *vplat_mmio_map(uint64_t pa, uint64_t len);

/* SIZE bytes of zeroed memory aligned to ALIGN (a power of two); NULL if out.
 */
void *vplat_alloc(size_t size, size_t align);

/* The address a device uses for P (memory is identity mapped). */
static inline uint64_t vplat_phys(const volatile void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/*
 * Calls FN(ARG) at interrupt level whenever legacy PCI interrupt line LINE
 * fires; FN must acknowledge its device. False if LINE is unusable.
 */
bool vplat_irq_register(uint8_t line, void (*fn)(void *), void *arg);

/* Monotonic time in nanoseconds, for bounded waits. */
uint64_t vplat_clock_ns(void);

/* Console output for driver diagnostics, printf-style (see bindings.h). */
void vplat_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Memory barriers: x86 keeps stores in order, but not a store before a load. */
static inline void vplat_wmb(void)
{
    __asm__ __volatile__("" ::: "memory");
}
static inline void vplat_rmb(void)
{
    __asm__ __volatile__("" ::: "memory");
}
static inline void vplat_mb(void)
{
    __asm__ __volatile__("lock addl $0, (%%rsp)" ::: "memory", "cc");
}

/* A spin-wait hint. */
static inline void vplat_pause(void)
{
    __asm__ __volatile__("pause" ::: "memory");
}

#endif /* VIRTIO_PLATFORM_H_INCLUDED */
