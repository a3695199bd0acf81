/* spt_block.c: block devices on spt: pread64/pwrite64 on the backing file. */

#include "spt_guest.h"

#define SPT_EFAULT 14

solo5_result_t solo5_block_acquire(const char *name, solo5_handle_t *handle,
                                   struct solo5_block_info *info)
{
    if (handle == NULL || info == NULL)
        return SOLO5_R_EINVAL;
    int h = mft_acquire(name, MFT_DEV_BLOCK_BASIC);
    if (h < 0)
        return SOLO5_R_EINVAL;
    info->capacity = spt_bi->dev[h].capacity;
    info->block_size = spt_bi->dev[h].block_size;
    *handle = (solo5_handle_t)h;
    return SOLO5_R_OK;
}

/* The API's rules: whole blocks, inside the device, at most IO_MAX. */
static bool block_args_ok(solo5_handle_t h, solo5_off_t off, const void *buf,
                          size_t size)
{
    if (!mft_acquired(h, MFT_DEV_BLOCK_BASIC) || buf == NULL)
        return false;
    const struct spt_devinfo *d = &spt_bi->dev[h];
    return size > 0 && size <= SOLO5_BLOCK_IO_MAX &&
           size % d->block_size == 0 && off % d->block_size == 0 &&
           off <= d->capacity && size <= d->capacity - off;
}

/*
 * One request, all of it: the kernel may move fewer bytes than asked (a
 * signal, a huge request), so loop. A buffer outside the guest's memory is
 * EFAULT from the kernel, EINVAL to the application.
 */
static solo5_result_t blkio(long nr, solo5_handle_t h, solo5_off_t off,
                            uintptr_t buf, size_t size)
{
    int fd = spt_bi->dev[h].hostfd;

    while (size > 0) {
        long n = spt_syscall4(nr, fd, (long)buf, (long)size, (long)off);
        if (n == -SPT_EINTR)
            continue;
        if (n == -SPT_EFAULT)
            return SOLO5_R_EINVAL;
        if (n <= 0)
            return SOLO5_R_EUNSPEC;
        buf += (size_t)n;
        off += (size_t)n;
        size -= (size_t)n;
    }
    return SOLO5_R_OK;
}

solo5_result_t solo5_block_write(solo5_handle_t h, solo5_off_t off,
                                 const uint8_t *buf, size_t size)
{
    if (!block_args_ok(h, off, buf, size))
        return SOLO5_R_EINVAL;
    return blkio(SPT_SYS_pwrite64, h, off, (uintptr_t)buf, size);
}

solo5_result_t solo5_block_read(solo5_handle_t h, solo5_off_t off, uint8_t *buf,
                                size_t size)
{
    if (!block_args_ok(h, off, buf, size))
        return SOLO5_R_EINVAL;
    return blkio(SPT_SYS_pread64, h, off, (uintptr_t)buf, size);
}

void spt_block_flush(void)
{
    for (unsigned h = 0; h < spt_bi->ndevices && h < MFT_MAX_ENTRIES; h++) {
        const struct spt_devinfo *d = &spt_bi->dev[h];
        if (d->type == MFT_DEV_BLOCK_BASIC && (d->flags & SPT_DEV_ATTACHED))
            spt_syscall3(SPT_SYS_fdatasync, d->hostfd, 0, 0);
    }
}
