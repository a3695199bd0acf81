/* console: the console carries bytes unchanged, every value from 0 to 255,
 * in small and large writes (the host compares them byte for byte). */

#include "solo5.h"
#include "selftest.h"

/* 63 characters and a newline: the host builds the same with `yes`. */
static const char line[] =
    "the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGH\n";

#define LINES 1563
static char big[LINES * (sizeof line - 1)];

int solo5_app_main(const struct solo5_start_info *si)
{
    char all[256];
    size_t i;
    (void)si;

    puts_("console: begin\n");
    for (i = 0; i < 256; i++)
        all[i] = (char)i;
    solo5_console_write(all, sizeof all);
    solo5_console_write("\n", 1);
    solo5_console_write(all, 0); /* nothing */
    for (i = 0; i < sizeof big; i++)
        big[i] = line[i % (sizeof line - 1)];
    solo5_console_write(big, sizeof big);
    puts_("console: end\n");
    puts_("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
