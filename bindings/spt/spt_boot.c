/* spt_boot.c: start of day on spt, from the tender's boot information. */

#include "spt_guest.h"

const struct spt_boot_info *spt_bi;

/* The command line is copied so --solo5: options can be stripped. */
static char cmdline[SPT_CMDLINE_MAX];

void spt_main(const struct spt_boot_info *bi) __attribute__((noreturn));

void spt_main(const struct spt_boot_info *bi)
{
    spt_bi = bi;

    const char *src = (const char *)(uintptr_t)bi->cmdline;
    size_t n = 0;
    while (n < sizeof cmdline - 1 && src[n]) {
        cmdline[n] = src[n];
        n++;
    }
    cmdline[n] = '\0';

    struct bindings_boot boot = {
        .cmdline = cmdline,
        .heap_start = bi->heap_start,
        .heap_end = bi->heap_end,
        .mem_size = bi->mem_size,
    };
    bindings_start(&boot);
}
