/* exitcode: the status given to solo5_exit(), or returned from
 * solo5_app_main(), is the status the host sees.
 * Command line: "exit N" or "return N", N in 0..255. */

#include "solo5.h"
#include "selftest.h"

/* Parses a decimal number at *S, advancing it; -1 if there is none. */
static int parse_status(const char *s)
{
    int n = 0, digits = 0;
    while (*s >= '0' && *s <= '9') {
        n = n * 10 + (*s++ - '0');
        if (++digits > 3)
            return -1;
    }
    if (digits == 0 || *s != '\0' || n > 255)
        return -1;
    return n;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *c = si->cmdline;
    int use_exit, status;

    if (starts_with(c, "exit ")) {
        use_exit = 1;
        c += 5;
    } else if (starts_with(c, "return ")) {
        use_exit = 0;
        c += 7;
    } else {
        puts_("FAILURE: usage: exit N | return N\n");
        /* 3 is not among the statuses the suite passes, so a usage error
         * cannot be mistaken for a pass. */
        return 3;
    }
    status = parse_status(c);
    if (status < 0) {
        puts_("FAILURE: status must be a number from 0 to 255\n");
        return 3;
    }
    puts_("exitcode: ending with status ");
    puts_(c);
    puts_(use_exit ? " via solo5_exit()\n" : " via return\n");
    if (use_exit)
        solo5_exit(status);
    return status;
}
