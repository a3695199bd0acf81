/* example.c: the bundled example: what a unikernel sees of its machine. */

/*
 * Prints its command line, its memory, its clocks (and that yield really
 * waits), and what it finds on its block device "storage": size, block
 * size, and whether the first block is a boot sector. On the disk-image
 * path the device is the boot disk itself. Ends with SUCCESS and status 0.
 */

#include "solo5.h"

static void out(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    solo5_console_write(s, n);
}

static void out_u(uint64_t v)
{
    char b[24];
    int i = sizeof b;
    b[--i] = 0;
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    out(b + i);
}

static void out_hex(uint64_t v)
{
    char b[19];
    int i = sizeof b;
    b[--i] = 0;
    do {
        b[--i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    b[--i] = 'x';
    b[--i] = '0';
    out(b + i);
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void out_date(uint64_t secs)
{
    uint64_t days = secs / 86400, rem = secs % 86400;
    uint64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    uint64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    uint64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    uint64_t m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    out_u(y);
    out(m < 10 ? "-0" : "-");
    out_u(m);
    out(d < 10 ? "-0" : "-");
    out_u(d);
    out(rem / 3600 < 10 ? " 0" : " ");
    out_u(rem / 3600);
    out(rem / 60 % 60 < 10 ? ":0" : ":");
    out_u(rem / 60 % 60);
    out(rem % 60 < 10 ? ":0" : ":");
    out_u(rem % 60);
    out(" UTC");
}

int solo5_app_main(const struct solo5_start_info *si)
{
    out("example: hello from a Solo5 unikernel\n");
    out("example: command line: '");
    out(si->cmdline);
    out("'\n");

    out("example: heap ");
    out_hex(si->heap_start);
    out(", ");
    out_u(si->heap_size >> 20);
    out(" MiB (the stack grows down from its top)\n");

    solo5_time_t wall = solo5_clock_wall();
    out("example: wall clock ");
    out_date(wall / 1000000000ULL);
    out("\n");
    solo5_time_t t0 = solo5_clock_monotonic();
    solo5_yield(t0 + 10000000ULL, NULL); /* 10 ms */
    solo5_time_t slept = solo5_clock_monotonic() - t0;
    out("example: monotonic clock at ");
    out_u(t0 / 1000);
    out(" us; yield(10 ms) slept ");
    out_u(slept / 1000);
    out(" us\n");

    struct solo5_block_info bi;
    solo5_handle_t h;
    if (solo5_block_acquire("storage", &h, &bi) != SOLO5_R_OK) {
        out("example: no block device 'storage'\n");
        return 1;
    }
    out("example: block device 'storage': ");
    out_u(bi.capacity >> 20);
    out(" MiB in ");
    out_u(bi.block_size);
    out("-byte blocks\n");

    uint8_t *sector = (uint8_t *)((si->heap_start + 4095) & ~(uintptr_t)4095);
    if (solo5_block_read(h, 0, sector, bi.block_size) != SOLO5_R_OK) {
        out("example: reading block 0 failed\n");
        return 1;
    }
    out("example: block 0 ");
    out(sector[510] == 0x55 && sector[511] == 0xaa
            ? "is a boot sector (ends in 55 aa)\n"
            : "is not a boot sector\n");
    out("SUCCESS\n");
    return 0;
}
