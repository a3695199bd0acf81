/* pagetables.c: the final page tables: W^X, no page 0, CPL0 code and state
 * hidden; and their sealed twin, with the devices' controls hidden too. */

/*
 * Built at CPL3 (native speed on PVM) into tables the CPU is not using
 * yet, then loaded by one CPL0 request, so no TLB entry can survive with
 * old permissions. 2 MiB pages wherever a whole 2 MiB has one permission;
 * 4 KiB pages only around the boundaries of the image's parts, the rings
 * and the TSS, and for device MMIO, which is mapped page by page so that
 * no other device's registers come with it. The tables themselves lie in
 * the supervisor-only region, so the application cannot change them.
 *
 * Two sets are built, both before the one set-up request: the first
 * serves while the drivers set their devices up; the second, loaded by the
 * seal request before the application starts, differs in three ways, so
 * that the application cannot aim a device's DMA: the rings' descriptor
 * and avail pages are supervisor-only (rings.c), MMIO reserved for set-up
 * only (a modern device's common configuration) is not mapped, and the
 * TSS's pages map its sealed copy, whose I/O bitmap closes the set-up-only
 * ports (tss.c).
 */

#include "platform.h"

#define POOL_PAGES 96
#define MMIO_MAX   128

static uint64_t pool[POOL_PAGES][512]
    __attribute__((section(".bss.cpl0"), aligned(PAGE_SIZE)));
static unsigned pool_used;

static struct {
    uint64_t start, end; /* 4 KiB pages */
    bool runtime;        /* also mapped in the sealed tables */
} mmio[MMIO_MAX];
static unsigned n_mmio;

#define TABLE     (PTE_P | PTE_W | PTE_U)
#define MMIO      (PTE_P | PTE_W | PTE_U | PTE_NX | PTE_PCD | PTE_PWT)
#define ADDR_MASK 0x000ffffffffff000ULL

