/*
 * test_hvt_net.c: the network rings (hvt_module_net.h): transmit flush,
 * receive fill, and what they do with hostile indices and lengths. A
 * datagram socketpair stands in for the tap: one frame per read or write.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_hvt.h"
#include "hvt_module_net.h"

#define MEM    (1u << 20)
#define MTU    1500u
#define FRAME  (MTU + 14u) /* the largest frame: MTU + Ethernet header */
#define SLOT   1536u       /* what net_setup() gives an MTU of 1500 */
#define RING   (HVT_NETRING_HDR + HVT_NETRING_SLOTS * SLOT)
#define RX     0x40000u
#define TX     (MEM - RING) /* its last slot ends where memory ends */
#define CANARY 0xa5
#define NSLOTS HVT_NETRING_SLOTS

static struct hvt hvt;
static struct hvt_net_dev dev;
static int peer = -1; /* the host's side of the "tap" */
static bool filled;   /* what the last hvt_net_rx_fill() returned */

static struct hvt_netring *txr(void)
{
    return (struct hvt_netring *)(hvt.mem + TX);
}

static struct hvt_netring *rxr(void)
{
    return (struct hvt_netring *)(hvt.mem + RX);
}

static uint8_t *slot(uint64_t ring, uint32_t idx)
{
    return hvt.mem + ring + HVT_NETRING_HDR + (idx % NSLOTS) * SLOT;
}

/* Byte I of test frame number N. */
static uint8_t frame_byte(unsigned n, unsigned i)
{
    return (uint8_t)(n * 31 + i * 7 + 3);
}

static void call_init(struct hvt *h, uint64_t unused)
{
    (void)unused;
    hvt_net_rings_init(h, &dev);
}

static void call_flush(struct hvt *h, uint64_t unused)
{
    (void)unused;
    hvt_net_tx_flush(h, &dev);
}

static void call_fill(struct hvt *h, uint64_t unused)
{
    (void)unused;
    filled = hvt_net_rx_fill(h, &dev);
}

/* A device as net_setup() attaches one, its rings set up by the tender. */
static int attach(void **state)
{
    int sv[2];

    (void)state;
    memset(hvt.mem, CANARY, MEM);
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv) < 0)
        return -1;
    peer = sv[1];
    dev = (struct hvt_net_dev){
        .name = "net0", .fd = sv[0], .mtu = MTU, .slot_size = SLOT
    };
    hvt.dev[0].rxring = RX;
    hvt.dev[0].txring = TX;
    return fake_run(&hvt, call_init, 0) == FAKE_RETURNED ? 0 : -1;
}

static int detach(void **state)
{
    (void)state;
    close(dev.fd);
    close(peer);
    return 0;
}

/* The guest queues frame N (LEN bytes) at transmit index IDX. */
static void guest_queue(uint32_t idx, unsigned n, uint32_t len)
{
    for (unsigned i = 0; i < len && i < SLOT; i++)
        slot(TX, idx)[i] = frame_byte(n, i);
    txr()->len[idx % NSLOTS] = len;
}

/* The host received frame N of LEN bytes next. */
static void host_got(unsigned n, uint32_t len)
{
    static uint8_t b[65536];
    ssize_t got = recv(peer, b, sizeof b, MSG_DONTWAIT);

    if (got != (ssize_t)len)
        fail_msg("frame %u: host got %zd bytes, want %u", n, got, len);
    for (unsigned i = 0; i < len; i++) {
        if (b[i] != frame_byte(n, i))
            fail_msg("frame %u byte %u is 0x%02x", n, i, b[i]);
    }
}

static void host_got_nothing(void)
{
    uint8_t b[16];
    assert_int_equal(recv(peer, b, sizeof b, MSG_DONTWAIT), -1);
}

/* The host sends frame N of LEN bytes to the guest. */
static void host_send(unsigned n, uint32_t len)
{
    static uint8_t b[65536];

    for (unsigned i = 0; i < len; i++)
        b[i] = frame_byte(n, i);
    assert_int_equal(send(peer, b, len, 0), (ssize_t)len);
}

