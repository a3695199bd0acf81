/*
 * test_hvt_block.c: the block hypercalls (hvt_module_block.c), attached
 * through the module's own options and setup to temporary files, on fake
 * guest memory.
 */

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_hvt.h"

#define MEM       (4u << 20)
#define ARGS      0x101000u /* the argument structure */
#define BUF       0x110000u /* small transfers */
#define BIG       0x200000u /* up to HVT_BLOCK_IO_MAX */
#define CANARY    0xa5
#define DISK_SIZE (4u << 20)  /* handle 0, 512-byte sectors */
#define BIG4K     (64u << 10) /* handle 2, 4096-byte sectors */

static struct hvt hvt;
static int disk_fd = -1, big_fd = -1; /* our own view of the files */

enum { H_DISK = 0, H_NET = 1, H_BIG4K = 2, H_NONE = 3 };
enum { RD = HVT_HYPERCALL_BLOCK_READ, WR = HVT_HYPERCALL_BLOCK_WRITE };

/* What the backing files hold at OFF before any test writes. */
static uint8_t pattern(uint64_t off)
{
    return (uint8_t)(off ^ (off >> 9) ^ (off >> 17) ^ 0x5c);
}

static void fill_file(int fd, uint64_t from, uint64_t len)
{
    uint8_t b[4096];

    for (uint64_t o = from; o < from + len; o += sizeof b) {
        for (unsigned i = 0; i < sizeof b; i++)
            b[i] = pattern(o + i);
        if (pwrite(fd, b, sizeof b, (off_t)o) != (ssize_t)sizeof b)
            abort();
    }
}

