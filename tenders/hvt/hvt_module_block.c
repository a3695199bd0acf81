/* hvt_module_block.c: block devices: files or host block devices. */

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

#include "hvt.h"

struct block_dev {
    char *name; /* manifest entry */
    char *path;
    uint64_t sector; /* 0 until --block-sector-size gives one */
    int fd;
    unsigned handle;
    uint64_t capacity;
};

static struct block_dev devs[MFT_MAX_ENTRIES];
static unsigned ndevs;
/* Handle -> device, for the hypercalls; NULL if not a block device. */
static struct block_dev *by_handle[MFT_MAX_ENTRIES];

static struct block_dev *dev_named(const char *name, size_t len)
{
    for (unsigned i = 0; i < ndevs; i++) {
        if (strlen(devs[i].name) == len && memcmp(devs[i].name, name, len) == 0)
            return &devs[i];
    }
    if (ndevs == MFT_MAX_ENTRIES)
        hvt_die("more than %u block devices", MFT_MAX_ENTRIES);
    struct block_dev *d = &devs[ndevs++];
    d->name = strndup(name, len);
    if (d->name == NULL)
        hvt_die("out of memory");
    d->fd = -1;
    return d;
}

static bool block_option(const char *opt)
{
    const char *name, *value;
    size_t len;

    if (hvt_option_match(opt, "block-sector-size", "--block-sector-size:NAME=N",
                         &name, &len, &value)) {
        struct block_dev *d = dev_named(name, len);
        char *end;
        errno = 0;
        unsigned long long n = strtoull(value, &end, 10);
        if (d->sector)
            hvt_die("%s: sector size for '%s' given twice", opt, d->name);
        if (*end || errno || n < 512 || n > HVT_BLOCK_IO_MAX || (n & (n - 1)))
            hvt_die("%s: expected a power of two from 512 to %u", opt,
                    HVT_BLOCK_IO_MAX);
        d->sector = n;
        return true;
    }
    if (hvt_option_match(opt, "block", "--block:NAME=PATH", &name, &len,
                         &value)) {
        struct block_dev *d = dev_named(name, len);
        if (d->path)
            hvt_die("%s: '%s' is attached twice", opt, d->name);
        d->path = strdup(value);
        if (d->path == NULL)
            hvt_die("out of memory");
        return true;
    }
    return false;
}

/* The sandbox's lines for each block descriptor. */
static const struct hvt_sandbox_rule block_rules[] = {
    { SYS_pread64, false, 0, "BLOCK_READ" },
    { SYS_pwrite64, false, 0, "BLOCK_WRITE" },
    { SYS_fdatasync, false, 0, "flush the file at exit" },
};

/*
 * Locks the whole of D's file for the life of the tender, as QEMU does:
 * an open-file-description lock (per open file, not per process, so a
 * forked helper does not drop it), exclusive because the guest may write.
 * Another tender, or QEMU, using the same file is refused here instead of
 * both writing it at once. A file system without such locks is used
 * unlocked, as QEMU does.
 */
static void lock_file(struct block_dev *d, const char *opt)
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
    hvt_die("%s=%s: in use: another process holds %s on it (another "
            "solo5-hvt, or QEMU?)",
            opt, d->path, kind);
}

