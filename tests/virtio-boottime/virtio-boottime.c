/* virtio-boottime: how long the virtio binding took from the guest's first
 * instruction (the TSC stamp boot.S keeps in virtio_boot_tsc) to
 * solo5_app_main. Prints "virtio-boottime: N us" for benchmarks; it
 * asserts nothing about N. The TSC rate is measured against the monotonic
 * clock over a 100 ms yield. On other targets it says it cannot measure. */

#include "solo5.h"
#include "selftest.h"

extern const uint64_t virtio_boot_tsc __attribute__((weak));

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    uint64_t at_main = rdtsc();
    (void)si;

    if (&virtio_boot_tsc == 0 || virtio_boot_tsc == 0) {
        puts_("virtio-boottime: no boot time stamp on this target\n");
        return 2;
    }
    uint64_t t0 = rdtsc();
    solo5_time_t m0 = solo5_clock_monotonic();
    solo5_yield(m0 + 100000000ULL, NULL);
    uint64_t t1 = rdtsc();
    solo5_time_t m1 = solo5_clock_monotonic();
    if (m1 <= m0 || t1 <= t0 || at_main <= virtio_boot_tsc) {
        puts_("FAILURE: the clocks did not advance\n");
        return 1;
    }
    /* TSC ticks per microsecond, in 1/1000ths. */
    uint64_t per_us_milli = (t1 - t0) * 1000000ULL / (m1 - m0);
    uint64_t us = (at_main - virtio_boot_tsc) * 1000ULL / per_us_milli;
    puts_("virtio-boottime: ");
    put_u64(us);
    puts_(" us\nSUCCESS\n");
    return 0;
}
