/* zeropage: page 0 is never mapped, so a NULL read, write or call faults.
 * Command line: "read", "write" or "exec". */

#include "solo5.h"
#include "selftest.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    /* volatile: the compiler may not assume a NULL access is unreachable
     * and drop or trap it at build time. */
    volatile uintptr_t addr = 0;

    if (str_eq(si->cmdline, "read")) {
        puts_("zeropage: reading address 0\n");
        uint64_t v = *(volatile uint64_t *)addr;
        (void)v;
    } else if (str_eq(si->cmdline, "write")) {
        puts_("zeropage: writing address 0\n");
        *(volatile uint64_t *)addr = 0x5a5a5a5a5a5a5a5aull;
    } else if (str_eq(si->cmdline, "exec")) {
        puts_("zeropage: calling address 0\n");
        ((void (*)(void))addr)();
    } else {
        puts_("FAILURE: usage: read | write | exec\n");
        return SOLO5_EXIT_FAILURE;
    }
    puts_("FAILURE: the access to page 0 did not fault\n");
    return SOLO5_EXIT_FAILURE;
}
