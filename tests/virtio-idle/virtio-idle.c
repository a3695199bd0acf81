/* virtio-idle: sleeps in solo5_yield() for the number of seconds given on
 * the command line (default 30), then reports SUCCESS. Lets the host act on
 * an idle guest: press its ACPI power button, or stop its runner.
 * Command line: SECONDS [busy]; with "busy" it calls solo5_yield() with
 * deadlines already past, as a busy event loop does, instead of waiting. */

#include "solo5.h"
#include "selftest.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    uint64_t secs = 0;
    const char *p = si->cmdline;
    for (; *p >= '0' && *p <= '9'; p++)
        secs = secs * 10 + (uint64_t)(*p - '0');
    if (secs == 0)
        secs = 30;
    int busy = p[0] == ' ' && p[1] == 'b';

    solo5_time_t end = solo5_clock_monotonic() + secs * 1000000000ULL;
    puts_(busy ? "idle: busy\n" : "idle: waiting\n");
    while (solo5_clock_monotonic() < end)
        solo5_yield(busy ? 0 : end, NULL);
    puts_("idle: deadline reached\n");
    puts_("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
