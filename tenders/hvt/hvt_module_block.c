/* hvt_module_block.c: block devices: files or host block devices. */

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dev_block.h"
#include "hvt.h"

_Static_assert(HVT_BLOCK_IO_MAX == DEV_BLOCK_IO_MAX, "one largest request");

/* Handle -> device, for the hypercalls; NULL if not a block device. */
static struct dev_block *by_handle[MFT_MAX_ENTRIES];
static unsigned nattached;

/* The sandbox's lines for each block descriptor. */
static const struct hvt_sandbox_rule block_rules[] = {
    { SYS_pread64, false, 0, "BLOCK_READ" },
    { SYS_pwrite64, false, 0, "BLOCK_WRITE" },
    { SYS_fdatasync, false, 0, "flush the file at exit" },
};

static void block_setup(struct hvt *hvt)
{
    struct dev_block *d;

    for (unsigned i = 0; (d = dev_block_open(i, &hvt->img.mft)); i++) {
        struct hvt_devinfo *di = &hvt->dev[d->handle];
        di->type = MFT_DEV_BLOCK_BASIC;
        di->flags = HVT_DEV_ATTACHED;
        di->capacity = d->capacity;
        di->block_size = d->sector;
        by_handle[d->handle] = d;
        nattached++;
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
static struct dev_block *check(struct hvt *hvt, struct hvt_hc_blkio *a,
                               uint8_t **buf, bool write)
{
    if (a->handle >= MFT_MAX_ENTRIES || by_handle[a->handle] == NULL)
        return NULL;
    struct dev_block *d = by_handle[a->handle];
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
    struct dev_block *d = check(hvt, a, &buf, write);

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
    if (nattached == 0)
        return;
    hvt_register_hypercall(hvt, HVT_HYPERCALL_BLOCK_WRITE, hc_block_write);
    hvt_register_hypercall(hvt, HVT_HYPERCALL_BLOCK_READ, hc_block_read);
}

/* Every exit path: what the guest wrote reaches stable storage. */
static void block_cleanup(struct hvt *hvt)
{
    (void)hvt;
    for (unsigned h = 0; h < MFT_MAX_ENTRIES; h++) {
        if (by_handle[h] != NULL)
            fdatasync(by_handle[h]->fd);
    }
}

static struct hvt_module hvt_module_block = {
    .cli = &dev_block_cli,
    .setup = block_setup,
    .guest_init = block_guest_init,
    .cleanup = block_cleanup,
};
HVT_MODULE_REGISTER(hvt_module_block);
