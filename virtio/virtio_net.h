/* virtio_net.h: the virtio network device driver. */

#ifndef VIRTIO_NET_H_INCLUDED
#define VIRTIO_NET_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#include "virtio_io.h"
#include "virtio_pci.h"

#define VNET_ETH_HLEN    14
#define VNET_MTU_DEFAULT 1500
#define VNET_MTU_MAX     9000

struct vnet {
    struct vdev *dev;
    struct virtq rx, tx;
    uint8_t mac[6];
    size_t mtu;        /* payload bytes, Ethernet header excluded */
    unsigned hdr_len;  /* struct virtio_net_hdr as negotiated */
    unsigned per_slot; /* descriptors per buffer: 1, or 2 (header apart) */
    size_t buf_size;   /* bytes per buffer: header and largest frame */
    uint16_t rx_slots, tx_slots;
    uint8_t *rx_bufs, *tx_bufs;
    /*
     * Receive buffers read and not yet given back: they go back
     * rx_batch at a time, since each giving back is a request to the
     * privileged side of the platform (see virtq.h).
     */
    uint16_t rx_batch, rx_npending;
    uint16_t rx_pending[VIRTQ_PUSH_MANY];
    /*
     * Transmit slots are taken from a stack of free ones and freed by the
     * id the device returns: it may complete them in any order.
     */
    uint16_t tx_nfree;
    uint16_t tx_free[VIRTQ_MAX_SIZE];
    bool tx_busy[VIRTQ_MAX_SIZE]; /* the device owns this slot */
    bool device_error_seen;       /* reported once on the console */
};

/*
 * Brings up network device D: features, MAC, MTU (from the MTU feature
 * when offered, at most VNET_MTU_MAX, else 1500), queues and receive
 * buffers. Returns false after printing why if it fails.
 */
bool vnet_init(struct vnet *n, struct vdev *d);

/*
 * Queues one frame of LEN bytes. EINVAL if LEN is too big. When every
 * transmit buffer is still the device's, waits for one up to a bound
 * (TX_WAIT_NS, one second), then drops the frame as a busy wire would.
 */
enum vio_result vnet_write(struct vnet *n, const uint8_t *buf, size_t len);

/*
 * Takes one received frame into BUF (SIZE bytes, at least mtu + 14):
 * its length in *LEN. AGAIN if none is waiting; EIO if the device
 * returned a buffer it was never given (the frame is lost).
 */
enum vio_result vnet_read(struct vnet *n, uint8_t *buf, size_t size,
                          size_t *len);

/*
 * Waits until the device has taken every queued frame, or until
 * GIVE_UP(ARG) returns true. Before the machine goes away, so that a
 * reply just queued is not lost.
 */
void vnet_flush(struct vnet *n, bool (*give_up)(void *arg), void *arg);

/* True if a received frame is waiting. Safe at interrupt level. */
static inline bool vnet_rx_pending(const struct vnet *n)
{
    return virtq_has_used(&n->rx);
}

#endif /* VIRTIO_NET_H_INCLUDED */
