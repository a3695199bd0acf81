/* hvt_module_net.c: network devices: tap interfaces behind shared rings. */

#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dev_net.h"
#include "hvt.h"
#include "hvt_module_net.h"

#define NET_HLEN 14u /* Ethernet header */

/* The tender's side of each device, in the order of dev_net_open(). */
static struct hvt_net_dev devs[MFT_MAX_ENTRIES];
static unsigned ndevs;

static uint64_t net_io_pump(struct hvt *hvt);

/* The sandbox's lines for each tap descriptor. */
static const struct hvt_sandbox_rule tap_rules[] = {
    { SYS_read, false, 0, "receive frames from the tap" },
    { SYS_write, false, 0, "send frames to the tap" },
};

static void net_setup(struct hvt *hvt)
{
    struct dev_net *n;

    for (ndevs = 0; (n = dev_net_open(ndevs, &hvt->img.mft)); ndevs++) {
        struct hvt_net_dev *d = &devs[ndevs];
        d->name = n->name;
        d->fd = n->fd;
        d->handle = n->handle;
        d->mtu = n->mtu;
        /*
         * A slot holds the largest frame plus one byte, so a longer frame
         * (which read() would truncate) is recognised and dropped.
         */
        d->slot_size = (d->mtu + NET_HLEN + 1 + 63) & ~63u;
        struct hvt_devinfo *di = &hvt->dev[d->handle];
        di->type = MFT_DEV_NET_BASIC;
        di->flags = HVT_DEV_ATTACHED;
        memcpy(di->mac, n->mac, 6);
        di->mtu = d->mtu;
        hvt->netring_bytes[d->handle] =
            2 * (HVT_NETRING_HDR + (uint64_t)HVT_NETRING_SLOTS * d->slot_size);
        hvt_register_pollfd(hvt, d->fd, d->handle);
        hvt_sandbox_allow_fd(hvt, d->fd, tap_rules, HVT_RULES_COUNT(tap_rules));
    }
    if (ndevs > 0)
        hvt->io_pump = net_io_pump;
}

static void ring_init(struct hvt *hvt, struct hvt_netring **r, uint64_t gpa,
                      const struct hvt_net_dev *d)
{
    *r = hvt_gpa(hvt, gpa,
                 HVT_NETRING_HDR + (uint64_t)HVT_NETRING_SLOTS * d->slot_size);
    (*r)->prod = (*r)->cons = 0;
    (*r)->nslots = HVT_NETRING_SLOTS;
    (*r)->slot_size = d->slot_size;
}

static uint8_t *slot(const struct hvt_net_dev *d, struct hvt_netring *r,
                     uint32_t idx)
{
    return (uint8_t *)r + HVT_NETRING_HDR +
           (size_t)(idx % HVT_NETRING_SLOTS) * d->slot_size;
}

void hvt_net_tx_flush(struct hvt *hvt, struct hvt_net_dev *d)
{
    uint32_t prod = *(volatile uint32_t *)&d->tx->prod;
    uint32_t n = prod - d->tx_cons;

    if (n > HVT_NETRING_SLOTS)
        hvt_guest_fault(hvt, "net %s: transmit ring index 0x%x is corrupt",
                        d->name, prod);
    for (; d->tx_cons != prod; d->tx_cons++) {
        uint32_t len = d->tx->len[d->tx_cons % HVT_NETRING_SLOTS];
        if (len == 0 || len > d->mtu + NET_HLEN)
            hvt_guest_fault(hvt,
                            "net %s: transmit frame of %u bytes (MTU "
                            "%u)",
                            d->name, len, d->mtu);
        /* EAGAIN: the host queue is full, like a busy wire: drop. */
        (void)!write(d->fd, slot(d, d->tx, d->tx_cons), len);
    }
    d->tx->cons = d->tx_cons;
}

bool hvt_net_rx_fill(struct hvt *hvt, struct hvt_net_dev *d)
{
    uint32_t cons = *(volatile uint32_t *)&d->rx->cons;

    if (d->rx_prod - cons > HVT_NETRING_SLOTS)
        hvt_guest_fault(hvt, "net %s: receive ring index 0x%x is corrupt",
                        d->name, cons);
    while (d->rx_prod - cons < HVT_NETRING_SLOTS) {
        ssize_t n = read(d->fd, slot(d, d->rx, d->rx_prod), d->slot_size);
        if (n <= 0)
            break; /* EAGAIN: nothing more waiting */
        if ((size_t)n > d->mtu + NET_HLEN)
            continue; /* longer than the MTU allows: dropped */
        d->rx->len[d->rx_prod % HVT_NETRING_SLOTS] = (uint32_t)n;
        d->rx_prod++;
    }
    d->rx->prod = d->rx_prod;
    return d->rx_prod != cons;
}

static uint64_t net_io_pump(struct hvt *hvt)
{
    uint64_t ready = 0;

    for (unsigned i = 0; i < ndevs; i++) {
        hvt_net_tx_flush(hvt, &devs[i]);
        if (hvt_net_rx_fill(hvt, &devs[i]))
            ready |= 1ULL << devs[i].handle;
    }
    return ready;
}

static void hc_netio(struct hvt *hvt, uint64_t gpa)
{
    struct hvt_hc_netio *a = HVT_ARGS(hvt, gpa, struct hvt_hc_netio);

    a->ready = net_io_pump(hvt);
}

void hvt_net_rings_init(struct hvt *hvt, struct hvt_net_dev *d)
{
    ring_init(hvt, &d->rx, hvt->dev[d->handle].rxring, d);
    ring_init(hvt, &d->tx, hvt->dev[d->handle].txring, d);
}

static void net_guest_init(struct hvt *hvt)
{
    for (unsigned i = 0; i < ndevs; i++)
        hvt_net_rings_init(hvt, &devs[i]);
    if (ndevs > 0)
        hvt_register_hypercall(hvt, HVT_HYPERCALL_NETIO, hc_netio);
}

static struct hvt_module hvt_module_net = {
    .cli = &dev_net_cli,
    .setup = net_setup,
    .guest_init = net_guest_init,
};
HVT_MODULE_REGISTER(hvt_module_net);
