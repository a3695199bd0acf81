/* abort: solo5_abort() ends the unikernel with status 255 and an ABORT
 * line. */

#include "solo5.h"
#include "selftest.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    puts_("abort: calling solo5_abort()\n");
    solo5_abort();
    /* solo5_abort() is noreturn; nothing after it may run. */
}
