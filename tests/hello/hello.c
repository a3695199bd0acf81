/* hello: the unikernel starts, prints, and sees its command line. */

#include "solo5.h"
#include "selftest.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    puts_("Hello, World\n");
    if (si->cmdline == NULL) {
        puts_("FAILURE: cmdline is NULL\n");
        return SOLO5_EXIT_FAILURE;
    }
    puts_("Command line is: '");
    puts_(si->cmdline);
    puts_("'\n");
    puts_("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
