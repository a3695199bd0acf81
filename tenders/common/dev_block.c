/* dev_block.c: block devices: their options and their backing files. */

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "dev_block.h"
#include "tender.h"

static struct tender_dev_names names = { .what = "block" };
static struct dev_block devs[MFT_MAX_ENTRIES];

static bool option(const char *opt)
{
    const char *value;
    char *end;

    int i = tender_dev_setting_option(&names, opt, "block-sector-size",
                                      "--block-sector-size:NAME=N",
                                      "sector size", &value);
    if (i < 0)
        return tender_dev_attach_option(&names, opt, "block",
                                        "--block:NAME=PATH");
    errno = 0;
    unsigned long long n = strtoull(value, &end, 10);
    if (*value < '0' || *value > '9' || *end || errno || n < 512 ||
        n > DEV_BLOCK_IO_MAX || (n & (n - 1)))
        tender_die("%s: expected a power of two from 512 to %u", opt,
                   DEV_BLOCK_IO_MAX);
    devs[i].sector = n;
    return true;
}

const struct tender_module_cli dev_block_cli = {
    .name = "block",
    .usage = "  --block:NAME=PATH           attach file or block device "
             "PATH to manifest\n"
             "                              entry NAME\n"
             "  --block-sector-size:NAME=N  sector size for NAME: a power "
             "of two, at\n"
             "                              least 512 (default 512)\n",
    .option = option,
};

/*
 * Locks the whole of D's file for the life of the tender, as QEMU does:
 * an open-file-description lock (per open file, not per process, so a
 * forked helper does not drop it), exclusive because the guest may write.
 * Another tender, or QEMU, using the same file is refused here instead of
 * both writing it at once. A file system without such locks is used
 * unlocked, as QEMU does.
 */
static void lock_file(struct dev_block *d, const char *opt)
{
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    if (fcntl(d->fd, F_OFD_SETLK, &fl) == 0)
        return;
    if (errno != EAGAIN && errno != EACCES)
        return; /* ENOLCK, EINVAL, EOPNOTSUPP: no locks here */
    /* Who holds it: OFD locks carry no process id, only their kind. */
    struct flock held = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    const char *kind = "a lock";
    if (fcntl(d->fd, F_OFD_GETLK, &held) == 0) {
        if (held.l_type == F_WRLCK)
            kind = "a write (exclusive) lock";
        else if (held.l_type == F_RDLCK)
            kind = "a read (shared) lock";
    }
    tender_die("%s=%s: in use: another process holds %s on it (another "
               "%s, or QEMU?)",
               opt, d->path, kind, tender_name);
}

struct dev_block *dev_block_open(unsigned i, const struct mft1 *m)
{
    struct dev_block *d = &devs[i]; /* one past the last at most */
    char opt[128];
    struct stat st;

    if (!tender_dev_get(&names, i, &d->name, &d->path))
        return NULL;
    snprintf(opt, sizeof opt, "--block:%s", d->name);
    if (d->path == NULL)
        tender_die("--block-sector-size:%s: no --block:%s=PATH for it", d->name,
                   d->name);
    if (d->sector == 0)
        d->sector = 512;
    d->handle = tender_mft_attach(m, opt, d->name, MFT_DEV_BLOCK_BASIC);
    d->fd = open(d->path, O_RDWR | O_CLOEXEC);
    if (d->fd < 0)
        tender_die("%s=%s: %s", opt, d->path, strerror(errno));
    if (fstat(d->fd, &st) < 0)
        tender_die("%s=%s: %s", opt, d->path, strerror(errno));
    lock_file(d, opt);
    if (S_ISREG(st.st_mode)) {
        d->capacity = (uint64_t)st.st_size;
    } else if (S_ISBLK(st.st_mode)) {
        if (ioctl(d->fd, BLKGETSIZE64, &d->capacity) < 0)
            tender_die("%s=%s: cannot read its size: %s", opt, d->path,
                       strerror(errno));
    } else {
        tender_die("%s=%s: not a regular file or block device", opt, d->path);
    }
    if (d->capacity < d->sector)
        tender_die("%s=%s: %llu bytes is smaller than one %llu-byte sector",
                   opt, d->path, (unsigned long long)d->capacity,
                   (unsigned long long)d->sector);
    if (d->capacity % d->sector)
        tender_die("%s=%s: size %llu is not a multiple of the sector size "
                   "%llu",
                   opt, d->path, (unsigned long long)d->capacity,
                   (unsigned long long)d->sector);
    return d;
}
