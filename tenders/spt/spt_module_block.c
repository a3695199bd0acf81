/* spt_module_block.c: block devices: files or host block devices. */

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "spt.h"

struct block_dev {
    char *name; /* manifest entry */
    char *path;
    uint64_t sector; /* 0 until --block-sector-size gives one */
};

static struct block_dev devs[MFT_MAX_ENTRIES];
static unsigned ndevs;

static struct block_dev *dev_named(const char *name, size_t len)
{
    for (unsigned i = 0; i < ndevs; i++) {
        if (strlen(devs[i].name) == len && memcmp(devs[i].name, name, len) == 0)
            return &devs[i];
    }
    if (ndevs == MFT_MAX_ENTRIES)
        spt_die("more than %u block devices", MFT_MAX_ENTRIES);
    struct block_dev *d = &devs[ndevs++];
    d->name = strndup(name, len);
    if (d->name == NULL)
        spt_die("out of memory");
    return d;
}

static bool block_option(const char *opt)
{
    const char *name, *value;
    size_t len;

    if (spt_option_match(opt, "block-sector-size", "--block-sector-size:NAME=N",
                         &name, &len, &value)) {
        struct block_dev *d = dev_named(name, len);
        char *end;
        errno = 0;
        unsigned long long n = strtoull(value, &end, 10);
        if (d->sector)
            spt_die("%s: sector size for '%s' given twice", opt, d->name);
        if (*value < '0' || *value > '9' || *end || errno || n < 512 ||
            n > SPT_BLOCK_IO_MAX || (n & (n - 1)))
            spt_die("%s: expected a power of two from 512 to %u", opt,
                    SPT_BLOCK_IO_MAX);
        d->sector = n;
        return true;
    }
    if (spt_option_match(opt, "block", "--block:NAME=PATH", &name, &len,
                         &value)) {
        struct block_dev *d = dev_named(name, len);
        if (d->path)
            spt_die("%s: '%s' is attached twice", opt, d->name);
        d->path = strdup(value);
        if (d->path == NULL)
            spt_die("out of memory");
        return true;
    }
    return false;
}

/*
 * What the guest may do with each block descriptor (the first argument of
 * each call is pinned to it by the sandbox).
 */
static const struct spt_sandbox_rule block_rules[] = {
    { SYS_pread64, "solo5_block_read" },
    { SYS_pwrite64, "solo5_block_write" },
    { SYS_fdatasync, "flush the file at exit" },
};

static void block_setup(struct spt *spt)
{
    for (unsigned i = 0; i < ndevs; i++) {
        struct block_dev *d = &devs[i];
        char opt[128];
        struct stat st;
        uint64_t capacity;
        snprintf(opt, sizeof opt, "--block:%s", d->name);
        if (d->path == NULL)
            spt_die("--block-sector-size:%s: no --block:%s=PATH for it",
                    d->name, d->name);
        if (d->sector == 0)
            d->sector = 512;
        unsigned h = spt_mft_lookup(spt, opt, d->name, MFT_DEV_BLOCK_BASIC);
        int fd = open(d->path, O_RDWR | O_CLOEXEC);
        if (fd < 0)
            spt_die("%s=%s: %s", opt, d->path, strerror(errno));
        if (fstat(fd, &st) < 0)
            spt_die("%s=%s: %s", opt, d->path, strerror(errno));
        if (S_ISREG(st.st_mode)) {
            capacity = (uint64_t)st.st_size;
        } else if (S_ISBLK(st.st_mode)) {
            if (ioctl(fd, BLKGETSIZE64, &capacity) < 0)
                spt_die("%s=%s: cannot read its size: %s", opt, d->path,
                        strerror(errno));
        } else {
            spt_die("%s=%s: not a regular file or block device", opt, d->path);
        }
        if (capacity < d->sector)
            spt_die("%s=%s: %llu bytes is smaller than one %llu-byte sector",
                    opt, d->path, (unsigned long long)capacity,
                    (unsigned long long)d->sector);
        if (capacity % d->sector)
            spt_die("%s=%s: size %llu is not a multiple of the sector size "
                    "%llu",
                    opt, d->path, (unsigned long long)capacity,
                    (unsigned long long)d->sector);
        struct spt_devinfo *di =
            spt_attach(spt, h, MFT_DEV_BLOCK_BASIC, fd, block_rules,
                       SPT_RULES_COUNT(block_rules));
        di->capacity = capacity;
        di->block_size = d->sector;
    }
}

static struct spt_module spt_module_block = {
    .name = "block",
    .usage = "  --block:NAME=PATH           attach file or block device "
             "PATH to manifest\n"
             "                              entry NAME\n"
             "  --block-sector-size:NAME=N  sector size for NAME: a power "
             "of two, at\n"
             "                              least 512 (default 512)\n",
    .option = block_option,
    .setup = block_setup,
};
SPT_MODULE_REGISTER(spt_module_block);
