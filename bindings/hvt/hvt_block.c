/* hvt_block.c: block devices on hvt, one hypercall per call. */

#include "hvt_guest.h"

void platform_block_info(solo5_handle_t h, struct solo5_block_info *info)
{
    info->capacity = hvt_bi->dev[h].capacity;
    info->block_size = hvt_bi->dev[h].block_size;
}

/* One hypercall; the tender checks the request again. */
solo5_result_t platform_block_io(bool write, solo5_handle_t h, solo5_off_t off,
                                 uintptr_t buf, size_t size)
{
    volatile struct hvt_hc_blkio a = {
        .handle = h, .offset = off, .data = buf, .len = size
    };

    hvt_hypercall(write ? HVT_HYPERCALL_BLOCK_WRITE : HVT_HYPERCALL_BLOCK_READ,
                  &a);
    switch (a.ret) {
    case HVT_OK:
        return SOLO5_R_OK;
    case HVT_EINVAL:
        return SOLO5_R_EINVAL;
    default:
        return SOLO5_R_EUNSPEC;
    }
}
