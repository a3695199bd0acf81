/* block: data written to a block device reads back the same at its start,
 * middle and end, in one-block and multi-block calls up to
 * SOLO5_BLOCK_IO_MAX; every malformed call is refused with EINVAL and has
 * no effect. Leaves marker text in the first, middle and last blocks for
 * the host to check in the backing file. */

#include "solo5.h"
#include "selftest.h"

static void check_io(int ok, const char *what, uint64_t off, uint64_t len)
{
    if (!ok) {
        puts_("FAILURE: ");
        puts_(what);
        puts_(" (offset ");
        put_u64(off);
        puts_(", size ");
        put_u64(len);
        puts_(")\n");
        failures++;
    }
}

static solo5_handle_t h;
static uint64_t bs, cap;
static uint8_t *wbuf, *rbuf; /* IO_MAX plus slack for misaligned copies */

/* The byte expected at device offset OFF for pattern SEED. */
static uint8_t pat(uint64_t off, unsigned seed)
{
    uint64_t x = off * 0x9e3779b97f4a7c15ull + seed * 0x100000001b3ull;
    return (uint8_t)(x >> 56);
}

static void fill(uint8_t *buf, uint64_t off, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = pat(off + i, seed);
}

static int matches(const uint8_t *buf, uint64_t off, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        if (buf[i] != pat(off + i, seed))
            return 0;
    return 1;
}

static void poison(uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = 0xcc;
}

/* One write of LEN at OFF, then one read back into a poisoned buffer. */
static void write_read(uint64_t off, size_t len, unsigned seed)
{
    fill(wbuf, off, len, seed);
    check_io(solo5_block_write(h, off, wbuf, len) == SOLO5_R_OK, "write", off,
             len);
    poison(rbuf, len);
    check_io(solo5_block_read(h, off, rbuf, len) == SOLO5_R_OK, "read", off,
             len);
    check_io(matches(rbuf, off, len, seed), "data read back differs", off, len);
}

/* The device holds pattern SEED at [OFF, OFF+LEN), read block by block. */
static void expect_blocks(uint64_t off, size_t len, unsigned seed,
                          const char *what)
{
    for (uint64_t o = off; o < off + len; o += bs) {
        poison(rbuf, bs);
        check_io(solo5_block_read(h, o, rbuf, bs) == SOLO5_R_OK, "read block",
                 o, bs);
        check_io(matches(rbuf, o, bs, seed), what, o, bs);
    }
}

static void test_single_blocks(void)
{
    uint64_t mid = (cap / bs / 2) * bs;
    write_read(0, bs, 1);
    write_read(mid, bs, 2);
    write_read(cap - bs, bs, 3);
    /* Neighbours are independent. */
    write_read(bs, bs, 4);
    expect_blocks(0, bs, 1, "block 0 changed by a write to block 1");
}

static void test_multi_blocks(void)
{
    size_t max = SOLO5_BLOCK_IO_MAX;
    uint64_t o;

    if (max > cap / 2)
        max = (cap / 2 / bs) * bs;
    /* Two blocks, 64 KiB and the maximum, checked one block at a time. */
    write_read(2 * bs, 2 * bs, 5);
    expect_blocks(2 * bs, 2 * bs, 5, "two-block write, read per block");
    if (65536 % bs == 0 && 65536 <= max) {
        write_read(8 * bs, 65536, 6);
        expect_blocks(8 * bs, 65536, 6, "64 KiB write, read per block");
    }
    write_read(bs, max, 7);
    write_read(cap - max, max, 8); /* ends exactly at the last byte */
    expect_blocks(cap - max, max, 8, "maximum write at the end");

    /* Written block by block, read back in one call. */
    for (o = 0; o < 8 * bs; o += bs) {
        fill(wbuf, o, bs, 9);
        check_io(solo5_block_write(h, o, wbuf, bs) == SOLO5_R_OK, "write", o,
                 bs);
    }
    poison(rbuf, 8 * bs);
    check_io(solo5_block_read(h, 0, rbuf, 8 * bs) == SOLO5_R_OK, "read", 0,
             8 * bs);
    check_io(matches(rbuf, 0, 8 * bs, 9), "per-block writes, one read", 0,
             8 * bs);

    /* Guest buffers need no particular alignment. */
    fill(wbuf + 1, 3 * bs, 2 * bs, 10);
    check_io(solo5_block_write(h, 3 * bs, wbuf + 1, 2 * bs) == SOLO5_R_OK,
             "write from a misaligned buffer", 3 * bs, 2 * bs);
    poison(rbuf, 2 * bs + 3);
    check_io(solo5_block_read(h, 3 * bs, rbuf + 3, 2 * bs) == SOLO5_R_OK,
             "read into a misaligned buffer", 3 * bs, 2 * bs);
    check_io(matches(rbuf + 3, 3 * bs, 2 * bs, 10), "misaligned buffers",
             3 * bs, 2 * bs);
}

