/* abort: solo5_abort() ends the unikernel with status 255 and an ABORT
 * line. */

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

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    puts_("abort: calling solo5_abort()\n");
    solo5_abort();
    /* solo5_abort() is noreturn; nothing after it may run. */
}
