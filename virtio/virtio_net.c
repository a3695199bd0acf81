/* virtio_net.c: virtio network device (virtio 1.x section 5.1), no offloads. */

#include "virtio_net.h"
#include "virtio_platform.h"

#define VIRTIO_NET_F_MTU (1ULL << 3)
#define VIRTIO_NET_F_MAC (1ULL << 5)

#define CFG_MAC 0
#define CFG_MTU 10

#define RXQ 0
#define TXQ 1

/*
 * How long a full transmit ring is waited on before a frame is dropped:
 * long enough for a host that is merely busy (the ring drains as soon as
 * QEMU runs again), short of a hang if the device is stuck.
 */
#define TX_WAIT_NS 1000000000ULL

/*
 * The device handed back descriptor ID, which is no buffer it owns: the
 * entry is ignored (no buffer is reused on its word). Said once per device.
 */
static void device_error(struct vnet *n, const char *queue, uint16_t id)
{
    if (n->device_error_seen)
        return;
    n->device_error_seen = true;
    if (id == VIRTQ_BAD_ID)
        vplat_log("virtio-net: the device returned a %s descriptor outside "
                  "the ring; ignored\n",
                  queue);
    else
        vplat_log("virtio-net: the device returned %s descriptor %u, which "
                  "it did not own; ignored\n",
                  queue, (unsigned)id);
}

static uint8_t *slot_buf(uint8_t *bufs, const struct vnet *n, uint16_t slot)
{
    return bufs + (size_t)slot * n->buf_size;
}

/*
 * Writes the fixed descriptors of SLOT in Q, over BUF: the header and the
 * frame share the buffer, split over two descriptors unless any layout
 * is allowed. Lengths are the largest; a push sets the frame's.
 */
static void slot_fill(struct vnet *n, struct virtq *q, uint8_t *buf,
                      uint16_t slot, bool device_writes)
{
    uint16_t flags = device_writes ? VIRTQ_DESC_F_WRITE : 0;
    volatile struct virtq_desc *d = &q->desc[slot * n->per_slot];

    d->addr = vplat_phys(buf);
    d->len = (uint32_t)n->buf_size;
    d->flags = flags;
    d->next = 0;
    if (n->per_slot == 2) {
        d->len = n->hdr_len;
        d->flags = flags | VIRTQ_DESC_F_NEXT;
        d->next = (uint16_t)(slot * 2 + 1);
        d[1].addr = vplat_phys(buf + n->hdr_len);
        d[1].len = (uint32_t)(n->buf_size - n->hdr_len);
        d[1].flags = flags;
        d[1].next = 0;
    }
}

/* The variable length of a slot's chain for a frame of FRAME_LEN bytes. */
static uint32_t push_len(const struct vnet *n, size_t frame_len)
{
    return (uint32_t)(n->per_slot == 1 ? n->hdr_len + frame_len : frame_len);
}

/* Gives the receive buffers read so far back to the device, in one request. */
static bool rx_flush(struct vnet *n)
{
    bool ok = virtq_push_many(&n->rx, n->rx_pending, n->rx_npending);
    n->rx_npending = 0;
    return ok;
}

/* Fills every slot of Q over BUFS and freezes the queue. */
static bool queue_fix(struct vnet *n, struct virtq *q, uint8_t *bufs,
                      uint16_t slots, bool device_writes)
{
    for (uint16_t s = 0; s < slots; s++)
        slot_fill(n, q, slot_buf(bufs, n, s), s, device_writes);
    return vplat_virtq_freeze(q, slots, (uint16_t)n->per_slot,
                              (uint16_t)(n->per_slot - 1),
                              push_len(n, n->buf_size - n->hdr_len));
}