/* Both calls must refuse (OFF, LEN) with EINVAL. */
static void refuse(solo5_handle_t hh, uint64_t off, size_t len, const char *why)
{
    fill(wbuf, off, len <= SOLO5_BLOCK_IO_MAX + bs ? len : 0, 99);
    if (solo5_block_write(hh, off, wbuf, len) != SOLO5_R_EINVAL) {
        puts_("write: ");
        check_io(0, why, off, len);
    }
    if (solo5_block_read(hh, off, rbuf, len) != SOLO5_R_EINVAL) {
        puts_("read: ");
        check_io(0, why, off, len);
    }
}

static void test_refusals(void)
{
    uint64_t last = cap - bs;

    /* Known contents, to show afterwards that refused writes wrote
     * nothing. */
    fill(wbuf, 0, 2 * bs, 20);
    check_io(solo5_block_write(h, 0, wbuf, 2 * bs) == SOLO5_R_OK, "write", 0,
             2 * bs);
    fill(wbuf, last - bs, 2 * bs, 20);
    check_io(solo5_block_write(h, last - bs, wbuf, 2 * bs) == SOLO5_R_OK,
             "write", last - bs, 2 * bs);

    refuse(h, 1, bs, "offset not a multiple of the block size");
    refuse(h, bs / 2, bs, "offset not a multiple of the block size");
    refuse(h, bs + 1, bs, "offset not a multiple of the block size");
    refuse(h, 0, bs - 1, "size not a multiple of the block size");
    refuse(h, 0, bs + 1, "size not a multiple of the block size");
    refuse(h, 0, 1, "size not a multiple of the block size");
    refuse(h, 0, 0, "zero size");
    refuse(h, cap, bs, "offset at the end of the device");
    refuse(h, last, 2 * bs, "range crossing the end of the device");
    refuse(h, last - bs, 3 * bs, "range crossing the end of the device");
    refuse(h, cap + 1000 * bs, bs, "offset far past the end");
    refuse(h, 0ull - bs, bs, "offset that wraps around");
    refuse(h, 0ull - bs, 2 * bs, "offset + size that wraps around");
    refuse(h, 0, SOLO5_BLOCK_IO_MAX + bs, "size above SOLO5_BLOCK_IO_MAX");
    refuse(h, 0, (size_t)-1 - bs + 1, "huge size");
    refuse(h, 0, (size_t)1 << 62, "huge size");

    refuse(h + 1, 0, bs, "handle with no manifest entry");
    refuse(63, 0, bs, "handle 63");
    refuse(64, 0, bs, "handle 64");
    refuse(~0ull, 0, bs, "handle ~0");

    check_io(solo5_block_write(h, 0, NULL, bs) == SOLO5_R_EINVAL,
             "write from NULL is EINVAL", 0, bs);
    check_io(solo5_block_read(h, 0, NULL, bs) == SOLO5_R_EINVAL,
             "read into NULL is EINVAL", 0, bs);

    expect_blocks(0, 2 * bs, 20, "a refused call changed the first blocks");
    expect_blocks(last - bs, 2 * bs, 20,
                  "a refused call changed the last blocks");
}

/* Marker text in a zero-padded block, for the host to find. */
static void mark(uint64_t off, const char *text)
{
    size_t i, n = str_len(text);
    for (i = 0; i < bs; i++)
        wbuf[i] = i < n ? (uint8_t)text[i] : 0;
    check_io(solo5_block_write(h, off, wbuf, bs) == SOLO5_R_OK, "marker write",
             off, bs);
}

int solo5_app_main(const struct solo5_start_info *si)
{
    struct solo5_block_info info;
    struct solo5_block_info again;
    solo5_handle_t h2;
    uintptr_t heap = (si->heap_start + 4095) & ~(uintptr_t)4095;
    size_t bufsize = SOLO5_BLOCK_IO_MAX + 2 * 65536;

    if (solo5_block_acquire("storage", &h, &info) != SOLO5_R_OK) {
        puts_("FAILURE: cannot acquire 'storage'\n");
        return SOLO5_EXIT_FAILURE;
    }
    bs = info.block_size;
    cap = info.capacity;
    puts_("block: capacity=");
    put_u64(cap);
    puts_(" block_size=");
    put_u64(bs);
    puts_("\n");
    if (bs < 512 || bs > 65536 || (bs & (bs - 1)) != 0 || cap % bs != 0 ||
        cap < 16 * bs) {
        puts_("FAILURE: unusable geometry (need a power-of-two block size "
              "from 512 to 65536 and at least 16 blocks)\n");
        return SOLO5_EXIT_FAILURE;
    }
    if (si->heap_size < 4 * bufsize) {
        puts_("FAILURE: heap too small for the buffers\n");
        return SOLO5_EXIT_FAILURE;
    }
    wbuf = (uint8_t *)heap;
    rbuf = (uint8_t *)(heap + bufsize);
    check_io(solo5_block_acquire("storage", &h2, &again) == SOLO5_R_EINVAL,
             "second acquire of 'storage' is EINVAL", 0, 0);

    test_single_blocks();
    test_multi_blocks();
    test_refusals();

    mark(0, "solo5 block test: first block\n");
    mark((cap / bs / 2) * bs, "solo5 block test: middle block\n");
    mark(cap - bs, "solo5 block test: last block\n");

    if (failures != 0)
        return SOLO5_EXIT_FAILURE;
    puts_("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
