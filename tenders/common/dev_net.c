/* dev_net.c: network devices: their options and their tap interfaces. */

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dev_net.h"
#include "tender.h"

#define NET_MTU_MAX 9000u

static struct tender_dev_names names = { .what = "network" };
static struct dev_net devs[MFT_MAX_ENTRIES];

/* A unicast MAC address written as six colon-separated hex pairs. */
static bool parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char tail;

    if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1],
                                  &v[2], &v[3], &v[4], &v[5], &tail) != 6)
        return false;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)v[i];
    /* A unicast address: the guest answers to it. */
    return !(mac[0] & 1);
}

static bool option(const char *opt)
{
    const char *value;

    int i = tender_dev_setting_option(
        &names, opt, "net-mac", "--net-mac:NAME=HWADDR", "MAC address", &value);
    if (i < 0)
        return tender_dev_attach_option(&names, opt, "net", "--net:NAME=IFACE");
    if (!parse_mac(value, devs[i].mac))
        tender_die("%s: expected a unicast MAC address like "
                   "02:00:00:00:00:01",
                   opt);
    return true;
}

const struct tender_module_cli dev_net_cli = {
    .name = "net",
    .usage = "  --net:NAME=IFACE       attach tap interface IFACE to "
             "manifest entry NAME\n"
             "  --net:NAME=@FD         the same with an open tap file "
             "descriptor\n"
             "  --net-mac:NAME=HWADDR  MAC address for NAME (default: "
             "random, locally\n"
             "                         administered)\n",
    .option = option,
};

/* Opens the existing tap IFACE (we never create one); its name to IFNAME. */
static int tap_open(const char *opt, const char *iface, char *ifname)
{
    struct ifreq ifr = { 0 };

    if (strlen(iface) >= IFNAMSIZ)
        tender_die("%s: interface name '%s' is too long", opt, iface);
    if (if_nametoindex(iface) == 0)
        tender_die("%s: no network interface '%s' (create the tap first)", opt,
                   iface);
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        tender_die("%s: cannot open /dev/net/tun: %s", opt, strerror(errno));
    strcpy(ifr.ifr_name, iface);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        tender_die("%s: cannot attach to '%s': %s%s", opt, iface,
                   strerror(errno),
                   errno == EBUSY ? " (in use, or not a tap interface)" : "");
    strcpy(ifname, iface);
    return fd;
}

/* Checks that @FD is an open tap without packet information. */
static int tap_fd(const char *opt, const char *spec, char *ifname)
{
    char *end;
    struct ifreq ifr = { 0 };

    errno = 0;
    long fd = strtol(spec + 1, &end, 10);
    if (spec[1] < '0' || spec[1] > '9' || *end != '\0' || errno || fd > 65535)
        tender_die("%s: expected @FD with a file descriptor number", opt);
    if (fcntl((int)fd, F_GETFD) < 0)
        tender_die("%s: file descriptor %ld is not open", opt, fd);
    if (ioctl((int)fd, TUNGETIFF, &ifr) < 0 || !(ifr.ifr_flags & IFF_TAP))
        tender_die("%s: file descriptor %ld is not a tap device", opt, fd);
    if (!(ifr.ifr_flags & IFF_NO_PI))
        tender_die("%s: tap on descriptor %ld was opened without IFF_NO_PI",
                   opt, fd);
    int fl = fcntl((int)fd, F_GETFL);
    if (fl < 0 || fcntl((int)fd, F_SETFL, fl | O_NONBLOCK) < 0)
        tender_die("%s: cannot make descriptor %ld non-blocking: %s", opt, fd,
                   strerror(errno));
    strcpy(ifname, ifr.ifr_name);
    return (int)fd;
}

static uint32_t tap_mtu(const char *opt, const char *ifname)
{
    struct ifreq ifr = { 0 };
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (s < 0)
        tender_die("%s: socket: %s", opt, strerror(errno));
    strcpy(ifr.ifr_name, ifname);
    if (ioctl(s, SIOCGIFMTU, &ifr) < 0)
        tender_die("%s: cannot read the MTU of '%s': %s", opt, ifname,
                   strerror(errno));
    close(s);
    if (ifr.ifr_mtu < 68 || ifr.ifr_mtu > (int)NET_MTU_MAX)
        tender_die("%s: '%s' has MTU %d; supported are 68 to %u", opt, ifname,
                   ifr.ifr_mtu, NET_MTU_MAX);
    return (uint32_t)ifr.ifr_mtu;
}

struct dev_net *dev_net_open(unsigned i, const struct mft1 *m)
{
    struct dev_net *d = &devs[i]; /* one past the last at most */
    char opt[128], ifname[IFNAMSIZ];

    if (!tender_dev_get(&names, i, &d->name, &d->iface))
        return NULL;
    snprintf(opt, sizeof opt, "--net:%s", d->name);
    if (d->iface == NULL)
        tender_die("--net-mac:%s: no --net:%s=IFACE for it", d->name, d->name);
    d->handle = tender_mft_attach(m, opt, d->name, MFT_DEV_NET_BASIC);
    d->fd = d->iface[0] == '@' ? tap_fd(opt, d->iface, ifname)
                               : tap_open(opt, d->iface, ifname);
    d->mtu = tap_mtu(opt, ifname);
    /* No --net-mac (the setting of the net devices) for it. */
    if (!names.set[i]) {
        if (getrandom(d->mac, 6, 0) != 6)
            tender_die("%s: getrandom: %s", opt, strerror(errno));
        d->mac[0] = (uint8_t)((d->mac[0] & 0xfc) | 0x02);
    }
    return d;
}
