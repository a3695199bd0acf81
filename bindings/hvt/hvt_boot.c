/* hvt_boot.c: start of day on hvt, from the tender's boot information. */

#include "hvt_guest.h"

_Static_assert(HVT_CMDLINE_MAX <= BINDINGS_CMDLINE_MAX, "command line fits");

const struct hvt_boot_info *hvt_bi;

void platform_start(const void *boot_info)
{
    const struct hvt_boot_info *bi = boot_info;

    /*
     * No IDT to fill: the tender wrote it, read-only to us, and reports
     * fatal exceptions itself (tenders/hvt/hvt_cpu_x86_64.c).
     */
    hvt_bi = bi;
    hvt_time_init();
    bindings_start_copy((const char *)(uintptr_t)bi->cmdline, bi->kernel_end,
                        bi->stack_top, bi->mem_size);
}
