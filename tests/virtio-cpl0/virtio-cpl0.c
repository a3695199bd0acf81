/* virtio-cpl0: the application cannot touch the virtio binding's CPL0
 * state. The IDT, GDT, TSS (with its I/O bitmap), the page tables and the
 * CPL0 stack live in one supervisor-only region; a write to any of them
 * from the application must fault. On other targets the symbols do not
 * exist and the test says so.
 * "setup" first asks the binding's one-time CPL0 service to load the boot
 * page tables again (which map everything to CPL3), then writes the IDT:
 * the service must refuse, so the write still faults.
 * "resetup" first clears the flag that makes the service refuse (one
 * stray write): the flag is CPL0 state, so that write must fault.
 * Command line: idt | gdt | tss | pagetables | stack | read | setup |
 * resetup */

#include "solo5.h"
#include "selftest.h"

/* Weak: they exist only in the virtio binding. */
extern char virtio_idt[] __attribute__((weak));
extern char virtio_gdt[] __attribute__((weak));
extern char virtio_tss[] __attribute__((weak));
extern char virtio_boot_pml4[] __attribute__((weak));
extern char virtio_cpl0_stack_top[] __attribute__((weak));
extern uint64_t virtio_cpl0_call(uint64_t op, uint64_t a1, uint64_t a2,
                                 uint64_t a3, uint64_t a4, uint64_t a5)
    __attribute__((weak));
extern _Bool virtio_cpl0_setup_done __attribute__((weak));

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *a = si->cmdline;
    volatile char *p = 0;

    if (virtio_idt == 0) {
        puts_("virtio-cpl0: not the virtio target\n");
        return 2;
    }
    if (str_eq(a, "idt"))
        p = virtio_idt;
    else if (str_eq(a, "gdt"))
        p = virtio_gdt + 8;
    else if (str_eq(a, "tss"))
        p = virtio_tss + 104; /* the I/O permission bitmap */
    else if (str_eq(a, "pagetables"))
        p = virtio_boot_pml4;
    else if (str_eq(a, "stack")) {
        /* At run time: a weak symbol's address minus 8 would not link. */
        uintptr_t top = (uintptr_t)virtio_cpl0_stack_top;
        __asm__("" : "+r"(top));
        p = (volatile char *)(top - 8);
    } else if (str_eq(a, "setup")) {
        puts_("virtio-cpl0: asking CPL0 for the boot page tables\n");
        virtio_cpl0_call(1, (uintptr_t)virtio_boot_pml4, 0, 0, 0, 0);
        p = virtio_idt;
    } else if (str_eq(a, "resetup")) {
        puts_("virtio-cpl0: clearing the set-up flag\n");
        *(volatile _Bool *)&virtio_cpl0_setup_done = 0;
        puts_("virtio-cpl0: asking CPL0 for the boot page tables\n");
        virtio_cpl0_call(1, (uintptr_t)virtio_boot_pml4, 0, 0, 0, 0);
        p = virtio_idt;
    } else if (str_eq(a, "read")) {
        /* Reading is refused too: the region is not mapped for CPL3. */
        puts_("virtio-cpl0: reading the IDT\n");
        (void)*(volatile char *)virtio_idt;
        puts_("FAILURE: read the IDT\n");
        return 1;
    } else {
        puts_("FAILURE: usage: idt | gdt | tss | pagetables | stack | read "
              "| setup | resetup\n");
        return 1;
    }
    say("virtio-cpl0: writing the ", a);
    *p = 0;
    say("FAILURE: wrote the ", a);
    return 1;
}
