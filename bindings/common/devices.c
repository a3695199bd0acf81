/*
 * devices.c: the block and network API of every target: acquiring a
 * device, and the API's argument rules, checked here once, so that a bad
 * call costs no exit and every target refuses the same calls. What a
 * device is and the I/O itself are the target's (platform_block_*(),
 * platform_net_*()).
 */

#include "bindings.h"

/*
 * Acquires manifest entry NAME of TYPE into *HANDLE and fills INFO (a
 * struct solo5_block_info or solo5_net_info, as TYPE says) from the
 * target. EINVAL if HANDLE or INFO is NULL or no such entry is free.
 */
static solo5_result_t acquire(const char *name, enum mft_type type,
                              solo5_handle_t *handle, void *info)
{
    if (handle == NULL || info == NULL)
        return SOLO5_R_EINVAL;
    int h = mft_acquire(name, type);
    if (h < 0)
        return SOLO5_R_EINVAL;
    if (type == MFT_DEV_BLOCK_BASIC)
        platform_block_info((solo5_handle_t)h, info);
    else
        platform_net_info((solo5_handle_t)h, info);
    *handle = (solo5_handle_t)h;
    return SOLO5_R_OK;
}

solo5_result_t solo5_block_acquire(const char *name, solo5_handle_t *handle,
                                   struct solo5_block_info *info)
{
    return acquire(name, MFT_DEV_BLOCK_BASIC, handle, info);
}

/* The API's rules: whole blocks, inside the device, at most IO_MAX. */
static bool block_args_ok(solo5_handle_t h, solo5_off_t off, const void *buf,
                          size_t size)
{
    struct solo5_block_info d;

    if (!mft_acquired(h, MFT_DEV_BLOCK_BASIC) || buf == NULL)
        return false;
    platform_block_info(h, &d);
    return size > 0 && size <= SOLO5_BLOCK_IO_MAX && size % d.block_size == 0 &&
           off % d.block_size == 0 && off <= d.capacity &&
           size <= d.capacity - off;
}

solo5_result_t solo5_block_write(solo5_handle_t h, solo5_off_t off,
                                 const uint8_t *buf, size_t size)
{
    if (!block_args_ok(h, off, buf, size))
        return SOLO5_R_EINVAL;
    return platform_block_io(true, h, off, (uintptr_t)buf, size);
}

solo5_result_t solo5_block_read(solo5_handle_t h, solo5_off_t off, uint8_t *buf,
                                size_t size)
{
    if (!block_args_ok(h, off, buf, size))
        return SOLO5_R_EINVAL;
    return platform_block_io(false, h, off, (uintptr_t)buf, size);
}

solo5_result_t solo5_net_acquire(const char *name, solo5_handle_t *handle,
                                 struct solo5_net_info *info)
{
    return acquire(name, MFT_DEV_NET_BASIC, handle, info);
}

/* The largest frame device H carries: its MTU plus the Ethernet header. */
static size_t frame_max(solo5_handle_t h)
{
    struct solo5_net_info d;

    platform_net_info(h, &d);
    return d.mtu + SOLO5_NET_HLEN;
}

solo5_result_t solo5_net_write(solo5_handle_t h, const uint8_t *buf,
                               size_t size)
{
    if (!mft_acquired(h, MFT_DEV_NET_BASIC) || buf == NULL || size == 0 ||
        size > frame_max(h))
        return SOLO5_R_EINVAL;
    return platform_net_write(h, buf, size);
}

solo5_result_t solo5_net_read(solo5_handle_t h, uint8_t *buf, size_t size,
                              size_t *read_size)
{
    if (!mft_acquired(h, MFT_DEV_NET_BASIC) || buf == NULL ||
        read_size == NULL || size < frame_max(h))
        return SOLO5_R_EINVAL;
    return platform_net_read(h, buf, size, read_size);
}
