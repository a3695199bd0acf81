/* hvt_net.c: network devices on hvt, through rings shared with the tender. */

#include "hvt_guest.h"

/*
 * Frames move through two rings per device (see hvt_abi.h). Sending only
 * queues a frame; the tender takes queued frames at the next NETIO or POLL
 * hypercall (solo5_yield(), a read that finds nothing, a full ring, exit),
 * so a request/response exchange costs one exit, not three.
 */
bool hvt_net_tx_pending;

/*
 * True when an exit has refilled the receive rings since the last read
 * that found nothing. The first empty read after a refill answers AGAIN
 * without leaving the guest (the caller will usually yield next); a second
 * one asks the tender, so a guest that polls without yielding still sees
 * new frames.
 */
static bool rx_fresh;

static struct hvt_netring *ring(uint64_t gpa)
{
    return (struct hvt_netring *)(uintptr_t)gpa;
}

static uint8_t *slot(struct hvt_netring *r, uint32_t idx)
{
    return (uint8_t *)r + HVT_NETRING_HDR +
           (size_t)(idx % r->nslots) * r->slot_size;
}

static void netio(void)
{
    volatile struct hvt_hc_netio a = { 0 };

    hvt_hypercall(HVT_HYPERCALL_NETIO, &a);
    hvt_net_tx_pending = false;
}

void hvt_net_io_done(void)
{
    hvt_net_tx_pending = false;
    rx_fresh = true;
}

solo5_handle_set_t hvt_net_ready(void)
{
    solo5_handle_set_t set = mft_acquired_set(MFT_DEV_NET_BASIC), ready = 0;

    for (unsigned h = 0; set; h++, set >>= 1) {
        if (!(set & 1))
            continue;
        volatile struct hvt_netring *r = ring(hvt_bi->dev[h].rxring);
        if (r->prod != r->cons)
            ready |= 1ULL << h;
    }
    return ready;
}

void platform_net_info(solo5_handle_t h, struct solo5_net_info *info)
{
    memcpy(info->mac_address, hvt_bi->dev[h].mac, SOLO5_NET_ALEN);
    info->mtu = hvt_bi->dev[h].mtu;
}

solo5_result_t platform_net_write(solo5_handle_t h, const uint8_t *buf,
                                  size_t size)
{
    struct hvt_netring *r = ring(hvt_bi->dev[h].txring);
    volatile uint32_t *prod = &r->prod, *cons = &r->cons;
    if (*prod - *cons >= r->nslots) {
        netio();
        if (*prod - *cons >= r->nslots)
            return SOLO5_R_OK; /* host cannot take it: dropped, as on a wire */
    }
    uint32_t p = *prod;
    memcpy(slot(r, p), buf, size);
    r->len[p % r->nslots] = (uint32_t)size;
    __asm__ __volatile__("" ::: "memory"); /* slot and length before prod */
    *prod = p + 1;
    hvt_net_tx_pending = true;
    return SOLO5_R_OK;
}

solo5_result_t platform_net_read(solo5_handle_t h, uint8_t *buf, size_t size,
                                 size_t *read_size)
{
    struct hvt_netring *r = ring(hvt_bi->dev[h].rxring);
    volatile uint32_t *prod = &r->prod, *cons = &r->cons;
    if (*prod == *cons) {
        if (rx_fresh) {
            rx_fresh = false;
            return SOLO5_R_AGAIN;
        }
        netio();
        if (*prod == *cons)
            return SOLO5_R_AGAIN;
    }
    uint32_t c = *cons;
    uint32_t len = r->len[c % r->nslots];
    if (len > size)
        len = (uint32_t)size; /* cannot happen: the tender caps at mtu+hlen */
    memcpy(buf, slot(r, c), len);
    __asm__ __volatile__("" ::: "memory"); /* copy out before freeing */
    *cons = c + 1;
    *read_size = len;
    return SOLO5_R_OK;
}