/* A temporary file of SIZE bytes of pattern(); its path in PATH. */
static int make_file(char *path, uint64_t size)
{
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(path, 256, "%s/test_hvt_block.XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0)
        abort();
    fill_file(fd, 0, size);
    return fd;
}

static struct hvt_hc_blkio *args(void)
{
    return (struct hvt_hc_blkio *)(hvt.mem + ARGS);
}

/*
 * Hypercall NR on HANDLE, OFFSET, DATA, LEN; RET starts as a value the
 * tender never writes, so a handler that forgets it is seen.
 */
static enum fake_end blk(unsigned nr, uint64_t handle, uint64_t offset,
                         uint64_t data, uint64_t len)
{
    *args() = (struct hvt_hc_blkio){ handle, offset, data, len, 0xdead };
    return fake_hypercall(&hvt, nr, ARGS);
}

/* The same, for a call that returns: its RET. */
static uint64_t blk_ret(unsigned nr, uint64_t handle, uint64_t offset,
                        uint64_t data, uint64_t len)
{
    assert_int_equal(blk(nr, handle, offset, data, len), FAKE_RETURNED);
    return args()->ret;
}

/* Guest memory [FROM, TO) holds only the canary. */
static void untouched(uint64_t from, uint64_t to)
{
    for (uint64_t a = from; a < to; a++) {
        if (hvt.mem[a] != CANARY)
            fail_msg("guest byte 0x%llx changed to 0x%02x",
                     (unsigned long long)a, hvt.mem[a]);
    }
}

/* The file at FD holds pattern() in [OFF, OFF + LEN). */
static void file_is_pattern(int fd, uint64_t off, uint64_t len)
{
    static uint8_t b[HVT_BLOCK_IO_MAX];

    assert_true(len <= sizeof b);
    assert_int_equal(pread(fd, b, len, (off_t)off), (ssize_t)len);
    for (uint64_t i = 0; i < len; i++) {
        if (b[i] != pattern(off + i))
            fail_msg("file byte 0x%llx is 0x%02x",
                     (unsigned long long)(off + i), b[i]);
    }
}

/* Guest memory at GPA holds the file's pattern() from OFF, LEN bytes. */
static void guest_has_pattern(uint64_t gpa, uint64_t off, uint64_t len)
{
    for (uint64_t i = 0; i < len; i++) {
        if (hvt.mem[gpa + i] != pattern(off + i))
            fail_msg("guest byte 0x%llx is 0x%02x, file byte 0x%llx",
                     (unsigned long long)(gpa + i), hvt.mem[gpa + i],
                     (unsigned long long)(off + i));
    }
}

static int fresh_memory(void **state)
{
    (void)state;
    memset(hvt.mem, CANARY, MEM);
    return 0;
}

/* ---- requests that succeed ------------------------------------------ */

static void read_one_block(void **state)
{
    (void)state;
    assert_int_equal(blk_ret(RD, H_DISK, 3 * 512, BUF, 512), HVT_OK);
    guest_has_pattern(BUF, 3 * 512, 512);
    untouched(BUF - 64, BUF);
    untouched(BUF + 512, BUF + 4096);
    file_is_pattern(disk_fd, 0, 8192);
}

static void read_the_largest_request(void **state)
{
    (void)state;
    assert_int_equal(blk_ret(RD, H_DISK, 512, BIG, HVT_BLOCK_IO_MAX), HVT_OK);
    guest_has_pattern(BIG, 512, HVT_BLOCK_IO_MAX);
    untouched(BIG - 4096, BIG);
    untouched(BIG + HVT_BLOCK_IO_MAX, BIG + HVT_BLOCK_IO_MAX + 4096);
}

static void write_reaches_the_file(void **state)
{
    (void)state;
    uint8_t b[1024];

    for (unsigned i = 0; i < sizeof b; i++)
        hvt.mem[BUF + i] = (uint8_t)(i * 13 + 1);
    assert_int_equal(blk_ret(WR, H_DISK, 8192, BUF, 1024), HVT_OK);
    /* In the file when the hypercall returns, and nothing around it. */
    assert_int_equal(pread(disk_fd, b, sizeof b, 8192), (ssize_t)sizeof b);
    assert_memory_equal(b, hvt.mem + BUF, sizeof b);
    file_is_pattern(disk_fd, 4096, 4096);
    file_is_pattern(disk_fd, 8192 + 1024, 4096);
    fill_file(disk_fd, 8192, 4096);
}

static void write_the_largest_request(void **state)
{
    (void)state;
    static uint8_t b[HVT_BLOCK_IO_MAX];
    uint64_t off = DISK_SIZE - HVT_BLOCK_IO_MAX;

    for (unsigned i = 0; i < HVT_BLOCK_IO_MAX; i++)
        hvt.mem[BIG + i] = (uint8_t)(i >> 9);
    assert_int_equal(blk_ret(WR, H_DISK, off, BIG, HVT_BLOCK_IO_MAX), HVT_OK);
    assert_int_equal(pread(disk_fd, b, sizeof b, (off_t)off),
                     (ssize_t)sizeof b);
    assert_memory_equal(b, hvt.mem + BIG, sizeof b);
    file_is_pattern(disk_fd, off - 4096, 4096);
    fill_file(disk_fd, off, HVT_BLOCK_IO_MAX);
}

static void the_last_block(void **state)
{
    (void)state;
    assert_int_equal(blk_ret(RD, H_DISK, DISK_SIZE - 512, BUF, 512), HVT_OK);
    guest_has_pattern(BUF, DISK_SIZE - 512, 512);
    assert_int_equal(blk_ret(RD, H_BIG4K, BIG4K - 4096, BUF, 4096), HVT_OK);
    guest_has_pattern(BUF, BIG4K - 4096, 4096);
}

static void four_k_sectors(void **state)
{
    (void)state;
    assert_int_equal(blk_ret(RD, H_BIG4K, 4096, BUF, 8192), HVT_OK);
    guest_has_pattern(BUF, 4096, 8192);
    memset(hvt.mem + BUF, CANARY, 8192);
    /* Multiples of 512 that are not of 4096. */
    assert_int_equal(blk_ret(RD, H_BIG4K, 512, BUF, 4096), HVT_EINVAL);
    assert_int_equal(blk_ret(RD, H_BIG4K, 4096, BUF, 512), HVT_EINVAL);
    assert_int_equal(blk_ret(RD, H_BIG4K, 4096, BUF, 4096 + 512), HVT_EINVAL);
    assert_int_equal(blk_ret(WR, H_BIG4K, 2048, BUF, 4096), HVT_EINVAL);
    untouched(BUF, BUF + 16384);
    file_is_pattern(big_fd, 0, BIG4K);
}

/* ---- requests refused with EINVAL ----------------------------------- */

/* Both directions refuse; the guest buffer and the file stay as they were. */
static void refused(uint64_t handle, uint64_t off, uint64_t len)
{
    assert_int_equal(blk_ret(RD, handle, off, BUF, len), HVT_EINVAL);
    untouched(BUF - 4096, BUF + 8192);
    memset(hvt.mem + BUF, 0x77, 4096);
    assert_int_equal(blk_ret(WR, handle, off, BUF, len), HVT_EINVAL);
    memset(hvt.mem + BUF, CANARY, 4096);
}

static void past_the_end(void **state)
{
    (void)state;
    refused(H_DISK, DISK_SIZE, 512);
    refused(H_DISK, DISK_SIZE - 512, 1024);
    refused(H_DISK, DISK_SIZE + 512, 512);
    refused(H_BIG4K, BIG4K, 4096);
    refused(H_BIG4K, BIG4K - 4096, 8192);
    file_is_pattern(disk_fd, DISK_SIZE - 8192, 8192);
    file_is_pattern(big_fd, 0, BIG4K);
}

static void bad_lengths(void **state)
{
    (void)state;
    refused(H_DISK, 0, 0);
    refused(H_DISK, 0, 1);
    refused(H_DISK, 0, 511);
    refused(H_DISK, 0, 513);
    refused(H_DISK, 0, HVT_BLOCK_IO_MAX + 512);
    refused(H_DISK, 0, 2ull * HVT_BLOCK_IO_MAX);
    refused(H_DISK, 0, 1ull << 32);
    refused(H_DISK, 0, UINT64_MAX - 511);
    file_is_pattern(disk_fd, 0, 8192);
}

static void bad_offsets(void **state)
{
    (void)state;
    refused(H_DISK, 1, 512);
    refused(H_DISK, 100, 512);
    refused(H_DISK, 511, 512);
    /* OFFSET + LEN wraps to a small number. */
    refused(H_DISK, UINT64_MAX - 511, 512);
    refused(H_DISK, UINT64_MAX - 511, 1024);
    refused(H_DISK, 1ull << 63, 512);
    refused(H_DISK, (1ull << 32) + 512, 512);
    file_is_pattern(disk_fd, 0, 8192);
}

static void bad_handles(void **state)
{
    (void)state;
    /* A network device, an unused entry, past the manifest, past 63. */
    const uint64_t bad[] = {
        H_NET, H_NONE, 62, 63, 64, 1ull << 32, UINT64_MAX
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
        refused(bad[i], 0, 512);
    file_is_pattern(disk_fd, 0, 8192);
    file_is_pattern(big_fd, 0, BIG4K);
}

/* ---- requests that end the guest ------------------------------------ */

static void data_outside_guest_memory(void **state)
{
    (void)state;
    const uint64_t bad[] = { MEM - 256, MEM, UINT64_MAX - 511, 0xfffffe00u,
                             (1ull << 32) - 256 };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(blk(RD, H_DISK, 0, bad[i], 512), FAKE_ENDED);
        assert_non_null(strstr(fake_err(), "outside its"));
        assert_int_equal(blk(WR, H_DISK, 0, bad[i], 512), FAKE_ENDED);
    }
    /* The largest request, starting one block too high. */
    uint64_t high = MEM - HVT_BLOCK_IO_MAX + 512;
    assert_int_equal(blk(WR, H_DISK, 0, high, HVT_BLOCK_IO_MAX), FAKE_ENDED);
    file_is_pattern(disk_fd, 0, HVT_BLOCK_IO_MAX);
}

static void arguments_outside_or_misaligned(void **state)
{
    (void)state;
    assert_int_equal(fake_hypercall(&hvt, RD, ARGS + 4), FAKE_ENDED);
    assert_non_null(strstr(fake_err(), "misaligned"));
    assert_int_equal(fake_hypercall(&hvt, WR, MEM - 32), FAKE_ENDED);
    assert_non_null(strstr(fake_err(), "outside its"));
    assert_int_equal(fake_hypercall(&hvt, RD, 0xfffffff8u), FAKE_ENDED);
    assert_int_equal(fake_hypercall(&hvt, WR, MEM), FAKE_ENDED);
}

/* ---- odd but legal -------------------------------------------------- */

static void read_over_its_own_arguments(void **state)
{
    (void)state;
    /* The data lands on the argument structure; RET is written last. */
    assert_int_equal(blk_ret(RD, H_DISK, 0, ARGS, 512), HVT_OK);
    guest_has_pattern(ARGS + sizeof(struct hvt_hc_blkio),
                      sizeof(struct hvt_hc_blkio),
                      512 - sizeof(struct hvt_hc_blkio));
}

static void host_error_is_eio(void **state)
{
    (void)state;
    /* The file shrank under the tender: the read finds its end. */
    assert_int_equal(ftruncate(big_fd, BIG4K / 2), 0);
    assert_int_equal(blk_ret(RD, H_BIG4K, BIG4K - 4096, BUF, 4096), HVT_EIO);
    assert_int_equal(blk_ret(RD, H_BIG4K, 0, BUF, 4096), HVT_OK);
    assert_int_equal(ftruncate(big_fd, BIG4K), 0);
    fill_file(big_fd, 0, BIG4K);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(read_one_block, fresh_memory),
        cmocka_unit_test_setup(read_the_largest_request, fresh_memory),
        cmocka_unit_test_setup(write_reaches_the_file, fresh_memory),
        cmocka_unit_test_setup(write_the_largest_request, fresh_memory),
        cmocka_unit_test_setup(the_last_block, fresh_memory),
        cmocka_unit_test_setup(four_k_sectors, fresh_memory),
        cmocka_unit_test_setup(past_the_end, fresh_memory),
        cmocka_unit_test_setup(bad_lengths, fresh_memory),
        cmocka_unit_test_setup(bad_offsets, fresh_memory),
        cmocka_unit_test_setup(bad_handles, fresh_memory),
        cmocka_unit_test_setup(data_outside_guest_memory, fresh_memory),
        cmocka_unit_test_setup(arguments_outside_or_misaligned, fresh_memory),
        cmocka_unit_test_setup(read_over_its_own_arguments, fresh_memory),
        cmocka_unit_test_setup(host_error_is_eio, fresh_memory),
    };
    char disk[256], big[256], opt[300];

    /* Attached as solo5-hvt --block:disk=... --block:big=... would. */
    fake_hvt_init(&hvt, MEM);
    fake_hvt_add_entry(&hvt, "disk", MFT_DEV_BLOCK_BASIC);
    fake_hvt_add_entry(&hvt, "net", MFT_DEV_NET_BASIC);
    fake_hvt_add_entry(&hvt, "big", MFT_DEV_BLOCK_BASIC);
    disk_fd = make_file(disk, DISK_SIZE);
    big_fd = make_file(big, BIG4K);
    const struct hvt_module *block = fake_module("block");
    snprintf(opt, sizeof opt, "--block:disk=%s", disk);
    assert_true(block->cli->option(opt));
    assert_true(block->cli->option("--block-sector-size:big=4096"));
    snprintf(opt, sizeof opt, "--block:big=%s", big);
    assert_true(block->cli->option(opt));
    block->setup(&hvt);
    block->guest_init(&hvt);
    unlink(disk);
    unlink(big);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
