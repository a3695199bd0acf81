/* hvt_block.c: block devices on hvt, one hypercall per call. */

#include "hvt_guest.h"

solo5_result_t solo5_block_acquire(const char *name, solo5_handle_t *handle,
                                   struct solo5_block_info *info)
{
    if (handle == NULL || info == NULL)
        return SOLO5_R_EINVAL;
    int h = mft_acquire(name, MFT_DEV_BLOCK_BASIC);
    if (h < 0)
        return SOLO5_R_EINVAL;
    info->capacity = hvt_bi->dev[h].capacity;
    info->block_size = hvt_bi->dev[h].block_size;
    *handle = (solo5_handle_t)h;
    return SOLO5_R_OK;
}

/* The API's rules, checked here so bad calls cost no exit. */
static bool block_args_ok(solo5_handle_t h, solo5_off_t off, const void *buf,
                          size_t size)
{
    if (!mft_acquired(h, MFT_DEV_BLOCK_BASIC) || buf == NULL)
        return false;
    const struct hvt_devinfo *d = &hvt_bi->dev[h];
    return size > 0 && size <= SOLO5_BLOCK_IO_MAX &&
           size % d->block_size == 0 && off % d->block_size == 0 &&
           off <= d->capacity && size <= d->capacity - off;
}

static solo5_result_t blkio(enum hvt_hypercall nr, solo5_handle_t h,
                            solo5_off_t off, uintptr_t buf, size_t size)
{
    volatile struct hvt_hc_blkio a = {
        .handle = h, .offset = off, .data = buf, .len = size
    };

    hvt_hypercall(nr, &a);
    switch (a.ret) {
    case HVT_OK:
        return SOLO5_R_OK;
    case HVT_EINVAL:
        return SOLO5_R_EINVAL;
    default:
        return SOLO5_R_EUNSPEC;
    }
}

solo5_result_t solo5_block_write(solo5_handle_t h, solo5_off_t off,
                                 const uint8_t *buf, size_t size)
{
    if (!block_args_ok(h, off, buf, size))
        return SOLO5_R_EINVAL;
    return blkio(HVT_HYPERCALL_BLOCK_WRITE, h, off, (uintptr_t)buf, size);
}

solo5_result_t solo5_block_read(solo5_handle_t h, solo5_off_t off, uint8_t *buf,
                                size_t size)
{
    if (!block_args_ok(h, off, buf, size))
        return SOLO5_R_EINVAL;
    return blkio(HVT_HYPERCALL_BLOCK_READ, h, off, (uintptr_t)buf, size);
}
