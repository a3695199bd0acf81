/* ssp: overwriting a function's stack canary is caught by the stack
 * protector when the function returns: an ABORT line and status 255.
 * With "guard" on the command line it prints the canary instead (the host
 * checks that it differs from run to run) and does not smash anything. */

#include "solo5.h"
#include "selftest.h"

/* The length comes through a volatile, so the compiler cannot see (or
 * warn about) the overflow at build time. */
static volatile size_t smash_len = 64;

static void __attribute__((noinline)) smash(void)
{
    char buf[16];
    volatile char *p = buf;

    for (size_t i = 0; i < smash_len; i++)
        p[i] = 'A';
}

/* The canary, with -mstack-protector-guard=global as the toolchain sets. */
extern uintptr_t __stack_chk_guard;

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *c = si->cmdline;

    if (c[0] == 'g' && c[1] == 'u' && c[2] == 'a' && c[3] == 'r' &&
        c[4] == 'd' && c[5] == '\0') {
        puts_("ssp: guard=");
        put_hex(__stack_chk_guard);
        puts_("\n");
        if (__stack_chk_guard == 0) {
            puts_("FAILURE: the stack canary is 0\n");
            return SOLO5_EXIT_FAILURE;
        }
        puts_("SUCCESS\n");
        return SOLO5_EXIT_SUCCESS;
    }
    puts_("ssp: smashing the stack\n");
    smash();
    /* Only reachable if the corruption went unnoticed. */
    puts_("FAILURE: stack smashing was not detected\n");
    return SOLO5_EXIT_FAILURE;
}
