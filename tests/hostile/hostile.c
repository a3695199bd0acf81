/* hostile.c: a guest that attacks its own sandbox, one way per argument. */

/*
 * Each attack must end the guest, never reach the host: either the guest's
 * own exception handler reports it (ABORT, status 255) or the tender ends
 * the guest (status 1). Reaching the line after an attack prints
 * "ESCAPED", which the tests treat as a failure.
 *
 *   syscall     the SYSCALL instruction (a system-call-like path to CPL0)
 *   int80       INT 0x80
 *   ptwrite     write to the page tables (guest 0x10000, never mapped)
 *   gdtwrite    write to the GDT (supervisor-only)
 *   stackwrite  write to the CPL0 exception stack (supervisor-only)
 *   idtsmash    zero the IDT (the tender's, read-only: the write faults)
 *   cr3         load CR3 (privileged)
 *   wrmsr       write an MSR (privileged)
 *   hlt         HLT (privileged)
 *   portin      IN from the serial port (not a hypercall port)
 *   portout     OUT to port 0x80
 *   hcport      OUT to a port past the hypercalls but open in the I/O bitmap
 *   bootinfo    write to the boot information (read-only)
 *   highmem     read far beyond guest memory
 */

#include "solo5.h"
#include "selftest.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *a = si->cmdline;
    volatile uint64_t *p;

    say("hostile: ", a);
    if (str_eq(a, "syscall")) {
        __asm__ __volatile__("syscall" ::: "rcx", "r11", "memory");
    } else if (str_eq(a, "int80")) {
        __asm__ __volatile__("int $0x80" ::: "memory");
    } else if (str_eq(a, "ptwrite")) {
        p = (volatile uint64_t *)0x10000;
        *p = 0x87; /* a PML4 entry mapping everything */
    } else if (str_eq(a, "gdtwrite")) {
        p = (volatile uint64_t *)0x5008;
        *p = 0x00affb000000ffffULL; /* kernel CS with DPL3 */
    } else if (str_eq(a, "stackwrite")) {
        p = (volatile uint64_t *)0xff00;
        *p = 0;
    } else if (str_eq(a, "idtsmash")) {
        p = (volatile uint64_t *)0x4000;
        for (int i = 0; i < 512; i++)
            p[i] = 0;
        __asm__ __volatile__("ud2");
    } else if (str_eq(a, "cr3")) {
        __asm__ __volatile__("mov %0, %%cr3" ::"r"(0x10000ULL) : "memory");
    } else if (str_eq(a, "wrmsr")) {
        /* IA32_LSTAR: where SYSCALL would enter CPL0 */
        __asm__ __volatile__("wrmsr" ::"c"(0xc0000082u), "a"(0x100000u),
                             "d"(0u));
    } else if (str_eq(a, "hlt")) {
        __asm__ __volatile__("hlt");
    } else if (str_eq(a, "portin")) {
        uint8_t v;
        __asm__ __volatile__("inb %1, %0" : "=a"(v) : "d"((uint16_t)0x3f8));
        (void)v;
    } else if (str_eq(a, "portout")) {
        __asm__ __volatile__("outb %0, %1" ::"a"((uint8_t)0),
                             "d"((uint16_t)0x80));
    } else if (str_eq(a, "hcport")) {
        /* 0x509 is open in the I/O bitmap (a 32-bit OUT to 0x508 needs
         * it) but is no hypercall: the tender must refuse it. */
        __asm__ __volatile__("outb %0, %1" ::"a"((uint8_t)0),
                             "d"((uint16_t)0x509));
    } else if (str_eq(a, "bootinfo")) {
        p = (volatile uint64_t *)0x1000;
        *p = 0;
    } else if (str_eq(a, "highmem")) {
        p = (volatile uint64_t *)0x100000000ULL;
        (void)*p;
    } else {
        puts_("hostile: unknown attack\n");
        return 2;
    }
    puts_("ESCAPED\n");
    return 0;
}
