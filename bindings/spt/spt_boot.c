/* spt_boot.c: start of day on spt, from the tender's boot information. */

#include "spt_guest.h"

_Static_assert(SPT_CMDLINE_MAX <= BINDINGS_CMDLINE_MAX, "command line fits");

const struct spt_boot_info *spt_bi;

void platform_start(const void *boot_info)
{
    const struct spt_boot_info *bi = boot_info;

    spt_bi = bi;
    bindings_start_copy((const char *)(uintptr_t)bi->cmdline, bi->heap_start,
                        bi->heap_end, bi->mem_size);
}
