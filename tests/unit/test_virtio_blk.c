/* test_virtio_blk.c: the virtio-blk driver against a fake device that
 * completes requests, and one that never does; no descriptor ever names
 * the application's buffer. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_virtio.h"
#include "virtio_blk.h"

static struct vdev dev;
static struct vblk blk;
static uint8_t buf[4096] __attribute__((aligned(4096)));

static uint8_t disk[64 * 512]; /* what the fake device stores */

/* True if no descriptor of Q names a byte of BUF. */
static bool buf_unnamed(const struct virtq *q)
{
    for (unsigned i = 0; i < q->num; i++) {
        uintptr_t a = (uintptr_t)q->desc[i].addr;
        if (a < (uintptr_t)buf + sizeof buf &&
            a + q->desc[i].len > (uintptr_t)buf)
            return false;
    }
    return true;
}

/*
 * A working device: serves each request at once from DISK, by the chain
 * the driver posted (header, data, status), and answers OK.
 */
static void complete_ok(struct virtq *q)
{
    assert_true(buf_unnamed(q));
    uint16_t head = q->avail->ring[(uint16_t)(q->avail->idx - 1) % q->num];
    const struct vblk_req_hdr *h =
        (const struct vblk_req_hdr *)(uintptr_t)q->desc[head].addr;
    volatile struct virtq_desc *data = &q->desc[q->desc[head].next];
    uint8_t *at = disk + h->sector * 512;
    assert_true(h->sector * 512 + data->len <= sizeof disk);
    uint8_t *p = (uint8_t *)(uintptr_t)data->addr;
    if (data->flags & VIRTQ_DESC_F_WRITE)
        memcpy(p, at, data->len);
    else
        memcpy(at, p, data->len);
    *(volatile uint8_t *)(uintptr_t)q->desc[data->next].addr = 0;
    fake_complete(q, head, data->len + 1);
}

static int setup(void **state)
{
    (void)state;
    fake_reset(&dev);
    memset(&blk, 0, sizeof blk);
    fake_config[0] = 64; /* capacity: 64 sectors */
    assert_true(vblk_init(&blk, &dev));
    assert_int_equal(blk.capacity, 64 * 512);
    return 0;
}

/* Data goes both ways through the driver's own buffer, intact. */
static void test_completes(void **state)
{
    (void)state;
    fake_on_kick = complete_ok;
    for (unsigned i = 0; i < sizeof disk; i++)
        disk[i] = (uint8_t)(i * 7);
    assert_int_equal(vblk_rw(&blk, false, 512, buf, 1024), VIO_OK);
    assert_memory_equal(buf, disk + 512, 1024);
    memset(buf, 'W', sizeof buf);
    assert_int_equal(vblk_rw(&blk, true, 2048, buf, 4096), VIO_OK);
    assert_int_equal(disk[2048], 'W');
    assert_int_equal(disk[2048 + 4095], 'W');
    assert_int_equal(disk[2048 + 4096], (uint8_t)((2048 + 4096) * 7));
    assert_true(fake_desc_frozen(&blk.q));
    assert_int_equal(fake_resets, 0);
    assert_string_equal(fake_log, "");
}

/*
 * A device that never answers: the request fails after the bound, the
 * console says so, and later requests fail at once without touching the
 * queue. No reset is needed to give BUF back: the device never had it.
 */
static void test_hung_device(void **state)
{
    (void)state;
    fake_on_kick = NULL;
    assert_int_equal(vblk_rw(&blk, false, 0, buf, 512), VIO_EIO);
    assert_true(buf_unnamed(&blk.q));
    assert_int_equal(fake_resets, 0);
    assert_non_null(
        strstr(fake_log, "virtio-blk: the device did not complete a read"));
    uint16_t posted = blk.q.avail->idx;
    fake_on_kick = complete_ok;
    assert_int_equal(vblk_rw(&blk, true, 0, buf, 512), VIO_EIO);
    assert_int_equal(blk.q.avail->idx, posted);
}

int main(void)
{
    /* Before the wait was bounded, a hung device hung this test: end it. */
    alarm(20);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_completes, setup),
        cmocka_unit_test_setup(test_hung_device, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
