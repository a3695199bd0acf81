/* signal: a unikernel waiting in solo5_yield() can be stopped by a signal
 * to the tender; what it wrote before is in the backing file. It writes a
 * marker to the first block, says "ready", and sleeps (giving up with a
 * failure after two minutes, so a forgotten run cannot linger). */

#include "solo5.h"
#include "selftest.h"

#define SEC 1000000000ull

static uint8_t block[65536];

int solo5_app_main(const struct solo5_start_info *si)
{
    struct solo5_block_info info;
    solo5_handle_t h;
    const char text[] = "solo5 signal test: written before the signal\n";
    solo5_time_t end;
    (void)si;

    if (solo5_block_acquire("storage", &h, &info) != SOLO5_R_OK ||
        info.block_size > sizeof block) {
        puts_("FAILURE: cannot acquire 'storage'\n");
        return SOLO5_EXIT_FAILURE;
    }
    for (size_t i = 0; i < sizeof text - 1; i++)
        block[i] = (uint8_t)text[i];
    if (solo5_block_write(h, 0, block, info.block_size) != SOLO5_R_OK) {
        puts_("FAILURE: block_write\n");
        return SOLO5_EXIT_FAILURE;
    }
    puts_("signal: ready, sleeping\n");
    end = solo5_clock_monotonic() + 120 * SEC;
    while (solo5_clock_monotonic() < end)
        solo5_yield(solo5_clock_monotonic() + SEC, NULL);
    puts_("FAILURE: no signal came within two minutes\n");
    return SOLO5_EXIT_FAILURE;
}