static void block_setup(struct hvt *hvt)
{
    for (unsigned i = 0; i < ndevs; i++) {
        struct block_dev *d = &devs[i];
        char opt[128];
        struct stat st;
        snprintf(opt, sizeof opt, "--block:%s", d->name);
        if (d->path == NULL)
            hvt_die("--block-sector-size:%s: no --block:%s=PATH for it",
                    d->name, d->name);
        if (d->sector == 0)
            d->sector = 512;
        d->handle = hvt_mft_lookup(hvt, opt, d->name, MFT_DEV_BLOCK_BASIC);
        d->fd = open(d->path, O_RDWR | O_CLOEXEC);
        if (d->fd < 0)
            hvt_die("%s=%s: %s", opt, d->path, strerror(errno));
        if (fstat(d->fd, &st) < 0)
            hvt_die("%s=%s: %s", opt, d->path, strerror(errno));
        lock_file(d, opt);
        if (S_ISREG(st.st_mode)) {
            d->capacity = (uint64_t)st.st_size;
        } else if (S_ISBLK(st.st_mode)) {
            if (ioctl(d->fd, BLKGETSIZE64, &d->capacity) < 0)
                hvt_die("%s=%s: cannot read its size: %s", opt, d->path,
                        strerror(errno));
        } else {
            hvt_die("%s=%s: not a regular file or block device", opt, d->path);
        }
        if (d->capacity < d->sector)
            hvt_die("%s=%s: %llu bytes is smaller than one %llu-byte sector",
                    opt, d->path, (unsigned long long)d->capacity,
                    (unsigned long long)d->sector);
        if (d->capacity % d->sector)
            hvt_die("%s=%s: size %llu is not a multiple of the sector size "
                    "%llu",
                    opt, d->path, (unsigned long long)d->capacity,
                    (unsigned long long)d->sector);
        struct hvt_devinfo *di = &hvt->dev[d->handle];
        di->type = MFT_DEV_BLOCK_BASIC;
        di->flags = HVT_DEV_ATTACHED;
        di->capacity = d->capacity;
        di->block_size = d->sector;
        by_handle[d->handle] = d;
        hvt_sandbox_allow_fd(hvt, d->fd, block_rules,
                             HVT_RULES_COUNT(block_rules));
    }
}

/*
 * Checks a block request against the device; returns the device, or NULL
 * if the guest's arguments break the rules (it gets EINVAL). A data range
 * outside guest memory ends the guest (hvt_gpa()), and so does one a read
 * would fill that the guest could not write itself (hvt_gpa_writable()).
 */
static struct block_dev *check(struct hvt *hvt, struct hvt_hc_blkio *a,
                               uint8_t **buf, bool write)
{
    if (a->handle >= MFT_MAX_ENTRIES || by_handle[a->handle] == NULL)
        return NULL;
    struct block_dev *d = by_handle[a->handle];
    if (a->len == 0 || a->len > HVT_BLOCK_IO_MAX || a->len % d->sector ||
        a->offset % d->sector || a->offset > d->capacity ||
        a->len > d->capacity - a->offset)
        return NULL;
    *buf = write ? hvt_gpa(hvt, a->data, a->len)
                 : hvt_gpa_writable(hvt, a->data, a->len);
    return d;
}

static void hc_block_io(struct hvt *hvt, uint64_t gpa, bool write)
{
    struct hvt_hc_blkio *a = HVT_ARGS(hvt, gpa, struct hvt_hc_blkio);
    uint8_t *buf;
    struct block_dev *d = check(hvt, a, &buf, write);

    if (d == NULL) {
        a->ret = HVT_EINVAL;
        return;
    }
    uint64_t off = a->offset, left = a->len;
    while (left > 0) {
        ssize_t n = write ? pwrite(d->fd, buf, left, (off_t)off)
                          : pread(d->fd, buf, left, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            a->ret = HVT_EIO;
            return;
        }
        buf += n;
        off += (uint64_t)n;
        left -= (uint64_t)n;
    }
    a->ret = HVT_OK;
}

static void hc_block_write(struct hvt *hvt, uint64_t gpa)
{
    hc_block_io(hvt, gpa, true);
}

static void hc_block_read(struct hvt *hvt, uint64_t gpa)
{
    hc_block_io(hvt, gpa, false);
}

static void block_guest_init(struct hvt *hvt)
{
    if (ndevs == 0)
        return;
    hvt_register_hypercall(hvt, HVT_HYPERCALL_BLOCK_WRITE, hc_block_write);
    hvt_register_hypercall(hvt, HVT_HYPERCALL_BLOCK_READ, hc_block_read);
}

/* Every exit path: what the guest wrote reaches stable storage. */
static void block_cleanup(struct hvt *hvt)
{
    (void)hvt;
    for (unsigned i = 0; i < ndevs; i++) {
        if (devs[i].fd >= 0)
            fdatasync(devs[i].fd);
    }
}

static struct hvt_module hvt_module_block = {
    .name = "block",
    .usage = "  --block:NAME=PATH           attach file or block device "
             "PATH to manifest\n"
             "                              entry NAME\n"
             "  --block-sector-size:NAME=N  sector size for NAME: a power "
             "of two, at\n"
             "                              least 512 (default 512)\n",
    .option = block_option,
    .setup = block_setup,
    .guest_init = block_guest_init,
    .cleanup = block_cleanup,
};
HVT_MODULE_REGISTER(hvt_module_block);
