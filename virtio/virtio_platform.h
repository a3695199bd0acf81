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

struct virtq;

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
 * Makes ports [PORT, PORT + N) usable by the drivers: while they set their
 * devices up, and with RUNTIME also once the application runs (only what
 * cannot redirect a device's DMA: notify and interrupt status). Only
 * during probing; false otherwise.
 */
bool vplat_io_allow(uint16_t port, unsigned n, bool runtime);

/* PCI configuration space of function BDF (bus << 8 | device << 3 | fn). */
uint32_t vplat_pci_read32(uint32_t bdf, unsigned off);
void vplat_pci_write32(uint32_t bdf, unsigned off, uint32_t v);
uint8_t vplat_pci_read8(uint32_t bdf, unsigned off);
uint16_t vplat_pci_read16(uint32_t bdf, unsigned off);
void vplat_pci_write16(uint32_t bdf, unsigned off, uint16_t v);

/*
 * Reserves an uncached mapping of the physical range [PA, PA + LEN) and
 * returns its address. Only during probing; the mapping is usable once
 * probing is over and devices are initialised, and with RUNTIME false
 * only until the application starts (a page shared with a RUNTIME range
 * is not mapped for it either). NULL if it cannot be mapped.
 */
volatile void *vplat_mmio_map(uint64_t pa, uint64_t len, bool runtime);

/* SIZE bytes of zeroed memory aligned to ALIGN (a power of two); NULL if out.
 */
void *vplat_alloc(size_t size, size_t align);

/*
 * As vplat_alloc() for *SIZE bytes, or if that fails for a quarter as
 * many, and so on down to MIN; *SIZE says what it got. NULL if not even
 * MIN bytes are left. For buffers that work at any size, best large.
 */
static inline void *vplat_alloc_largest(size_t *size, size_t min, size_t align)
{
    for (; *size >= min; *size /= 4) {
        void *p = vplat_alloc(*size, align);
        if (p != NULL)
            return p;
    }
    return NULL;
}

/*
 * Rings for a queue of NUM entries in the legacy layout (virtq_bytes()),
 * placed so that the descriptor table and avail ring share no page with
 * the used ring: once the application runs, only the platform's
 * privileged side writes the former. NULL if NUM is over VIRTQ_MAX_SIZE
 * or the rings reserved at probing are all taken.
 */
void *vplat_ring_alloc(uint16_t num);

/*
 * Freezes Q's descriptor table, whose first CHAINS * STRIDE entries the
 * driver has filled: CHAINS chains of STRIDE descriptors each. From now
 * on only virtq_push() changes it, and only the length of descriptor
 * HEAD + VAROFF of a chain HEAD (a multiple of STRIDE), to at most CAP.
 * So every buffer the device may touch stays one the driver chose at
 * set-up. Before the application starts; false if Q cannot be frozen.
 */
bool vplat_virtq_freeze(struct virtq *q, uint16_t chains, uint16_t stride,
                        uint16_t varoff, uint32_t cap);

/*
 * Sets the variable length of chain HEAD of Q to LEN and makes the chain
 * available to the device (the avail ring's entry, then its index). False
 * if HEAD or LEN break the rule Q was frozen with.
 */
bool vplat_virtq_push(struct virtq *q, uint16_t head, uint32_t len);

/*
 * As vplat_virtq_push() for the N (at most VIRTQ_PUSH_MANY) chains HEADS,
 * each at the full length, the cap: one privileged request for them all.
 * False, and nothing pushed, if any head breaks Q's rule.
 */
bool vplat_virtq_push_many(struct virtq *q, const uint16_t *heads, unsigned n);

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