bool pt_mmio_reserve(uint64_t pa, uint64_t len, bool runtime)
{
    if (len == 0 || pa + len < pa || pa + len > (1ULL << 47))
        return false;
    uint64_t s = pa & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t e = (pa + len + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    for (unsigned i = 0; i < n_mmio; i++) {
        if (s >= mmio[i].start && e <= mmio[i].end &&
            runtime == mmio[i].runtime)
            return true;
    }
    if (n_mmio == MMIO_MAX)
        return false;
    mmio[n_mmio].start = s;
    mmio[n_mmio].end = e;
    mmio[n_mmio].runtime = runtime;
    n_mmio++;
    return true;
}

static uint64_t *table_alloc(void)
{
    if (pool_used == POOL_PAGES)
        return NULL;
    return pool[pool_used++];
}

/* The table at LEVEL (3: PDPT, 2: PD, 1: PT) for VA, made if missing. */
static uint64_t *table_for(uint64_t *pml4, uint64_t va, int level)
{
    uint64_t *t = pml4;
    for (int l = 4; l > level; l--) {
        unsigned idx = (va >> (12 + 9 * (l - 1))) & 511;
        if (!(t[idx] & PTE_P)) {
            uint64_t *n = table_alloc();
            if (n == NULL)
                return NULL;
            t[idx] = (uintptr_t)n | TABLE;
        } else if (t[idx] & PTE_PS) {
            return NULL; /* already a large mapping */
        }
        t = (uint64_t *)(uintptr_t)(t[idx] & ADDR_MASK);
    }
    return t;
}

/* The permission of the 4 KiB page at A, below MEM_END. */
static uint64_t page_attr(uint64_t a, uint64_t mem_end, bool sealed)
{
    if (a < PAGE_SIZE || a >= mem_end)
        return 0;
    if (sealed && rings_private(a))
        return PTE_P | PTE_W | PTE_NX;
    if (a < 0x100000)
        return PTE_P | PTE_W | PTE_U | PTE_NX;
    if (a < (uintptr_t)_scpl0text)
        return PTE_P | PTE_U;
    if (a < (uintptr_t)_etext)
        return PTE_P; /* CPL0 code: with SMEP, the only code CPL0 can run */
    if (a < (uintptr_t)_erodata)
        return PTE_P | PTE_U | PTE_NX;
    /*
     * The CPL0 region: supervisor-only; and read-only, but for the CPL0
     * stack and the CPL0 code's variables, so that with CR0.WP not even
     * CPL0 code can change the IDT, GDT, TSS or these tables once they are
     * loaded. The CPU needs no writes to them by then: the descriptors it
     * loads were all loaded once at boot (accessed bits set) and TR is
     * busy since ltr.
     */
    if (a >= (uintptr_t)_scpl0rw && a < (uintptr_t)_ecpl0)
        return PTE_P | PTE_W | PTE_NX;
    if (a >= (uintptr_t)_scpl0 && a < (uintptr_t)_ecpl0)
        return PTE_P | PTE_NX;
    return PTE_P | PTE_W | PTE_U | PTE_NX;
}

/* True if every page of the 2 MiB chunk at C has the same permission. */
static bool chunk_uniform(uint64_t c, uint64_t mem_end)
{
    uint64_t rs, re;
    rings_region(&rs, &re);
    if (rs < re && rs < c + LARGE_PAGE_SIZE && re > c)
        return false;
    const uint64_t bounds[] = { PAGE_SIZE,
                                0x100000,
                                (uintptr_t)_scpl0text,
                                (uintptr_t)_etext,
                                (uintptr_t)_erodata,
                                (uintptr_t)_scpl0,
                                (uintptr_t)_scpl0rw,
                                (uintptr_t)_ecpl0,
                                (uintptr_t)virtio_tss,
                                (uintptr_t)virtio_tss + TSS_PAGES * PAGE_SIZE,
                                mem_end };
    for (unsigned i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
        if (bounds[i] > c && bounds[i] < c + LARGE_PAGE_SIZE)
            return false;
    }
    return true;
}

/* The frame behind page A: in the sealed tables the TSS is its copy. */
static uint64_t frame_of(uint64_t a, bool sealed)
{
    uint64_t tss = (uintptr_t)virtio_tss;
    if (sealed && a >= tss && a < tss + TSS_PAGES * PAGE_SIZE)
        return (uintptr_t)virtio_tss_sealed + (a - tss);
    return a;
}

/* True if the sealed tables map MMIO page A: runtime, and no set-up page. */
static bool mmio_sealed_ok(uint64_t a)
{
    bool runtime = false;
    for (unsigned m = 0; m < n_mmio; m++) {
        if (a >= mmio[m].start && a < mmio[m].end) {
            if (!mmio[m].runtime)
                return false;
            runtime = true;
        }
    }
    return runtime;
}

uint64_t pt_build(uint64_t mem_end, bool sealed)
{
    uint64_t *pml4 = table_alloc();
    if (pml4 == NULL)
        return 0;
    for (uint64_t c = 0; c < mem_end; c += LARGE_PAGE_SIZE) {
        if (chunk_uniform(c, mem_end)) {
            uint64_t *pd = table_for(pml4, c, 2);
            if (pd == NULL)
                return 0;
            uint64_t attr = page_attr(c, mem_end, sealed);
            pd[(c >> 21) & 511] = attr ? (c | attr | PTE_PS) : 0;
            continue;
        }
        uint64_t *pt = table_for(pml4, c, 1);
        if (pt == NULL)
            return 0;
        for (unsigned i = 0; i < 512; i++) {
            uint64_t a = c + (uint64_t)i * PAGE_SIZE;
            uint64_t attr = page_attr(a, mem_end, sealed);
            pt[i] = attr ? (frame_of(a, sealed) | attr) : 0;
        }
    }
    for (unsigned m = 0; m < n_mmio; m++) {
        for (uint64_t a = mmio[m].start; a < mmio[m].end; a += PAGE_SIZE) {
            if (a < mem_end)
                continue; /* never remap RAM as a device */
            if (sealed && !mmio_sealed_ok(a))
                continue;
            uint64_t *pt = table_for(pml4, a, 1);
            if (pt == NULL)
                return 0;
            pt[(a >> 12) & 511] = a | MMIO;
        }
    }
    return (uintptr_t)pml4;
}
