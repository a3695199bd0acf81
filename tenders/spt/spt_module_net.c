/* spt_module_net.c: network devices: tap interfaces the guest reads directly.
 */

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
#include <sys/syscall.h>
#include <unistd.h>

#include "spt.h"

#define NET_MTU_MAX 9000u

struct net_dev {
    char *name;  /* manifest entry */
    char *iface; /* tap name, or "@FD" */
    uint8_t mac[6];
    bool has_mac;
};

static struct net_dev devs[MFT_MAX_ENTRIES];
static unsigned ndevs;

static struct net_dev *dev_named(const char *name, size_t len)
{
    for (unsigned i = 0; i < ndevs; i++) {
        if (strlen(devs[i].name) == len && memcmp(devs[i].name, name, len) == 0)
            return &devs[i];
    }
    if (ndevs == MFT_MAX_ENTRIES)
        spt_die("more than %u network devices", MFT_MAX_ENTRIES);
    struct net_dev *d = &devs[ndevs++];
    d->name = strndup(name, len);
    if (d->name == NULL)
        spt_die("out of memory");
    return d;
}

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
    return !(mac[0] & 1);
}

static bool net_option(const char *opt)
{
    const char *name, *value;
    size_t len;

    if (spt_option_match(opt, "net-mac", "--net-mac:NAME=HWADDR", &name, &len,
                         &value)) {
        struct net_dev *d = dev_named(name, len);
        if (d->has_mac)
            spt_die("%s: MAC address for '%s' given twice", opt, d->name);
        if (!parse_mac(value, d->mac))
            spt_die("%s: expected a unicast MAC address like "
                    "02:00:00:00:00:01",
                    opt);
        d->has_mac = true;
        return true;
    }
    if (spt_option_match(opt, "net", "--net:NAME=IFACE", &name, &len, &value)) {
        struct net_dev *d = dev_named(name, len);
        if (d->iface)
            spt_die("%s: '%s' is attached twice", opt, d->name);
        d->iface = strdup(value);
        if (d->iface == NULL)
            spt_die("out of memory");
        return true;
    }
    return false;
}

/* Opens the existing tap IFACE (we never create one); its name to IFNAME. */
static int tap_open(const char *opt, const char *iface, char *ifname)
{
    struct ifreq ifr = { 0 };

    if (strlen(iface) >= IFNAMSIZ)
        spt_die("%s: interface name '%s' is too long", opt, iface);
    if (if_nametoindex(iface) == 0)
        spt_die("%s: no network interface '%s' (create the tap first)", opt,
                iface);
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        spt_die("%s: cannot open /dev/net/tun: %s", opt, strerror(errno));
    strcpy(ifr.ifr_name, iface);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        spt_die("%s: cannot attach to '%s': %s%s", opt, iface, strerror(errno),
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
        spt_die("%s: expected @FD with a file descriptor number", opt);
    if (fcntl((int)fd, F_GETFD) < 0)
        spt_die("%s: file descriptor %ld is not open", opt, fd);
    if (ioctl((int)fd, TUNGETIFF, &ifr) < 0 || !(ifr.ifr_flags & IFF_TAP))
        spt_die("%s: file descriptor %ld is not a tap device", opt, fd);
    if (!(ifr.ifr_flags & IFF_NO_PI))
        spt_die("%s: tap on descriptor %ld was opened without IFF_NO_PI", opt,
                fd);
    int fl = fcntl((int)fd, F_GETFL);
    if (fl < 0 || fcntl((int)fd, F_SETFL, fl | O_NONBLOCK) < 0)
        spt_die("%s: cannot make descriptor %ld non-blocking: %s", opt, fd,
                strerror(errno));
    strcpy(ifname, ifr.ifr_name);
    return (int)fd;
}

static uint32_t tap_mtu(const char *opt, const char *ifname)
{
    struct ifreq ifr = { 0 };
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (s < 0)
        spt_die("%s: socket: %s", opt, strerror(errno));
    strcpy(ifr.ifr_name, ifname);
    if (ioctl(s, SIOCGIFMTU, &ifr) < 0)
        spt_die("%s: cannot read the MTU of '%s': %s", opt, ifname,
                strerror(errno));
    close(s);
    if (ifr.ifr_mtu < 68 || ifr.ifr_mtu > (int)NET_MTU_MAX)
        spt_die("%s: '%s' has MTU %d; supported are 68 to %u", opt, ifname,
                ifr.ifr_mtu, NET_MTU_MAX);
    return (uint32_t)ifr.ifr_mtu;
}

/*
 * What the guest may do with each tap descriptor (first argument pinned).
 * solo5_yield() polls them with the core's ppoll rule.
 */
static const struct spt_sandbox_rule tap_rules[] = {
    { SYS_read, "solo5_net_read: receive a frame" },
    { SYS_write, "solo5_net_write: send a frame" },
};

static void net_setup(struct spt *spt)
{
    for (unsigned i = 0; i < ndevs; i++) {
        struct net_dev *d = &devs[i];
        char opt[128], ifname[IFNAMSIZ];
        snprintf(opt, sizeof opt, "--net:%s", d->name);
        if (d->iface == NULL)
            spt_die("--net-mac:%s: no --net:%s=IFACE for it", d->name, d->name);
        unsigned h = spt_mft_lookup(spt, opt, d->name, MFT_DEV_NET_BASIC);
        int fd = d->iface[0] == '@' ? tap_fd(opt, d->iface, ifname)
                                    : tap_open(opt, d->iface, ifname);
        uint32_t mtu = tap_mtu(opt, ifname);
        if (!d->has_mac) {
            if (getrandom(d->mac, 6, 0) != 6)
                spt_die("%s: getrandom: %s", opt, strerror(errno));
            d->mac[0] = (uint8_t)((d->mac[0] & 0xfc) | 0x02);
        }
        struct spt_devinfo *di =
            spt_attach(spt, h, MFT_DEV_NET_BASIC, fd, tap_rules,
                       SPT_RULES_COUNT(tap_rules));
        memcpy(di->mac, d->mac, 6);
        di->mtu = mtu;
    }
}

static struct spt_module spt_module_net = {
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
};
SPT_MODULE_REGISTER(spt_module_net);
