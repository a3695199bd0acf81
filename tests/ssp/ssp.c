/* ssp: overwriting a function's stack canary is caught by the stack
 * protector when the function returns: an ABORT line and status 255. */

#include "solo5.h"

static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

static void puts_(const char *s)
{
    solo5_console_write(s, str_len(s));
}

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

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    puts_("ssp: smashing the stack\n");
    smash();
    /* Only reachable if the corruption went unnoticed. */
    puts_("FAILURE: stack smashing was not detected\n");
    return SOLO5_EXIT_FAILURE;
}
