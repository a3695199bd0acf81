/* quiet: with --solo5:quiet the bindings print nothing of their own, and
 * the option is stripped before the application sees its command line. */

#include "solo5.h"
#include "selftest.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    puts_("quiet: cmdline='");
    puts_(si->cmdline);
    puts_("'\n");
    /* Options are only recognised at the start; one that survived there
     * was not consumed by the bindings. */
    if (starts_with(si->cmdline, "--solo5:")) {
        puts_("FAILURE: a --solo5: option reached the application\n");
        return SOLO5_EXIT_FAILURE;
    }
    puts_("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