bool vnet_init(struct vnet *n, struct vdev *d)
{
    n->dev = d;
    if (!vdev_begin_init(d, VIRTIO_NET_F_MAC | VIRTIO_NET_F_MTU |
                                VIRTIO_F_ANY_LAYOUT)) {
        vplat_log("virtio-net: the device refused our features\n");
        return false;
    }
    bool modern = d->features & VIRTIO_F_VERSION_1;
    n->hdr_len = modern ? 12 : 10;
    n->per_slot = (modern || (d->features & VIRTIO_F_ANY_LAYOUT)) ? 1 : 2;

    if (d->features & VIRTIO_NET_F_MAC) {
        for (unsigned i = 0; i < 6; i++)
            n->mac[i] = (uint8_t)d->ops->config_read(d, CFG_MAC + i, 1);
    } else {
        /* A locally administered unicast address that varies per boot. */
        uint32_t lo, hi;
        __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
        n->mac[0] = 0x02;
        n->mac[1] = 0x50;
        n->mac[2] = (uint8_t)(hi >> 3);
        n->mac[3] = (uint8_t)(lo >> 24);
        n->mac[4] = (uint8_t)(lo >> 16);
        n->mac[5] = (uint8_t)(lo >> 8);
    }
    n->mtu = VNET_MTU_DEFAULT;
    if (d->features & VIRTIO_NET_F_MTU) {
        /* Beyond what we buffer: use our maximum, the device must honour it. */
        size_t m = d->ops->config_read(d, CFG_MTU, 2);
        if (m >= 68)
            n->mtu = m <= VNET_MTU_MAX ? m : VNET_MTU_MAX;
    }
    n->buf_size = (n->hdr_len + VNET_ETH_HLEN + n->mtu + 15) & ~(size_t)15;

    if (!vdev_queue_init(d, &n->rx, RXQ, VIRTQ_MAX_SIZE) ||
        !vdev_queue_init(d, &n->tx, TXQ, VIRTQ_MAX_SIZE)) {
        vplat_log("virtio-net: cannot set up the queues\n");
        return false;
    }
    n->rx_slots = n->rx.num / n->per_slot;
    n->tx_slots = n->tx.num / n->per_slot;
    n->rx_bufs = vplat_alloc((size_t)n->rx_slots * n->buf_size, 4096);
    n->tx_bufs = vplat_alloc((size_t)n->tx_slots * n->buf_size, 4096);
    if (n->rx_bufs == NULL || n->tx_bufs == NULL) {
        vplat_log("virtio-net: out of memory for buffers\n");
        return false;
    }
    if (!queue_fix(n, &n->rx, n->rx_bufs, n->rx_slots, true) ||
        !queue_fix(n, &n->tx, n->tx_bufs, n->tx_slots, false)) {
        vplat_log("virtio-net: cannot freeze the queues\n");
        return false;
    }
    /* Completed sends are reaped when convenient: no interrupt needed. */
    n->tx.avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
    for (uint16_t s = 0; s < n->tx_slots; s++) {
        n->tx_free[s] = (uint16_t)(n->tx_slots - 1 - s);
        n->tx_busy[s] = false;
    }
    n->tx_nfree = n->tx_slots;
    n->device_error_seen = false;
    n->rx_npending = 0;
    for (uint16_t s = 0; s < n->rx_slots; s++) {
        n->rx_pending[n->rx_npending++] = (uint16_t)(s * n->per_slot);
        if ((n->rx_npending == VIRTQ_PUSH_MANY || s + 1 == n->rx_slots) &&
            !rx_flush(n))
            return false;
    }
    /* A quarter of the ring at most waits to go back. */
    n->rx_batch = n->rx_slots / 4;
    if (n->rx_batch > VIRTQ_PUSH_MANY)
        n->rx_batch = VIRTQ_PUSH_MANY;
    if (n->rx_batch == 0)
        n->rx_batch = 1;
    vdev_finish_init(d);
    d->ops->notify(d, &n->rx);
    return true;
}

static void tx_reap(struct vnet *n)
{
    uint16_t id;
    uint32_t len;
    while (virtq_pop(&n->tx, &id, &len)) {
        uint16_t s = (uint16_t)(id / n->per_slot);
        if (id % n->per_slot != 0 || s >= n->tx_slots || !n->tx_busy[s]) {
            device_error(n, "transmit", id);
            continue;
        }
        n->tx_busy[s] = false;
        n->tx_free[n->tx_nfree++] = s;
    }
}

void vnet_flush(struct vnet *n, bool (*give_up)(void *arg), void *arg)
{
    tx_reap(n);
    while (n->tx_nfree < n->tx_slots && !give_up(arg)) {
        vplat_pause();
        tx_reap(n);
    }
}

enum vio_result vnet_write(struct vnet *n, const uint8_t *buf, size_t len)
{
    if (buf == NULL || len > n->mtu + VNET_ETH_HLEN)
        return VIO_EINVAL;
    tx_reap(n);
    if (n->tx_nfree == 0) {
        uint64_t give_up = vplat_clock_ns() + TX_WAIT_NS;
        while (n->tx_nfree == 0 && vplat_clock_ns() < give_up) {
            vplat_pause();
            tx_reap(n);
        }
    }
    if (n->tx_nfree == 0)
        return VIO_OK; /* dropped, as a busy wire would */

    uint16_t s = n->tx_free[--n->tx_nfree];
    n->tx_busy[s] = true;
    uint8_t *b = slot_buf(n->tx_bufs, n, s);
    memset(b, 0, n->hdr_len);
    memcpy(b + n->hdr_len, buf, len);
    if (!virtq_push(&n->tx, (uint16_t)(s * n->per_slot), push_len(n, len))) {
        n->tx_busy[s] = false;
        n->tx_free[n->tx_nfree++] = s;
        return VIO_EIO;
    }
    vdev_kick(n->dev, &n->tx);
    return VIO_OK;
}

enum vio_result vnet_read(struct vnet *n, uint8_t *buf, size_t size,
                          size_t *len)
{
    if (buf == NULL || len == NULL || size < n->mtu + VNET_ETH_HLEN)
        return VIO_EINVAL;
    uint16_t id;
    uint32_t used_len;
    if (!virtq_pop(&n->rx, &id, &used_len))
        return VIO_AGAIN;
    uint16_t s = (uint16_t)(id / n->per_slot);
    if (id % n->per_slot != 0 || s >= n->rx_slots) {
        /*
         * Not a buffer we posted: nothing can be re-posted on its word
         * (the slot it might mean may still be the device's).
         */
        device_error(n, "receive", id);
        return VIO_EIO;
    }
    enum vio_result r = VIO_OK;
    if (used_len < n->hdr_len || used_len > n->buf_size) {
        /* A bad length loses the frame; the buffer is ours again. */
        r = VIO_AGAIN;
    } else {
        size_t flen = used_len - n->hdr_len;
        const uint8_t *b = slot_buf(n->rx_bufs, n, s) + n->hdr_len;
        if (flen > size)
            flen = size;
        memcpy(buf, b, flen);
        *len = flen;
    }
    n->rx_pending[n->rx_npending++] = id;
    if (n->rx_npending == n->rx_batch) {
        if (!rx_flush(n))
            return VIO_EIO;
        vdev_kick(n->dev, &n->rx);
    }
    return r;
}
