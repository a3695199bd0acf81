/* spt_module_net.c: network devices: tap interfaces the guest reads directly.
 */

#include <string.h>
#include <sys/syscall.h>

#include "dev_net.h"
#include "spt.h"

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
    struct dev_net *d;

    for (unsigned i = 0; (d = dev_net_open(i, &spt->img.mft)); i++) {
        struct spt_devinfo *di =
            spt_attach(spt, d->handle, MFT_DEV_NET_BASIC, d->fd, tap_rules,
                       SPT_RULES_COUNT(tap_rules));
        memcpy(di->mac, d->mac, 6);
        di->mtu = d->mtu;
    }
}

static struct spt_module spt_module_net = {
    .cli = &dev_net_cli,
    .setup = net_setup,
};
SPT_MODULE_REGISTER(spt_module_net);
