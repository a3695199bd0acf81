/* exception: a fatal CPU exception in the application ends the unikernel
 * with an ABORT line naming the trap and status 255.
 * Command line: "ud" (invalid opcode), "de" (divide error), "gp" (general
 * protection) or "bp" (breakpoint). */

#include "solo5.h"
#include "selftest.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *c = si->cmdline;

    if (str_eq(c, "ud")) {
        puts_("exception: executing ud2\n");
        __asm__ volatile("ud2");
    } else if (str_eq(c, "de")) {
        volatile uint32_t zero = 0;
        uint32_t q;
        puts_("exception: dividing by zero\n");
        /* An explicit div: C division by zero is undefined, so the
         * compiler could remove it. */
        __asm__ volatile("xorl %%edx, %%edx\n\t"
                         "movl $1, %%eax\n\t"
                         "divl %1"
                         : "=&a"(q)
                         : "r"(zero)
                         : "rdx");
        (void)q;
    } else if (str_eq(c, "gp")) {
        puts_("exception: loading from a non-canonical address\n");
        uint64_t v = *(volatile uint64_t *)0x8000000000000000ull;
        (void)v;
    } else if (str_eq(c, "bp")) {
        puts_("exception: executing int3\n");
        __asm__ volatile("int3");
    } else {
        puts_("FAILURE: usage: ud | de | gp | bp\n");
        return SOLO5_EXIT_FAILURE;
    }
    puts_("FAILURE: the exception did not end the unikernel\n");
    return SOLO5_EXIT_FAILURE;
}
