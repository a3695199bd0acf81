/* virtio-idle: sleeps in solo5_yield() for the number of seconds given on
 * the command line (default 30), then reports SUCCESS. Lets the host act on
 * an idle guest: press its ACPI power button, or stop its runner. */

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
    uint64_t secs = 0;
    for (const char *p = si->cmdline; *p >= '0' && *p <= '9'; p++)
        secs = secs * 10 + (uint64_t)(*p - '0');
    if (secs == 0)
        secs = 30;

    solo5_time_t end = solo5_clock_monotonic() + secs * 1000000000ULL;
    puts_("idle: waiting\n");
    while (solo5_clock_monotonic() < end)
        solo5_yield(end, NULL);
    puts_("idle: deadline reached\n");
    puts_("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
