/*
 * hvt_module_net.h: the network module's ring data path, apart from how
 * its taps are attached, so tests can run it on any file descriptor and
 * fake guest memory, without KVM or a tap (tests/unit, tests/fuzz).
 */

#ifndef HVT_MODULE_NET_H_INCLUDED
#define HVT_MODULE_NET_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>

#include "hvt.h"

struct hvt_net_dev {
    const char *name; /* manifest entry */
    /* Set up at attach time (from struct dev_net). */
    int fd;          /* non-blocking, one frame per read or write */
    unsigned handle; /* its manifest entry: hvt->dev[handle] */
    uint32_t mtu;    /* without the Ethernet header */
    uint32_t slot_size;
    /* The tender's own ring indices: never read back from the guest. */
    uint32_t rx_prod;
    uint32_t tx_cons;
    struct hvt_netring *rx, *tx;
};

/*
 * Checks that D's rings (at hvt->dev[D->handle].rxring and .txring, each
 * HVT_NETRING_HDR + HVT_NETRING_SLOTS * D->slot_size bytes) lie in guest
 * memory, and writes their headers: empty, NSLOTS, SLOT_SIZE. Ends the
 * guest (hvt_gpa()) if they do not fit.
 */
void hvt_net_rings_init(struct hvt *hvt, struct hvt_net_dev *d);

/*
 * Writes every frame the guest queued on D's transmit ring to D->fd (a
 * frame the host refuses is dropped) and publishes the new CONS. Ends the
 * guest if its PROD is more than HVT_NETRING_SLOTS ahead of the tender's
 * count, or a frame's length is 0 or over the MTU plus the Ethernet header.
 */
void hvt_net_tx_flush(struct hvt *hvt, struct hvt_net_dev *d);

/*
 * Reads frames waiting on D->fd into D's receive ring while it has room
 * (a frame over the MTU plus the Ethernet header is dropped) and publishes
 * the new PROD. Returns true if the ring holds any frame. Ends the guest
 * if its CONS is ahead of PROD or more than HVT_NETRING_SLOTS behind.
 */
bool hvt_net_rx_fill(struct hvt *hvt, struct hvt_net_dev *d);

#endif /* HVT_MODULE_NET_H_INCLUDED */