/* The receive ring holds frame N of LEN bytes at index IDX. */
static void guest_got(uint32_t idx, unsigned n, uint32_t len)
{
    assert_int_equal(rxr()->len[idx % NSLOTS], len);
    for (unsigned i = 0; i < len; i++) {
        if (slot(RX, idx)[i] != frame_byte(n, i))
            fail_msg("rx index %u byte %u is 0x%02x", idx, i, slot(RX, idx)[i]);
    }
}

/* Slot IDX of the receive ring was never written. */
static void rx_slot_untouched(uint32_t idx)
{
    for (unsigned i = 0; i < SLOT; i++) {
        if (slot(RX, idx)[i] != CANARY)
            fail_msg("rx slot %u byte %u changed", idx % NSLOTS, i);
    }
}

/* ---- ring setup ----------------------------------------------------- */

static void rings_get_their_headers(void **state)
{
    (void)state;
    const struct hvt_netring *r[] = { rxr(), txr() };
    for (unsigned i = 0; i < 2; i++) {
        assert_int_equal(r[i]->prod, 0);
        assert_int_equal(r[i]->cons, 0);
        assert_int_equal(r[i]->nslots, NSLOTS);
        assert_int_equal(r[i]->slot_size, SLOT);
    }
}

static void rings_must_fit_in_memory(void **state)
{
    (void)state;
    hvt.dev[0].rxring = MEM - RING + 1;
    assert_int_equal(fake_run(&hvt, call_init, 0), FAKE_ENDED);
    assert_non_null(strstr(fake_err(), "outside its"));
    hvt.dev[0].rxring = RX;
    hvt.dev[0].txring = 0xfffff000u;
    assert_int_equal(fake_run(&hvt, call_init, 0), FAKE_ENDED);
}

/* ---- transmit ------------------------------------------------------- */

static void tx_one_frame(void **state)
{
    (void)state;
    guest_queue(0, 1, 60);
    txr()->prod = 1;
    assert_int_equal(fake_run(&hvt, call_flush, 0), FAKE_RETURNED);
    host_got(1, 60);
    host_got_nothing();
    assert_int_equal(txr()->cons, 1);
    /* Nothing new: nothing sent again. */
    assert_int_equal(fake_run(&hvt, call_flush, 0), FAKE_RETURNED);
    host_got_nothing();
}

static void tx_largest_frame_in_the_last_slot(void **state)
{
    (void)state;
    /* Slot 63 of a ring that ends where guest memory ends. */
    dev.tx_cons = NSLOTS - 1;
    guest_queue(NSLOTS - 1, 7, FRAME);
    txr()->prod = NSLOTS;
    assert_int_equal(fake_run(&hvt, call_flush, 0), FAKE_RETURNED);
    host_got(7, FRAME);
    assert_int_equal(txr()->cons, NSLOTS);
}

static void tx_a_full_ring(void **state)
{
    (void)state;
    for (unsigned n = 0; n < NSLOTS; n++)
        guest_queue(n, n, 60 + n);
    txr()->prod = NSLOTS;
    assert_int_equal(fake_run(&hvt, call_flush, 0), FAKE_RETURNED);
    for (unsigned n = 0; n < NSLOTS; n++)
        host_got(n, 60 + n);
    host_got_nothing();
    assert_int_equal(txr()->cons, NSLOTS);
}

static void tx_index_wraps_at_2_to_the_32(void **state)
{
    (void)state;
    dev.tx_cons = 0xfffffffeu;
    for (unsigned n = 0; n < 4; n++)
        guest_queue(0xfffffffeu + n, n, 100 + n);
    txr()->prod = 2;
    assert_int_equal(fake_run(&hvt, call_flush, 0), FAKE_RETURNED);
    for (unsigned n = 0; n < 4; n++)
        host_got(n, 100 + n);
    assert_int_equal(txr()->cons, 2);
}

/* FN (the flush or the fill) ends the guest, naming the RING ("transmit",
 * "receive") and its corrupt INDEX. */
static void expect_corrupt_index(hvt_hypercall_fn fn, const char *ring,
                                 uint32_t index)
{
    char want[96];
    assert_int_equal(fake_run(&hvt, fn, 0), FAKE_ENDED);
    snprintf(want, sizeof want,
             "solo5-hvt: net net0: %s ring index 0x%x is corrupt\n", ring,
             index);
    assert_string_equal(fake_err(), want);
}

