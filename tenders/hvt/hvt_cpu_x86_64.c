/* hvt_cpu_x86_64.c: page tables, GDT and TSS for an x86_64 guest at CPL3. */

#include <string.h>

#include "hvt.h"
#include "hvt_cpu_x86_64.h"

#define PAGE 0x1000ull
#define HUGE 0x200000ull

#define PTE_P    (1ull << 0)
#define PTE_RW   (1ull << 1)
#define PTE_US   (1ull << 2)
#define PTE_PS   (1ull << 7)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/*
 * Page tables are allocated from [X86_PT_BASE, X86_PT_LIMIT), a region the
 * tables themselves never map: the guest cannot read or change them.
 */
struct pt_alloc {
    struct hvt *hvt;
    uint64_t next;
    uint64_t pml4;
};

static uint64_t *pt_at(struct pt_alloc *a, uint64_t gpa)
{
    return hvt_gpa(a->hvt, gpa, PAGE);
}

static uint64_t pt_new(struct pt_alloc *a)
{
    if (a->next >= X86_PT_LIMIT)
        hvt_die("%s: image of %llu MiB is too large for the page table "
                "area",
                a->hvt->unikernel, (unsigned long long)(a->hvt->img.end >> 20));
    uint64_t gpa = a->next;
    a->next += PAGE;
    memset(pt_at(a, gpa), 0, PAGE);
    return gpa;
}

/* The entry for VA at LEVEL (3 = PML4 ... 0 = PT), creating tables above. */
static uint64_t *pt_entry(struct pt_alloc *a, uint64_t va, int level)
{
    uint64_t table = a->pml4;

    for (int l = 3; l > level; l--) {
        uint64_t *e = &pt_at(a, table)[(va >> (12 + 9 * l)) & 511];
        if (!(*e & PTE_P)) {
            /* Intermediate levels allow everything; leaves restrict. */
            *e = pt_new(a) | PTE_P | PTE_RW | PTE_US;
        }
        table = *e & PTE_ADDR;
    }
    return &pt_at(a, table)[(va >> (12 + 9 * level)) & 511];
}

/* Maps [START, END) with FLAGS, using 2 MiB pages where alignment allows. */
static void map_range(struct pt_alloc *a, uint64_t start, uint64_t end,
                      uint64_t flags)
{
    uint64_t va = start & ~(PAGE - 1);

    while (va < end) {
        if ((va & (HUGE - 1)) == 0 && end - va >= HUGE) {
            *pt_entry(a, va, 1) = va | flags | PTE_P | PTE_PS;
            va += HUGE;
        } else {
            *pt_entry(a, va, 0) = va | flags | PTE_P;
            va += PAGE;
        }
    }
}

static void setup_page_tables(struct hvt *hvt)
{
    struct pt_alloc a = { .hvt = hvt, .next = X86_PT_BASE };

    a.pml4 = pt_new(&a);
    /* Boot information and command line: the guest reads them. */
    map_range(&a, HVT_BOOT_INFO_BASE, X86_IDT_BASE, PTE_US | PTE_NX);
    /* The guest fills its IDT itself, at CPL3, before anything can trap. */
    map_range(&a, X86_IDT_BASE, X86_IDT_BASE + PAGE, PTE_US | PTE_RW | PTE_NX);
    /* GDT, TSS and the exception stack: for the CPU, at CPL0 only. */
    map_range(&a, X86_GDT_BASE, X86_TSS_BASE + PAGE, PTE_RW | PTE_NX);
    map_range(&a, X86_KSTACK_BASE, X86_KSTACK_TOP, PTE_RW | PTE_NX);

    /* The image: each segment as its flags say, never writable and
     * executable (elf_parse() refused that). */
    for (unsigned i = 0; i < hvt->img.nsegs; i++) {
        const struct elf_segment *s = &hvt->img.segs[i];
        uint64_t f = PTE_US;
        if (s->flags & ELF_SEG_W)
            f |= PTE_RW;
        if (!(s->flags & ELF_SEG_X))
            f |= PTE_NX;
        map_range(&a, s->vaddr, s->vaddr + s->memsz, f);
    }
    /* Heap, stack and network rings: data, never code. */
    map_range(&a, hvt->img.end, hvt->mem_size, PTE_US | PTE_RW | PTE_NX);
}

static uint64_t seg_desc(uint64_t type_attr)
{
    /* Flat base and limit; TYPE_ATTR holds access byte and flags. */
    return 0x000f00000000ffffull | type_attr;
}

static void setup_gdt_tss(struct hvt *hvt)
{
    uint64_t *gdt = hvt_gpa(hvt, X86_GDT_BASE, X86_GDT_ENTRIES * 8);
    uint8_t *tss = hvt_gpa(hvt, X86_TSS_BASE, X86_TSS_LIMIT + 1);

    /* Access bytes with the accessed bit set: the CPU need not write. */
    gdt[0] = 0;
    gdt[HVT_GDT_KERNEL_CS >> 3] = seg_desc(0x00a09b0000000000ull);
    gdt[HVT_GDT_KERNEL_DS >> 3] = seg_desc(0x00c0930000000000ull);
    gdt[HVT_GDT_USER_DS >> 3] = seg_desc(0x00c0f30000000000ull);
    gdt[HVT_GDT_USER_CS >> 3] = seg_desc(0x00a0fb0000000000ull);
    /* 64-bit TSS, busy (TR is loaded with it directly). */
    uint64_t base = X86_TSS_BASE, limit = X86_TSS_LIMIT;
    gdt[HVT_GDT_TSS >> 3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                            (0x8bull << 40) | ((base >> 24 & 0xff) << 56);
    gdt[(HVT_GDT_TSS >> 3) + 1] = base >> 32;

    memset(tss, 0, X86_TSS_SIZE);
    uint64_t rsp0 = X86_KSTACK_TOP;
    memcpy(tss + 4, &rsp0, 8);
    /*
     * Port I/O at CPL3 for the hypercall ports only, through the I/O
     * bitmap: PVM forces the guest's IOPL to 0, so IOPL 3 would not do,
     * and the bitmap is narrower anyway. Every other port faults (#GP).
     */
    uint16_t iopb = X86_TSS_SIZE;
    memcpy(tss + 102, &iopb, 2);
    uint8_t *bitmap = tss + X86_TSS_SIZE;
    memset(bitmap, 0xff, X86_IOPB_BYTES + 1);
    for (unsigned p = HVT_HYPERCALL_PIO_BASE; p < X86_IO_PORTS_END; p++)
        bitmap[p / 8] &= (uint8_t) ~(1u << (p % 8));
}

void hvt_cpu_setup(struct hvt *hvt)
{
    setup_page_tables(hvt);
    setup_gdt_tss(hvt);
    hvt->idt = X86_IDT_BASE;
}
