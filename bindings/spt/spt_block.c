/* spt_block.c: block devices on spt: pread64/pwrite64 on the backing file. */

#include "spt_guest.h"

#define SPT_EFAULT 14

void platform_block_info(solo5_handle_t h, struct solo5_block_info *info)
{
    info->capacity = spt_bi->dev[h].capacity;
    info->block_size = spt_bi->dev[h].block_size;
}

/*
 * One request, all of it: the kernel may move fewer bytes than asked (a
 * signal, a huge request), so loop. A buffer outside the guest's memory is
 * EFAULT from the kernel, EINVAL to the application.
 */
solo5_result_t platform_block_io(bool write, solo5_handle_t h, solo5_off_t off,
                                 uintptr_t buf, size_t size)
{
    long nr = write ? SPT_SYS_pwrite64 : SPT_SYS_pread64;
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

void spt_block_flush(void)
{
    for (unsigned h = 0; h < spt_bi->ndevices && h < MFT_MAX_ENTRIES; h++) {
        const struct spt_devinfo *d = &spt_bi->dev[h];
        if (d->type == MFT_DEV_BLOCK_BASIC && (d->flags & SPT_DEV_ATTACHED))
            spt_syscall3(SPT_SYS_fdatasync, d->hostfd, 0, 0);
    }
}
