/* unseal: the application cannot unseal its own CPL0 state. */

/*
 * An application with one arbitrary-write bug must not be able to reach
 * CPL0 with code of its choice, nor change the tables that keep it at
 * CPL3: the IDT, the GDT, the TSS and the page tables. Each command tries
 * one way, printing "unseal: ATTACK at 0xADDR" first (the address the
 * fault must name); every attempt must end the unikernel with a fault.
 * Reaching the line after an attempt prints "ESCAPED", which the tests
 * treat as a failure.
 *
 *   read        read the #PF gate of the IDT that sidt names (the measured
 *               attack's first step, for the kernel code selector)
 *   idt         write that gate
 *   gdt         make the kernel code descriptor (sgdt) DPL 3
 *   tss         point the TSS's RSP0 at application memory
 *   pagetables  write the top-level page table (PML4)
 *   trapcode    write the CPL0 trap entry code
 *   gate        the whole attack as measured on hardware KVM: a DPL 3
 *               gate to the kernel code segment for vector 0x80, INT 0x80,
 *               clear CR0.WP there, patch a byte of text, run it
 *   int         INT 0x80 through the gate that is there
 *
 * The TSS, page tables and trap code are not named by any instruction
 * CPL3 may execute (str gives a selector, reading the GDT faults, CR3 is
 * privileged): their addresses come from the target's layout, the
 * hvt tender's fixed one (tenders/hvt/hvt_cpu_x86_64.h) or the virtio
 * binding's symbols.
 */

#include "solo5.h"
#include "selftest.h"

/* Weak: they exist only in the virtio binding. */
extern char virtio_tss[] __attribute__((weak));
extern char virtio_boot_pml4[] __attribute__((weak));
extern char virtio_trap_stubs[] __attribute__((weak));

/* The hvt tender's layout. */
#define HVT_TSS  0x6000u
#define HVT_PML4 0x10000u
#define HVT_TRAP 0x8000u

/* Both targets' GDTs have the 64-bit kernel code segment at index 1. */
#define KERNEL_CS 0x08u

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

/*
 * The victim returns 0; the payload, entered at CPL0 through the forged
 * gate, clears CR0.WP and patches its immediate to 1, then returns.
 */
int unseal_victim(void);
void unseal_payload(void);
__asm__(".text\n"
        ".globl unseal_victim\n"
        "unseal_victim:\n"
        "    movl $0, %eax\n"
        "    ret\n"
        ".globl unseal_payload\n"
        "unseal_payload:\n"
        "    movq %cr0, %rax\n"
        "    andq $~0x10000, %rax\n"
        "    movq %rax, %cr0\n"
        "    movb $1, unseal_victim+1(%rip)\n"
        "    iretq\n");

static void put_attempt(const char *what, uintptr_t addr)
{
    /* As the ABORT line prints it: no leading zeros. */
    char hex[19] = "0x";
    int n = 2;
    for (int shift = 60; shift >= 0; shift -= 4) {
        unsigned d = (addr >> shift) & 15;
        if (d != 0 || n > 2 || shift == 0)
            hex[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
    }
    hex[n] = '\0';
    puts_("unseal: ");
    puts_(what);
    puts_(" at ");
    puts_(hex);
    puts_("\n");
}

static uintptr_t or_hvt(char *sym, uintptr_t hvt)
{
    return sym != 0 ? (uintptr_t)sym : hvt;
}

/* A present 64-bit interrupt gate to CS:OFF with DPL 3. */
static void forge_gate(volatile uint64_t *g, uint16_t cs, uintptr_t off)
{
    g[0] = (off & 0xffff) | ((uint64_t)cs << 16) | (0xeeULL << 40) |
           ((uint64_t)((off >> 16) & 0xffff) << 48);
    g[1] = off >> 32;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *a = si->cmdline;
    struct desc_ptr idtr, gdtr;

    __asm__ __volatile__("sidt %0" : "=m"(idtr));
    __asm__ __volatile__("sgdt %0" : "=m"(gdtr));

    if (str_eq(a, "read")) {
        volatile uint16_t *sel = (volatile uint16_t *)(idtr.base + 14 * 16 + 2);
        put_attempt("read", (uintptr_t)sel);
        if (*sel == KERNEL_CS)
            puts_("unseal: read the kernel code selector\n");
    } else if (str_eq(a, "idt")) {
        volatile uint64_t *g = (volatile uint64_t *)(idtr.base + 14 * 16);
        put_attempt("idt", (uintptr_t)g);
        forge_gate(g, KERNEL_CS, (uintptr_t)unseal_payload);
    } else if (str_eq(a, "gdt")) {
        volatile uint64_t *d = (volatile uint64_t *)(gdtr.base + KERNEL_CS);
        put_attempt("gdt", (uintptr_t)d);
        *d = 0x00affb000000ffffULL; /* 64-bit code, DPL 3 */
    } else if (str_eq(a, "tss")) {
        volatile uint64_t *rsp0 =
            (volatile uint64_t *)(or_hvt(virtio_tss, HVT_TSS) + 4);
        put_attempt("tss", (uintptr_t)rsp0);
        *rsp0 = (uintptr_t)&idtr;
    } else if (str_eq(a, "pagetables")) {
        volatile uint64_t *pml4 =
            (volatile uint64_t *)or_hvt(virtio_boot_pml4, HVT_PML4);
        put_attempt("pagetables", (uintptr_t)&pml4[1]);
        pml4[1] = 0x87; /* a user-writable 512 GiB mapping */
    } else if (str_eq(a, "trapcode")) {
        volatile uint8_t *code =
            (volatile uint8_t *)or_hvt(virtio_trap_stubs, HVT_TRAP);
        put_attempt("trapcode", (uintptr_t)code);
        *code = 0xc3; /* ret */
    } else if (str_eq(a, "gate")) {
        volatile uint64_t *g = (volatile uint64_t *)(idtr.base + 0x80 * 16);
        put_attempt("gate", (uintptr_t)g);
        forge_gate(g, KERNEL_CS, (uintptr_t)unseal_payload);
        __asm__ __volatile__("int $0x80" ::: "rax", "memory");
        if (unseal_victim() == 1)
            puts_("unseal: ESCAPED: text patched at CPL0\n");
    } else if (str_eq(a, "int")) {
        put_attempt("int", 0x80);
        __asm__ __volatile__("int $0x80" ::: "rax", "memory");
    } else {
        puts_("unseal: unknown attack\n");
        return 2;
    }
    puts_("unseal: ESCAPED\n");
    return 1;
}
