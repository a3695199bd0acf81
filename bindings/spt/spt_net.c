/* spt_net.c: network devices on spt: read(2) and write(2) on the tap. */

#include "spt_guest.h"

#define SPT_EFAULT 14

solo5_handle_set_t spt_net_handles(void)
{
    return mft_acquired_set(MFT_DEV_NET_BASIC);
}

void platform_net_info(solo5_handle_t h, struct solo5_net_info *info)
{
    memcpy(info->mac_address, spt_bi->dev[h].mac, SOLO5_NET_ALEN);
    info->mtu = spt_bi->dev[h].mtu;
}

solo5_result_t platform_net_write(solo5_handle_t h, const uint8_t *buf,
                                  size_t size)
{
    long n;
    do
        n = spt_syscall3(SPT_SYS_write, spt_bi->dev[h].hostfd, (long)buf,
                         (long)size);
    while (n == -SPT_EINTR);
    if (n == (long)size || n == -SPT_EAGAIN)
        return SOLO5_R_OK; /* EAGAIN: the host queue is full: dropped */
    return n == -SPT_EFAULT ? SOLO5_R_EINVAL : SOLO5_R_EUNSPEC;
}

solo5_result_t platform_net_read(solo5_handle_t h, uint8_t *buf, size_t size,
                                 size_t *read_size)
{
    long n;
    do
        n = spt_syscall3(SPT_SYS_read, spt_bi->dev[h].hostfd, (long)buf,
                         (long)size);
    while (n == -SPT_EINTR);
    if (n == -SPT_EAGAIN || n == 0)
        return SOLO5_R_AGAIN;
    if (n < 0)
        return n == -SPT_EFAULT ? SOLO5_R_EINVAL : SOLO5_R_EUNSPEC;
    *read_size = (size_t)n;
    return SOLO5_R_OK;
}
