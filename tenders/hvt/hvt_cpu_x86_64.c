/*
 * hvt_cpu_x86_64.c: page tables, GDT, TSS, IDT and trap entry code for an
 * x86_64 guest at CPL3, and the report of its fatal exceptions.
 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hvt.h"
#include "hvt_cpu_x86_64.h"
#include "x86_64_traps.h"

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
        tender_die("%s: image of %llu MiB is too large for the page table "
                   "area",
                   a->hvt->unikernel,
                   (unsigned long long)(a->hvt->img.end >> 20));
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
    /*
     * IDT, GDT and TSS: read by the CPU, written by nobody once the guest
     * runs. Supervisor-only and read-only: CPL3 cannot touch them, and
     * CR0.WP makes them read-only at CPL0 too. The CPU needs no writes to
     * them: every descriptor's accessed bit is set and TR is loaded busy.
     */
    map_range(&a, X86_IDT_BASE, X86_TSS_BASE + PAGE, PTE_NX);
    /* The trap entry code: the only code that runs at CPL0. */
    map_range(&a, X86_TRAP_BASE, X86_TRAP_BASE + PAGE, 0);
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

    struct x86_64_tss *t = (struct x86_64_tss *)tss;
    memset(t, 0, sizeof *t);
    t->rsp[0] = X86_KSTACK_TOP;
    /*
     * Port I/O at CPL3 for the hypercall ports only, through the I/O
     * bitmap: PVM forces the guest's IOPL to 0, so IOPL 3 would not do,
     * and the bitmap is narrower anyway. Every other port faults (#GP).
     */
    t->iopb_offset = X86_TSS_SIZE;
    uint8_t *bitmap = tss + X86_TSS_SIZE;
    memset(bitmap, 0xff, X86_IOPB_BYTES + 1);
    for (unsigned p = HVT_HYPERCALL_PIO_BASE; p < X86_IO_PORTS_END; p++)
        bitmap[p / 8] &= (uint8_t) ~(1u << (p % 8));
}

/* Vectors for which the CPU pushes an error code. */
static bool has_error_code(unsigned v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 ||
           v == 30;
}

static uint8_t *put(uint8_t *p, const uint8_t *bytes, size_t n)
{
    memcpy(p, bytes, n);
    return p + n;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        *p++ = (uint8_t)(v >> (8 * i));
    return p;
}

/*
 * The trap entry code, written here rather than taken from the guest so
 * that no guest byte ever runs at CPL0. One 16-byte stub per exception
 * vector: "push $0" where the CPU pushes no error code, "push $vector",
 * "jmp common". The common part pushes the general registers and CR2 in
 * the layout of struct hvt_trap_frame and writes to X86_TRAP_PORT; the
 * tender never resumes it. It touches nothing but the exception stack (a
 * supervisor page), so it is correct under SMAP, and it is itself a
 * supervisor page, so it is correct under SMEP. About 25 instructions:
 * cheap even where CPL0 code is emulated (PVM).
 */
static void setup_traps(struct hvt *hvt)
{
    uint8_t *page = hvt_gpa(hvt, X86_TRAP_BASE, PAGE);
    uint64_t *idt = hvt_gpa(hvt, X86_IDT_BASE, X86_IDT_VECTORS * 16);
    const uint32_t common = X86_TRAP_BASE + X86_IDT_VECTORS * 16;

    memset(page, 0xcc, PAGE); /* int3: nothing jumps into the padding */
    for (unsigned v = 0; v < X86_IDT_VECTORS; v++) {
        uint32_t stub = X86_TRAP_BASE + 16 * v;
        uint8_t *p = page + 16 * v;
        if (!has_error_code(v))
            p = put(p, (const uint8_t[]){ 0x6a, 0x00 }, 2); /* push $0 */
        *p++ = 0x68;                                        /* push $imm32 */
        p = put32(p, v);
        *p++ = 0xe9; /* jmp rel32 */
        uint32_t next = stub + (uint32_t)(p + 4 - (page + 16 * v));
        p = put32(p, common - next);

        /* A present 64-bit interrupt gate, DPL 0, on the RSP0 stack. */
        idt[2 * v] = (stub & 0xffffull) | ((uint64_t)HVT_GDT_KERNEL_CS << 16) |
                     (0x8eull << 40) | ((uint64_t)(stub >> 16) << 48);
        idt[2 * v + 1] = 0; /* offset bits 32-63 */
    }
    /* clang-format off */
    static const uint8_t common_code[] = {
        0x41, 0x57, 0x41, 0x56, 0x41, 0x55, 0x41, 0x54, /* push r15 ... r12 */
        0x41, 0x53, 0x41, 0x52, 0x41, 0x51, 0x41, 0x50, /* push r11 ... r8 */
        0x55, 0x57, 0x56,                  /* push rbp, rdi, rsi */
        0x52, 0x51, 0x53, 0x50,            /* push rdx, rcx, rbx, rax */
        0x0f, 0x20, 0xd0,                  /* mov %cr2, %rax */
        0x50,                              /* push %rax */
        0xe6, X86_TRAP_PORT,               /* out %al, $X86_TRAP_PORT */
        0x0f, 0x0b,                        /* ud2: never reached */
    };
    /* clang-format on */
    put(page + X86_IDT_VECTORS * 16, common_code, sizeof common_code);
}

void hvt_cpu_setup(struct hvt *hvt)
{
    setup_page_tables(hvt);
    setup_gdt_tss(hvt);
    setup_traps(hvt);
    hvt->idt = X86_IDT_BASE;
}

/*
 * The same ABORT lines the bindings print for a fatal exception on other
 * targets, on the guest's console (stdout), in one write(2) each.
 */
void hvt_cpu_trap(struct hvt *hvt, uint64_t frame)
{
    const struct hvt_trap_frame *tf =
        hvt_gpa(hvt, frame, sizeof(struct hvt_trap_frame));
    const char *name = x86_64_trap_name(tf->vector);
    char line[512];
    int n;

    if (tf->vector == 14) {
        n = snprintf(line, sizeof line,
                     "Solo5: ABORT: %s at rip=0x%llx: %s access to 0x%llx "
                     "(error 0x%llx)\n",
                     name, (unsigned long long)tf->rip,
                     (tf->error_code & 0x10)  ? "execute"
                     : (tf->error_code & 0x2) ? "write"
                                              : "read",
                     (unsigned long long)tf->cr2,
                     (unsigned long long)tf->error_code);
    } else {
        n = snprintf(line, sizeof line,
                     "Solo5: ABORT: %s (vector %llu) at rip=0x%llx, error "
                     "0x%llx\n",
                     name, (unsigned long long)tf->vector,
                     (unsigned long long)tf->rip,
                     (unsigned long long)tf->error_code);
    }
    if (n > 0)
        (void)!write(1, line,
                     (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    n = snprintf(line, sizeof line,
                 "Solo5: ABORT: registers rsp=0x%llx rbp=0x%llx "
                 "rflags=0x%llx rax=0x%llx rbx=0x%llx rcx=0x%llx "
                 "rdx=0x%llx rsi=0x%llx rdi=0x%llx\n",
                 (unsigned long long)tf->rsp, (unsigned long long)tf->rbp,
                 (unsigned long long)tf->rflags, (unsigned long long)tf->rax,
                 (unsigned long long)tf->rbx, (unsigned long long)tf->rcx,
                 (unsigned long long)tf->rdx, (unsigned long long)tf->rsi,
                 (unsigned long long)tf->rdi);
    if (n > 0)
        (void)!write(1, line,
                     (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    hvt_halt(hvt, 255, frame);
}
