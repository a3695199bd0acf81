/* hvt_boot.c: start of day on hvt, from the tender's boot information. */

#include "hvt_guest.h"

const struct hvt_boot_info *hvt_bi;

/* The command line is copied so --solo5: options can be stripped. */
static char cmdline[HVT_CMDLINE_MAX];

void hvt_main(const struct hvt_boot_info *bi) __attribute__((noreturn));

void hvt_main(const struct hvt_boot_info *bi)
{
    /*
     * No IDT to fill: the tender wrote it, read-only to us, and reports
     * fatal exceptions itself (tenders/hvt/hvt_cpu_x86_64.c).
     */
    hvt_bi = bi;
    hvt_time_init();

    const char *src = (const char *)(uintptr_t)bi->cmdline;
    size_t n = 0;
    while (n < sizeof cmdline - 1 && src[n]) {
        cmdline[n] = src[n];
        n++;
    }
    cmdline[n] = '\0';

    struct bindings_boot boot = {
        .cmdline = cmdline,
        .heap_start = bi->kernel_end,
        .heap_end = bi->stack_top,
        .mem_size = bi->mem_size,
    };
    bindings_start(&boot);
}
