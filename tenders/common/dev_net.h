/*
 * dev_net.h: network devices (tap interfaces) for both tenders: their
 * options, and opening and checking the tap. How frames reach the guest
 * (shared rings, direct reads) is the tender's.
 */

#ifndef DEV_NET_H_INCLUDED
#define DEV_NET_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>

#include "mft_abi.h"
#include "tender.h"

struct dev_net {
    const char *name;  /* manifest entry */
    const char *iface; /* tap name, or "@FD" */
    uint8_t mac[6];    /* from --net-mac, or random */
    int fd;            /* non-blocking, one frame per read or write */
    unsigned handle;
    uint32_t mtu; /* without the Ethernet header */
};

/* The module's name, --help lines and options: --net, --net-mac. */
extern const struct tender_module_cli dev_net_cli;

/*
 * Attaches network device I (in command-line order) to its entry in
 * manifest M: opens its tap (an existing interface, never created) or
 * checks the tap open at "@FD", reads its MTU (68 to 9000), and draws a
 * random locally administered MAC address if none was given. Returns it,
 * all fields set, or NULL if the command line named fewer devices. Dies
 * with the reason on any failure.
 */
struct dev_net *dev_net_open(unsigned i, const struct mft1 *m);

#endif /* DEV_NET_H_INCLUDED */
