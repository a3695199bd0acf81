/* spt_core.c: the tender core: errors, module options, manifest, devices. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spt.h"

void spt_die(const char *fmt, ...)
{
    va_list ap;

    fputs("solo5-spt: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

bool spt_option_match(const char *opt, const char *prefix, const char *form,
                      const char **name, size_t *namelen, const char **value)
{
    size_t plen = strlen(prefix);

    if (strncmp(opt, "--", 2) != 0 || strncmp(opt + 2, prefix, plen) != 0 ||
        opt[2 + plen] != ':')
        return false;
    *name = opt + 2 + plen + 1;
    const char *eq = strchr(*name, '=');
    if (eq == NULL || eq == *name || eq[1] == '\0')
        spt_die("%s: expected %s", opt, form);
    *namelen = (size_t)(eq - *name);
    *value = eq + 1;
    return true;
}

/* ---- the manifest: the only code that knows its layout ----------------- */

unsigned spt_mft_entries(const struct spt *spt)
{
    return spt->img.mft.entries;
}

const char *spt_mft_name(const struct spt *spt, unsigned i)
{
    return spt->img.mft.e[i].name;
}

uint32_t spt_mft_type(const struct spt *spt, unsigned i)
{
    return spt->img.mft.e[i].type;
}

static const char *type_name(uint32_t type)
{
    return type == MFT_DEV_NET_BASIC     ? "NET_BASIC"
           : type == MFT_DEV_BLOCK_BASIC ? "BLOCK_BASIC"
                                         : "unknown";
}

unsigned spt_mft_lookup(const struct spt *spt, const char *opt,
                        const char *name, enum mft_type type)
{
    for (unsigned i = 0; i < spt_mft_entries(spt); i++) {
        if (strcmp(spt_mft_name(spt, i), name) != 0)
            continue;
        if (spt_mft_type(spt, i) != (uint32_t)type)
            spt_die("%s: manifest entry '%s' is a %s device, not %s", opt, name,
                    type_name(spt_mft_type(spt, i)), type_name(type));
        return i;
    }
    spt_die("%s: the unikernel's manifest has no entry '%s'", opt, name);
}

struct spt_devinfo *spt_attach(struct spt *spt, unsigned handle,
                               enum mft_type type, int fd,
                               const struct spt_sandbox_rule *rules,
                               unsigned nrules)
{
    struct spt_devinfo *d = &spt->dev[handle];

    if (spt->nsandbox_fd == MFT_MAX_ENTRIES)
        spt_die("more than %u devices", MFT_MAX_ENTRIES);
    spt->sandbox_fd[spt->nsandbox_fd].fd = fd;
    spt->sandbox_fd[spt->nsandbox_fd].rules = rules;
    spt->sandbox_fd[spt->nsandbox_fd].nrules = nrules;
    spt->nsandbox_fd++;
    d->type = (uint32_t)type;
    d->flags = SPT_DEV_ATTACHED;
    d->hostfd = fd;
    return d;
}