static void tx_hostile_producer_index(void **state)
{
    (void)state;
    const uint32_t bad[] = { NSLOTS + 1, 0xffffffffu, 0x80000000u };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        guest_queue(0, 0, 60);
        txr()->prod = bad[i];
        expect_corrupt_index(call_flush, "transmit", bad[i]);
        host_got_nothing();
        assert_int_equal(txr()->cons, 0);
    }
}

static void tx_guest_cons_is_never_trusted(void **state)
{
    (void)state;
    /* The guest claims the tender already took 40 frames: it did not. */
    guest_queue(0, 5, 64);
    txr()->cons = 40;
    txr()->prod = 1;
    assert_int_equal(fake_run(&hvt, call_flush, 0), FAKE_RETURNED);
    host_got(5, 64);
    assert_int_equal(txr()->cons, 1);
}

static void tx_hostile_lengths(void **state)
{
    (void)state;
    const uint32_t bad[] = { 0, FRAME + 1, SLOT, SLOT + 1, 0xffffffffu };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[96];
        /* Two good frames, then the bad one: the good ones go out. */
        dev.tx_cons = 0;
        guest_queue(0, 1, 60);
        guest_queue(1, 2, 61);
        guest_queue(2, 3, 60);
        txr()->len[2] = bad[i];
        txr()->prod = 3;
        assert_int_equal(fake_run(&hvt, call_flush, 0), FAKE_ENDED);
        snprintf(want, sizeof want,
                 "solo5-hvt: net net0: transmit frame of %u bytes (MTU %u)\n",
                 bad[i], MTU);
        assert_string_equal(fake_err(), want);
        host_got(1, 60);
        host_got(2, 61);
        host_got_nothing();
    }
}

static void tx_ignores_the_guests_header_fields(void **state)
{
    (void)state;
    /* The layout is the tender's: NSLOTS and SLOT_SIZE are for the guest. */
    txr()->nslots = 1;
    txr()->slot_size = 0x7fffffff;
    guest_queue(0, 1, 80);
    guest_queue(1, 2, 81);
    txr()->prod = 2;
    assert_int_equal(fake_run(&hvt, call_flush, 0), FAKE_RETURNED);
    host_got(1, 80);
    host_got(2, 81);
}

