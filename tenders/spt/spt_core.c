/* spt_core.c: the tender core: its name, and the devices it attached. */

#include "spt.h"

const char tender_name[] = "solo5-spt";

struct spt_devinfo *spt_attach(struct spt *spt, unsigned handle,
                               enum mft_type type, int fd,
                               const struct spt_sandbox_rule *rules,
                               unsigned nrules)
{
    struct spt_devinfo *d = &spt->dev[handle];

    if (spt->nsandbox_fd == MFT_MAX_ENTRIES)
        tender_die("more than %u devices", MFT_MAX_ENTRIES);
    spt->sandbox_fd[spt->nsandbox_fd].fd = fd;
    spt->sandbox_fd[spt->nsandbox_fd].rules = rules;
    spt->sandbox_fd[spt->nsandbox_fd].nrules = nrules;
    spt->nsandbox_fd++;
    d->type = (uint32_t)type;
    d->flags = SPT_DEV_ATTACHED;
    d->hostfd = fd;
    return d;
}
