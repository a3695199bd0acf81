/* app.c: the autoconf probe project's unikernel. */

#include "solo5.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    static const char msg[] = "configured by autoconf\n";

    (void)si;
    solo5_console_write(msg, sizeof msg - 1);
    return 42;
}
