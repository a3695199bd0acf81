/* dumpcore: a unikernel for the debug tender's tests: it faults, aborts or
 * counts on purpose, in named functions a backtrace or gdb can find.
 * Command line: "fault" (a write to page 0), "abort" (solo5_abort()) or
 * "count" (sums into a global and exits 0). */

#include "solo5.h"
#include "selftest.h"

/* Read by gdb in tests/debug.bats; volatile so it lives in memory. */
volatile unsigned long dumpcore_counter = 42;

/* noinline: each must be a frame of its own in the backtrace. */
__attribute__((noinline)) void dumpcore_fault_here(volatile int *p);
__attribute__((noinline)) void dumpcore_fault_here(volatile int *p)
{
    puts_("dumpcore: writing to page 0\n");
    *p = 1;
    __asm__ volatile("" ::: "memory"); /* no tail call past the store */
}

__attribute__((noinline)) void dumpcore_abort_here(void);
__attribute__((noinline)) void dumpcore_abort_here(void)
{
    puts_("dumpcore: calling solo5_abort()\n");
    solo5_abort();
}

__attribute__((noinline)) unsigned long dumpcore_count(unsigned long n);
__attribute__((noinline)) unsigned long dumpcore_count(unsigned long n)
{
    for (unsigned long i = 1; i <= n; i++)
        dumpcore_counter += i;
    return dumpcore_counter;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *c = si->cmdline;

    if (str_eq(c, "fault")) {
        dumpcore_fault_here((volatile int *)(unsigned long)si->heap_start -
                            si->heap_start / sizeof(int));
    } else if (str_eq(c, "abort")) {
        dumpcore_abort_here();
    } else if (str_eq(c, "count")) {
        dumpcore_counter = 7;
        return dumpcore_count(10) == 62 ? SOLO5_EXIT_SUCCESS
                                        : SOLO5_EXIT_FAILURE;
    } else {
        puts_("FAILURE: usage: fault | abort | count\n");
        return SOLO5_EXIT_FAILURE;
    }
    puts_("FAILURE: still running\n");
    return SOLO5_EXIT_FAILURE;
}
