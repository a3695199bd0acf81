/* benchblock.c: block throughput with one-block and multi-block calls. */

/*
 * Writes then reads the whole device (at most 64 MiB) in calls of one
 * block, 64 KiB and SOLO5_BLOCK_IO_MAX, timed with the monotonic clock,
 * and prints one line per run: "benchblock: write|read SIZE KiB/s N".
 * It checks what it reads back, so a fast wrong answer is not a result.
 */

#include "solo5.h"
#include "selftest.h"

static void fill(uint8_t *buf, size_t n, uint64_t off)
{
    for (size_t i = 0; i < n; i += 8)
        *(uint64_t *)(void *)(buf + i) = (off + i) * 0x9e3779b97f4a7c15ULL;
}

static int pattern_holds(const uint8_t *buf, size_t n, uint64_t off)
{
    for (size_t i = 0; i < n; i += 8) {
        if (*(const uint64_t *)(const void *)(buf + i) !=
            (off + i) * 0x9e3779b97f4a7c15ULL)
            return 0;
    }
    return 1;
}

static int run(solo5_handle_t h, uint64_t total, size_t chunk, uint8_t *buf,
               int write)
{
    solo5_time_t t0 = solo5_clock_monotonic();
    for (uint64_t off = 0; off < total; off += chunk) {
        solo5_result_t r;
        if (write) {
            fill(buf, chunk, off);
            r = solo5_block_write(h, off, buf, chunk);
        } else {
            r = solo5_block_read(h, off, buf, chunk);
            if (r == SOLO5_R_OK && !pattern_holds(buf, chunk, off)) {
                puts_("benchblock: data read back is wrong\n");
                return 0;
            }
        }
        if (r != SOLO5_R_OK) {
            puts_("benchblock: I/O failed\n");
            return 0;
        }
    }
    solo5_time_t dt = solo5_clock_monotonic() - t0;
    puts_(write ? "benchblock: write " : "benchblock: read ");
    put_u64(chunk);
    puts_(" KiB/s ");
    put_u64(dt ? total * 1000000000ULL / 1024 / dt : 0);
    puts_("\n");
    return 1;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    struct solo5_block_info bi;
    solo5_handle_t h;

    if (solo5_block_acquire("storage", &h, &bi) != SOLO5_R_OK) {
        puts_("benchblock: no storage device\n");
        return 1;
    }
    uint64_t total = bi.capacity < (64u << 20) ? bi.capacity : (64u << 20);
    total -= total % SOLO5_BLOCK_IO_MAX;
    uint8_t *buf = (uint8_t *)((si->heap_start + 4095) & ~(uintptr_t)4095);
    if (total == 0 || si->heap_size < 2 * SOLO5_BLOCK_IO_MAX) {
        puts_("benchblock: need a device and heap of at least 1 MiB\n");
        return 1;
    }
    size_t chunks[3] = { (size_t)bi.block_size, 65536, SOLO5_BLOCK_IO_MAX };
    for (int i = 0; i < 3; i++) {
        /* One-block calls are slow: time them over a sixteenth. */
        uint64_t n = i == 0 ? total / 16 : total;
        if (!run(h, n, chunks[i], buf, 1) || !run(h, n, chunks[i], buf, 0))
            return 1;
    }
    puts_("SUCCESS\n");
    return 0;
}