static void tx_full_host_queue_drops_frames(void **state)
{
    (void)state;
    int small = 1;
    unsigned got = 0;
    uint8_t b[2048];

    /* The host takes a few frames, then says EAGAIN: the rest are lost,
     * like frames on a busy wire, and the ring is still emptied. */
    assert_int_equal(
        setsockopt(dev.fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
    for (unsigned n = 0; n < NSLOTS; n++)
        guest_queue(n, n, FRAME);
    txr()->prod = NSLOTS;
    assert_int_equal(fake_run(&hvt, call_flush, 0), FAKE_RETURNED);
    assert_int_equal(txr()->cons, NSLOTS);
    while (recv(peer, b, sizeof b, MSG_DONTWAIT) == (ssize_t)FRAME)
        got++;
    assert_true(got > 0 && got < NSLOTS);
}

/* ---- receive -------------------------------------------------------- */

static void rx_nothing_waiting(void **state)
{
    (void)state;
    assert_int_equal(fake_run(&hvt, call_fill, 0), FAKE_RETURNED);
    assert_false(filled);
    assert_int_equal(rxr()->prod, 0);
    rx_slot_untouched(0);
}

static void rx_frames_arrive(void **state)
{
    (void)state;
    host_send(1, 60);
    host_send(2, FRAME);
    host_send(3, 100);
    assert_int_equal(fake_run(&hvt, call_fill, 0), FAKE_RETURNED);
    assert_true(filled);
    assert_int_equal(rxr()->prod, 3);
    guest_got(0, 1, 60);
    guest_got(1, 2, FRAME);
    guest_got(2, 3, 100);
    rx_slot_untouched(3);
    /* Still unconsumed: the ring is not empty. */
    assert_int_equal(fake_run(&hvt, call_fill, 0), FAKE_RETURNED);
    assert_true(filled);
    rxr()->cons = 3;
    assert_int_equal(fake_run(&hvt, call_fill, 0), FAKE_RETURNED);
    assert_false(filled);
}

static void rx_oversized_frames_are_dropped(void **state)
{
    (void)state;
    host_send(1, FRAME + 1);
    host_send(2, 9000);
    host_send(3, 64);
    assert_int_equal(fake_run(&hvt, call_fill, 0), FAKE_RETURNED);
    assert_int_equal(rxr()->prod, 1);
    guest_got(0, 3, 64);
    /* The 9000-byte frame was read into one slot at most. */
    rx_slot_untouched(1);
}

static void rx_full_ring_waits_for_the_guest(void **state)
{
    (void)state;
    for (unsigned n = 0; n < NSLOTS + 6; n++)
        host_send(n, 60 + n);
    assert_int_equal(fake_run(&hvt, call_fill, 0), FAKE_RETURNED);
    assert_int_equal(rxr()->prod, NSLOTS);
    guest_got(NSLOTS - 1, NSLOTS - 1, 60 + NSLOTS - 1);
    /* Full: the six others wait on the host side. */
    assert_int_equal(fake_run(&hvt, call_fill, 0), FAKE_RETURNED);
    assert_int_equal(rxr()->prod, NSLOTS);
    guest_got(0, 0, 60);
    rxr()->cons = 10;
    assert_int_equal(fake_run(&hvt, call_fill, 0), FAKE_RETURNED);
    assert_int_equal(rxr()->prod, NSLOTS + 6);
    for (unsigned n = NSLOTS; n < NSLOTS + 6; n++)
        guest_got(n, n, 60 + n);
    guest_got(10, 10, 70);
}

static void rx_index_wraps_at_2_to_the_32(void **state)
{
    (void)state;
    dev.rx_prod = 0xfffffffeu;
    rxr()->cons = 0xfffffffeu;
    for (unsigned n = 0; n < 4; n++)
        host_send(n, 200 + n);
    assert_int_equal(fake_run(&hvt, call_fill, 0), FAKE_RETURNED);
    assert_int_equal(rxr()->prod, 2);
    for (unsigned n = 0; n < 4; n++)
        guest_got(0xfffffffeu + n, n, 200 + n);
}

static void rx_hostile_consumer_index(void **state)
{
    (void)state;
    /* Ahead of the producer, or further behind than the ring holds. */
    const uint32_t bad[] = { 1, 0x80000000u, 0xffffffffu - NSLOTS };
    host_send(1, 60);
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rxr()->cons = bad[i];
        expect_corrupt_index(call_fill, "receive", bad[i]);
        rx_slot_untouched(0);
    }
    /* Exactly a full ring behind: legal, and there is no room. */
    rxr()->cons = (uint32_t)-NSLOTS;
    assert_int_equal(fake_run(&hvt, call_fill, 0), FAKE_RETURNED);
    assert_true(filled);
    rx_slot_untouched(0);
    rxr()->cons = 0;
    assert_int_equal(fake_run(&hvt, call_fill, 0), FAKE_RETURNED);
    guest_got(0, 1, 60);
}

static void rx_guest_prod_is_never_trusted(void **state)
{
    (void)state;
    rxr()->prod = 1000;
    host_send(4, 90);
    assert_int_equal(fake_run(&hvt, call_fill, 0), FAKE_RETURNED);
    assert_int_equal(rxr()->prod, 1);
    guest_got(0, 4, 90);
}

#define T(f) cmocka_unit_test_setup_teardown(f, attach, detach)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(rings_get_their_headers),
        T(rings_must_fit_in_memory),
        T(tx_one_frame),
        T(tx_largest_frame_in_the_last_slot),
        T(tx_a_full_ring),
        T(tx_index_wraps_at_2_to_the_32),
        T(tx_hostile_producer_index),
        T(tx_guest_cons_is_never_trusted),
        T(tx_hostile_lengths),
        T(tx_ignores_the_guests_header_fields),
        T(tx_full_host_queue_drops_frames),
        T(rx_nothing_waiting),
        T(rx_frames_arrive),
        T(rx_oversized_frames_are_dropped),
        T(rx_full_ring_waits_for_the_guest),
        T(rx_index_wraps_at_2_to_the_32),
        T(rx_hostile_consumer_index),
        T(rx_guest_prod_is_never_trusted),
    };

    fake_hvt_init(&hvt, MEM);
    fake_hvt_add_entry(&hvt, "net0", MFT_DEV_NET_BASIC);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
