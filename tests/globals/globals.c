/* globals: initialised data and BSS hold their link-time values at start,
 * and writes to them (and to the heap) stick. */

#include "solo5.h"
#include "selftest.h"

/* volatile keeps the compiler from folding the checks at build time: the
 * point is what the loader put in memory. */
static volatile uint64_t data_u64 = 0x0123456789abcdefull;
static volatile int data_array[8] = { 1, -2, 3, -4, 5, -6, 7, -8 };
static volatile char data_str[] = "initialised data";
static const volatile char ro_str[] = "read-only data";
static volatile uint64_t bss_u64;
/* Larger than a page, and big enough to end far beyond the file's data,
 * so the loader must zero memory the file does not cover. */
static volatile uint8_t bss_big[3 * 65536 + 123];
volatile int global_data_int = 42; /* non-static: a common-style symbol */
volatile int global_bss_int;

int solo5_app_main(const struct solo5_start_info *si)
{
    size_t i;
    int all_zero = 1;

    check(data_u64 == 0x0123456789abcdefull, "initialised uint64_t");
    for (i = 0; i < 8; i++)
        check(data_array[i] == (int)((i % 2) ? -(int)(i + 1) : (int)(i + 1)),
              "initialised int array");
    check(str_eq(data_str, "initialised data"), "initialised string");
    check(str_eq(ro_str, "read-only data"), "read-only string");
    check(global_data_int == 42, "initialised global int");
    check(bss_u64 == 0, "BSS uint64_t is zero");
    check(global_bss_int == 0, "BSS global int is zero");
    for (i = 0; i < sizeof bss_big; i++)
        if (bss_big[i] != 0)
            all_zero = 0;
    check(all_zero, "large BSS array is all zero");

    /* Writes stick. */
    data_u64 = ~data_u64;
    check(data_u64 == ~0x0123456789abcdefull, "write to data");
    data_str[0] = 'I';
    check(str_eq(data_str, "Initialised data"), "write to data string");
    bss_u64 = 0xfeedfacecafebeefull;
    check(bss_u64 == 0xfeedfacecafebeefull, "write to BSS");
    for (i = 0; i < sizeof bss_big; i++)
        bss_big[i] = (uint8_t)(i * 7 + 1);
    for (i = 0; i < sizeof bss_big; i++)
        if (bss_big[i] != (uint8_t)(i * 7 + 1))
            break;
    check(i == sizeof bss_big, "writes across the large BSS array");
    global_bss_int = -1;
    check(global_bss_int == -1, "write to BSS global");

    /* The heap is readable and writable at both ends of its lower half
     * (the stack lives at its top). */
    check(si->heap_size >= 65536, "heap is at least 64 KiB");
    if (si->heap_size >= 65536) {
        volatile uint64_t *lo = (volatile uint64_t *)si->heap_start;
        volatile uint64_t *mid =
            (volatile uint64_t *)((si->heap_start + si->heap_size / 2) &
                                  ~(uintptr_t)7);
        *lo = 0x1111222233334444ull;
        *mid = 0x5555666677778888ull;
        check(*lo == 0x1111222233334444ull, "write to heap start");
        check(*mid == 0x5555666677778888ull, "write to heap middle");
    }

    if (failures != 0)
        return SOLO5_EXIT_FAILURE;
    puts_("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
