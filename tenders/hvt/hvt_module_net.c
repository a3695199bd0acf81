/* hvt_module_net.c: network devices: tap interfaces behind shared rings. */

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hvt.h"
#include "hvt_module_net.h"

#define NET_MTU_MAX 9000u
#define NET_HLEN    14u /* Ethernet header */

static struct hvt_net_dev devs[MFT_MAX_ENTRIES];
static unsigned ndevs;

static struct hvt_net_dev *dev_named(const char *name, size_t len)
{
    for (unsigned i = 0; i < ndevs; i++) {
        if (strlen(devs[i].name) == len && memcmp(devs[i].name, name, len) == 0)
            return &devs[i];
    }
    if (ndevs == MFT_MAX_ENTRIES)
        hvt_die("more than %u network devices", MFT_MAX_ENTRIES);
    struct hvt_net_dev *d = &devs[ndevs++];
    d->name = strndup(name, len);
    d->fd = -1;
    return d;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char tail;

    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
               &v[4], &v[5], &tail) != 6 ||
        strlen(s) != 17)
        return false;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)v[i];
    /* A unicast address: the guest answers to it. */
    return !(mac[0] & 1);
}

static bool net_option(const char *opt)
{
    const char *name, *value;
    size_t len;

    if (hvt_option_match(opt, "net-mac", "--net-mac:NAME=HWADDR", &name, &len,
                         &value)) {
        struct hvt_net_dev *d = dev_named(name, len);
        if (d->has_mac)
            hvt_die("%s: MAC address for '%s' given twice", opt, d->name);
        if (!parse_mac(value, d->mac))
            hvt_die("%s: expected a unicast MAC address like "
                    "02:00:00:00:00:01",
                    opt);
        d->has_mac = true;
        return true;
    }
    if (hvt_option_match(opt, "net", "--net:NAME=IFACE", &name, &len, &value)) {
        struct hvt_net_dev *d = dev_named(name, len);
        if (d->iface)
            hvt_die("%s: '%s' is attached twice", opt, d->name);
        d->iface = strdup(value);
        return true;
    }
    return false;
}

/* Opens the tap named IFACE, which must exist (we never create one). */
static int tap_open(const char *opt, const char *iface, char *ifname)
{
    struct ifreq ifr = { 0 };

    if (strlen(iface) >= IFNAMSIZ)
        hvt_die("%s: interface name '%s' is too long", opt, iface);
    if (if_nametoindex(iface) == 0)
        hvt_die("%s: no network interface '%s' (create the tap first)", opt,
                iface);
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        hvt_die("%s: cannot open /dev/net/tun: %s", opt, strerror(errno));
    strcpy(ifr.ifr_name, iface);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        hvt_die("%s: cannot attach to '%s': %s%s", opt, iface, strerror(errno),
                errno == EBUSY ? " (in use, or not a tap interface)" : "");
    strcpy(ifname, iface);
    return fd;
}

/* Checks that @FD is an open tap. */
static int tap_fd(const char *opt, const char *spec, char *ifname)
{
    char *end;
    struct ifreq ifr = { 0 };

    errno = 0;
    long fd = strtol(spec + 1, &end, 10);
    if (spec[1] == '\0' || *end != '\0' || errno || fd < 0 || fd > 65535)
        hvt_die("%s: expected @FD with a file descriptor number", opt);
    if (fcntl((int)fd, F_GETFD) < 0)
        hvt_die("%s: file descriptor %ld is not open", opt, fd);
    if (ioctl((int)fd, TUNGETIFF, &ifr) < 0 || !(ifr.ifr_flags & IFF_TAP))
        hvt_die("%s: file descriptor %ld is not a tap device", opt, fd);
    if (!(ifr.ifr_flags & IFF_NO_PI))
        hvt_die("%s: tap on descriptor %ld was opened without IFF_NO_PI", opt,
                fd);
    int fl = fcntl((int)fd, F_GETFL);
    if (fl < 0 || fcntl((int)fd, F_SETFL, fl | O_NONBLOCK) < 0)
        hvt_die("%s: cannot make descriptor %ld non-blocking: %s", opt, fd,
                strerror(errno));
    strcpy(ifname, ifr.ifr_name);
    return (int)fd;
}

static uint32_t tap_mtu(const char *opt, const char *ifname)
{
    struct ifreq ifr = { 0 };
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (s < 0)
        hvt_die("%s: socket: %s", opt, strerror(errno));
    strcpy(ifr.ifr_name, ifname);
    if (ioctl(s, SIOCGIFMTU, &ifr) < 0)
        hvt_die("%s: cannot read the MTU of '%s': %s", opt, ifname,
                strerror(errno));
    close(s);
    if (ifr.ifr_mtu < 68 || ifr.ifr_mtu > (int)NET_MTU_MAX)
        hvt_die("%s: '%s' has MTU %d; supported are 68 to %u", opt, ifname,
                ifr.ifr_mtu, NET_MTU_MAX);
    return (uint32_t)ifr.ifr_mtu;
}

static uint64_t net_io_pump(struct hvt *hvt);

/* The sandbox's lines for each tap descriptor. */
static const struct hvt_sandbox_rule tap_rules[] = {
    { SYS_read, false, 0, "receive frames from the tap" },
    { SYS_write, false, 0, "send frames to the tap" },
};

static void net_setup(struct hvt *hvt)
{
    for (unsigned i = 0; i < ndevs; i++) {
        struct hvt_net_dev *d = &devs[i];
        char opt[128], ifname[IFNAMSIZ];
        snprintf(opt, sizeof opt, "--net:%s", d->name);
        if (d->iface == NULL)
            hvt_die("--net-mac:%s: no --net:%s=IFACE for it", d->name, d->name);
        d->handle = hvt_mft_lookup(hvt, opt, d->name, MFT_DEV_NET_BASIC);
        d->fd = d->iface[0] == '@' ? tap_fd(opt, d->iface, ifname)
                                   : tap_open(opt, d->iface, ifname);
        d->mtu = tap_mtu(opt, ifname);
        if (!d->has_mac) {
            if (getrandom(d->mac, 6, 0) != 6)
                hvt_die("%s: getrandom: %s", opt, strerror(errno));
            d->mac[0] = (uint8_t)((d->mac[0] & 0xfc) | 0x02);
        }
        /*
         * A slot holds the largest frame plus one byte, so a longer frame
         * (which read() would truncate) is recognised and dropped.
         */
        d->slot_size = (d->mtu + NET_HLEN + 1 + 63) & ~63u;
        struct hvt_devinfo *di = &hvt->dev[d->handle];
        di->type = MFT_DEV_NET_BASIC;
        di->flags = HVT_DEV_ATTACHED;
        memcpy(di->mac, d->mac, 6);
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
    .name = "net",
    .usage = "  --net:NAME=IFACE       attach tap interface IFACE to "
             "manifest entry NAME\n"
             "  --net:NAME=@FD         the same with an open tap file "
             "descriptor\n"
             "  --net-mac:NAME=HWADDR  MAC address for NAME (default: "
             "random, locally\n"
             "                         administered)\n",
    .option = net_option,
    .setup = net_setup,
    .guest_init = net_guest_init,
};
HVT_MODULE_REGISTER(hvt_module_net);
