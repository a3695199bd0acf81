/* test_virtio_net.c: the virtio-net driver's use of its queues, against a
 * fake device that completes buffers out of order and returns bad ids. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_virtio.h"
#include "virtio_net.h"

/* ---- the fake device's side of the rings ---- */

static struct vdev dev;
static struct vnet net;
static uint16_t tx_seen; /* transmit avail entries the device has taken */

/* The descriptor head of the next transmit buffer the driver made
 * available. */
static uint16_t device_take_tx(void)
{
    assert_true(net.tx.avail->idx != tx_seen);
    uint16_t head = net.tx.avail->ring[tx_seen % net.tx.num];
    tx_seen++;
    return head;
}

/* The frame the device would send from descriptor HEAD. */
static const uint8_t *tx_frame(uint16_t head)
{
    return (const uint8_t *)(uintptr_t)net.tx.desc[head].addr + net.hdr_len;
}

static int setup(void **state)
{
    (void)state;
    fake_reset(&dev);
    memset(&net, 0, sizeof net);
    tx_seen = 0;
    assert_true(vnet_init(&net, &dev));
    assert_int_equal(net.tx_slots, FAKE_QUEUE);
    return 0;
}

static void send_frame(uint8_t fill)
{
    uint8_t f[60];
    memset(f, fill, sizeof f);
    assert_int_equal(vnet_write(&net, f, sizeof f), VIO_OK);
}

/* Every frame the device still holds keeps its bytes until completed. */
static void test_tx_out_of_order(void **state)
{
    (void)state;
    uint16_t head[FAKE_QUEUE + 2];
    const int e = FAKE_QUEUE, f = FAKE_QUEUE + 1;
    for (int i = 0; i < FAKE_QUEUE; i++) {
        send_frame((uint8_t)('A' + i));
        head[i] = device_take_tx();
    }
    /* The device finishes the third frame first: only its slot is free. */
    fake_complete(&net.tx, head[2], 0);
    send_frame('x');
    head[e] = device_take_tx();
    assert_int_equal(head[e], head[2]);
    for (int i = 0; i < FAKE_QUEUE; i++)
        if (i != 2)
            assert_int_equal(tx_frame(head[i])[0], 'A' + i);
    assert_int_equal(tx_frame(head[e])[0], 'x');
    /* Then the first: the next frame goes there, the others stay put. */
    fake_complete(&net.tx, head[0], 0);
    send_frame('y');
    head[f] = device_take_tx();
    assert_int_equal(head[f], head[0]);
    for (int i = 1; i < FAKE_QUEUE; i++)
        if (i != 2)
            assert_int_equal(tx_frame(head[i])[0], 'A' + i);
    assert_int_equal(tx_frame(head[e])[0], 'x');
    assert_int_equal(tx_frame(head[f])[0], 'y');
    assert_true(fake_desc_frozen(&net.tx));
    assert_true(fake_desc_frozen(&net.rx));
    assert_string_equal(fake_log, "");
}

/* An id the device does not own frees nothing: the ring stays full. */
static void test_tx_bad_ids_free_nothing(void **state)
{
    (void)state;
    uint16_t head[FAKE_QUEUE];
    for (int i = 0; i < FAKE_QUEUE; i++) {
        send_frame((uint8_t)('A' + i));
        head[i] = device_take_tx();
    }
    fake_complete(&net.tx, 0x10000 + head[1], 0); /* wraps to 16 bits */
    fake_complete(&net.tx, 77, 0);                /* outside the ring */
    fake_complete(&net.tx, head[1], 0);           /* completed ... */
    fake_complete(&net.tx, head[1], 0);           /* ... twice */
    uint16_t before = net.tx.avail->idx;
    send_frame('E'); /* takes the one slot really freed */
    assert_int_equal(device_take_tx(), head[1]);
    send_frame('F'); /* none left: dropped after the bounded wait */
    assert_int_equal(net.tx.avail->idx, (uint16_t)(before + 1));
    for (int i = 0; i < FAKE_QUEUE; i++)
        if (i != 1)
            assert_int_equal(tx_frame(head[i])[0], 'A' + i);
    assert_non_null(strstr(fake_log, "virtio-net: the device returned"));
}

/*
 * Receive: each frame comes from the buffer the device names, and exactly
 * those buffers go back to it, a batch at a time, in one request.
 */
static void test_rx_out_of_order(void **state)
{
    (void)state;
    static const uint16_t ids[] = { 3, 1, 7, 2 };
    const unsigned n = sizeof ids / sizeof ids[0];
    uint8_t frame[VNET_ETH_HLEN + VNET_MTU_MAX];
    size_t len = 0;
    uint16_t posted = net.rx.avail->idx;
    unsigned requests = fake_push_many_calls;
    assert_int_equal(net.rx_batch, n);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *b = (uint8_t *)(uintptr_t)net.rx.desc[ids[i]].addr;
        memset(b + net.hdr_len, 'R' + i, 64);
        fake_complete(&net.rx, ids[i], net.hdr_len + 64);
        assert_int_equal(vnet_read(&net, frame, sizeof frame, &len), VIO_OK);
        assert_int_equal(len, 64);
        assert_int_equal(frame[0], 'R' + i);
        if (i + 1 < n)
            assert_int_equal(net.rx.avail->idx, posted);
    }
    assert_int_equal(net.rx.avail->idx, (uint16_t)(posted + n));
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(net.rx.avail->ring[(posted + i) % net.rx.num], ids[i]);
    assert_int_equal(fake_push_many_calls, requests + 1);
    assert_true(fake_desc_frozen(&net.rx));
    assert_int_equal(vnet_read(&net, frame, sizeof frame, &len), VIO_AGAIN);
}

/* Receive: an id outside the ring is a device error; nothing is re-posted. */
static void test_rx_bad_id(void **state)
{
    (void)state;
    uint8_t frame[VNET_ETH_HLEN + VNET_MTU_MAX];
    size_t len = 0;
    uint16_t posted = net.rx.avail->idx;
    fake_complete(&net.rx, 99, net.hdr_len + 64);
    assert_int_equal(vnet_read(&net, frame, sizeof frame, &len), VIO_EIO);
    fake_complete(&net.rx, 0x10000, net.hdr_len + 64);
    assert_int_equal(vnet_read(&net, frame, sizeof frame, &len), VIO_EIO);
    assert_int_equal(net.rx.avail->idx, posted);
    assert_non_null(strstr(fake_log, "virtio-net: the device returned"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_tx_out_of_order, setup),
        cmocka_unit_test_setup(test_tx_bad_ids_free_nothing, setup),
        cmocka_unit_test_setup(test_rx_out_of_order, setup),
        cmocka_unit_test_setup(test_rx_bad_id, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
