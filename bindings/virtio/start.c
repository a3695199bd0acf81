/* start.c: start of day on virtio, from the first C instruction at CPL3. */

/*
 * boot.S arrives here at CPL3 with the boot page tables (all of low 4 GiB,
 * user-accessible), a loaded TSS and an IDT not yet filled. Everything
 * below runs natively on PVM; CPL0 is asked twice: to load the final page
 * tables and register the KVM clock, then, with the devices set up, to
 * load the sealed page tables (pagetables.c).
 */

#include "platform.h"

void virtio_start(uint32_t mbi, uint32_t magic) __attribute__((noreturn));
void virtio_run_on_stack(void (*fn)(void *), void *arg, uintptr_t sp)
    __attribute__((noreturn));

static struct bindings_boot boot;

static void fpu_init(void)
{
    uint32_t mxcsr = 0x1f80; /* all SIMD exceptions masked */
    __asm__ __volatile__("fninit; ldmxcsr %0" : : "m"(mxcsr));
}

static void start_app(void *arg)
{
    bindings_start(arg);
}

void virtio_start(uint32_t mbi, uint32_t magic)
{
    /* First, so that a fault from here on is reported, not a triple fault. */
    cpu_idt_init(virtio_idt, GDT_KERNEL_CS);
    fpu_init();
    tss_init();
    tss_io_allow(DEBUG_EXIT_PORT, 1);
    serial_init();

    struct mb_info mb;
    if (!mb_parse(magic, mbi, &mb))
        platform_exit(SOLO5_EXIT_FAILURE, NULL);
    /* Early, so that quiet also silences the device report. */
    if (!cmdline_parse(mb.cmdline))
        platform_exit(SOLO5_EXIT_FAILURE, NULL);
    mem_init(mb.heap_base, mb.mem_end);

    /* Everything that needs the boot mapping of low 4 GiB, or the TSS. */
    intr_init();
    acpi_init();
    /*
     * PCI configuration reads are the costliest part of boot (two exits to
     * the hypervisor each, 90 and more for bus 0 alone). With no device in
     * the manifest and the reports silenced, nothing would show for them.
     */
    if (__solo5_mft1_note.m.entries > 1 || !bindings_quiet) {
        pci_init();
        devices_probe();
    }

    struct cpl0_setup setup = { 0 };
    clock_prepare(&setup);
    setup.cr3 = pt_build(mb.mem_end, false);
    uint64_t sealed_cr3 = pt_build(mb.mem_end, true);
    if (setup.cr3 == 0 || sealed_cr3 == 0) {
        log_printf("Solo5: ABORT: cannot build the page tables\n");
        platform_exit(SOLO5_EXIT_ABORT, NULL);
    }
    tss_seal();
    virtio_cpl0_call(CPL0_SETUP, setup.cr3, setup.msr[0], setup.val[0],
                     setup.msr[1], setup.val[1]);

    clock_init();
    devices_bind();
    /* From here on the application may run: no device control for CPL3. */
    if (virtio_cpl0_call(CPL0_SEAL, sealed_cr3, 0, 0, 0, 0) != 0) {
        log_printf("Solo5: ABORT: CPL0 refused to seal the page tables\n");
        platform_exit(SOLO5_EXIT_ABORT, NULL);
    }

    boot.cmdline = mb.cmdline;
    boot.heap_start = mem_heap_start();
    boot.heap_end = mb.mem_end;
    boot.mem_size = mb.mem_end;
    /* The application's stack grows down from the top of the heap. */
    virtio_run_on_stack(start_app, &boot, mb.mem_end);
}
