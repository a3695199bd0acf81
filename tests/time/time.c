/* time: the monotonic clock advances and never goes backwards; yield sleeps
 * at least as long as asked and not much longer; a deadline in the past
 * returns at once; the wall clock is near the host's.
 * Command line: the host's wall clock in seconds (date +%s), read just
 * before the unikernel was started. */

#include "solo5.h"
#include "selftest.h"

#define MS  1000000ull
#define SEC 1000000000ull
/* How much longer than asked a yield may take. Generous: this checks that
 * the deadline is honoured, not how fast the host wakes us (the machines
 * running the suite are shared and noisy). */
#define YIELD_SLACK (250 * MS)

static void test_monotonic(void)
{
    solo5_time_t first = solo5_clock_monotonic(), prev = first, now = first;
    int backwards = 0;

    /* Spin until the clock moves, without ever seeing it go back. */
    for (unsigned long i = 0; i < 100000000ul && now == first; i++) {
        now = solo5_clock_monotonic();
        if (now < prev)
            backwards = 1;
        prev = now;
    }
    check(now > first, "monotonic clock advances");
    for (int i = 0; i < 100000; i++) {
        now = solo5_clock_monotonic();
        if (now < prev)
            backwards = 1;
        prev = now;
    }
    check(!backwards, "monotonic clock never goes backwards");
}

static void test_yield(solo5_time_t span)
{
    solo5_handle_set_t ready = ~0ull;
    solo5_time_t start = solo5_clock_monotonic(), end, took;

    solo5_yield(start + span, &ready);
    end = solo5_clock_monotonic();
    took = end - start;
    puts_("time: yield(now + ");
    put_u64(span / 1000);
    puts_(" us) took ");
    put_u64(took / 1000);
    puts_(" us\n");
    check(took >= span, "yield returned before its deadline");
    check(took < span + YIELD_SLACK, "yield slept far past its deadline");
    check(ready == 0, "yield with no devices reports an empty ready set");
}

static void test_past_deadline(void)
{
    solo5_handle_set_t ready = ~0ull;
    solo5_time_t start = solo5_clock_monotonic(), took;

    solo5_yield(0, &ready);
    solo5_yield(start - 1, NULL);
    solo5_yield(start, &ready);
    took = solo5_clock_monotonic() - start;
    puts_("time: three yields to past deadlines took ");
    put_u64(took / 1000);
    puts_(" us\n");
    check(took < YIELD_SLACK, "a deadline in the past returns at once");
    check(ready == 0, "past deadline reports an empty ready set");
}

/* Parses the decimal seconds on the command line; 0 if absent. */
static uint64_t parse_u64(const char *s)
{
    uint64_t v = 0;
    while (*s == ' ')
        s++;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint64_t)(*s++ - '0');
    return *s == '\0' ? v : 0;
}

static void test_wall(const char *cmdline)
{
    uint64_t host = parse_u64(cmdline);
    solo5_time_t wall1 = solo5_clock_wall(), mono1 = solo5_clock_monotonic();
    solo5_time_t wall2, mono2;
    uint64_t secs = wall1 / SEC;

    puts_("time: host said ");
    put_u64(host);
    puts_(" s, wall clock is ");
    put_u64(secs);
    puts_(" s\n");
    if (host == 0) {
        check(0, "usage: give the host's `date +%s` on the command line");
        return;
    }
    /*
     * The host read its clock before starting us: we may be later (by as
     * long as the boot took), never earlier, one second of rounding
     * aside. How much later the host checks against its clock after the
     * run (check_time in tests/tools/selftest.bash).
     */
    check(secs + 1 >= host, "wall clock is behind the host's");

    /* Both clocks advance at the same rate across a short sleep. */
    solo5_yield(mono1 + 50 * MS, NULL);
    wall2 = solo5_clock_wall();
    mono2 = solo5_clock_monotonic();
    check(wall2 > wall1, "wall clock advances");
    {
        int64_t d = (int64_t)(wall2 - wall1) - (int64_t)(mono2 - mono1);
        if (d < 0)
            d = -d;
        check(d < (int64_t)(20 * MS),
              "wall and monotonic clocks advance together");
    }
}

int solo5_app_main(const struct solo5_start_info *si)
{
    test_monotonic();
    test_yield(1 * MS);
    test_yield(10 * MS);
    test_yield(200 * MS);
    test_past_deadline();
    test_wall(si->cmdline);
    if (failures != 0)
        return SOLO5_EXIT_FAILURE;
    puts_("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
