/* test_virtio_blk.c: the virtio-blk driver against a fake device that
 * completes requests, and one that never does. */

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

/* A working device: completes each request at once, status OK. */
static void complete_ok(struct virtq *q)
{
    uint16_t head = q->avail->ring[(uint16_t)(q->avail->idx - 1) % q->num];
    uint16_t d = head;
    while (q->desc[d].flags & VIRTQ_DESC_F_NEXT)
        d = q->desc[d].next;
    *(volatile uint8_t *)(uintptr_t)q->desc[d].addr = 0;
    fake_complete(q, head, 1);
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

static void test_completes(void **state)
{
    (void)state;
    fake_on_kick = complete_ok;
    assert_int_equal(vblk_rw(&blk, false, 0, buf, 512), VIO_OK);
    assert_int_equal(vblk_rw(&blk, true, 512, buf, 1024), VIO_OK);
    assert_int_equal(fake_resets, 0);
    assert_string_equal(fake_log, "");
}

/*
 * A device that never answers: the request fails after the bound, the
 * device is reset (it must give BUF back), the console says so, and later
 * requests fail at once without touching the queue.
 */
static void test_hung_device(void **state)
{
    (void)state;
    fake_on_kick = NULL;
    assert_int_equal(vblk_rw(&blk, false, 0, buf, 512), VIO_EIO);
    assert_int_equal(fake_resets, 1);
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
