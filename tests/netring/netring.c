/* netring: the hvt tender checks the network rings it shares with the
 * guest. A guest that breaks the ring rules (a frame longer than a slot,
 * more frames than slots, a consumer ahead of the producer) is ended with
 * status 1; ring geometry rewritten by the guest is not trusted. hvt only:
 * it manipulates the rings of hvt_abi.h directly.
 * Command line: "ok", "tx-len", "tx-count", "rx-cons" or "tx-geometry". */

#include "solo5.h"
#include "selftest.h"
#include "hvt_abi.h"

static void netio(void)
{
    static volatile struct hvt_hc_netio a;
    __asm__ __volatile__(
        "outl %0, %1"
        :
        : "a"((uint32_t)(uintptr_t)&a),
          "d"((uint16_t)(HVT_HYPERCALL_PIO_BASE + HVT_HYPERCALL_NETIO))
        : "memory");
}

/* Queues a broadcast frame of LEN bytes (at most the slot) by hand. */
static void queue_frame(volatile struct hvt_netring *r, const uint8_t *mac,
                        uint32_t len)
{
    uint32_t idx = r->prod;
    volatile uint8_t *s = (volatile uint8_t *)r + HVT_NETRING_HDR +
                          (size_t)(idx % HVT_NETRING_SLOTS) * r->slot_size;
    for (uint32_t i = 0; i < len; i++)
        s[i] = 0;
    for (int i = 0; i < 6; i++) {
        s[i] = 0xff;
        s[6 + i] = mac[i];
    }
    s[12] = 0x88; /* local experimental ethertype */
    s[13] = 0xb5;
    r->len[idx % HVT_NETRING_SLOTS] = len;
    r->prod = idx + 1;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    const struct hvt_boot_info *bi =
        (const struct hvt_boot_info *)(uintptr_t)HVT_BOOT_INFO_BASE;
    const char *c = si->cmdline;
    struct solo5_net_info info;
    solo5_handle_t h;
    volatile struct hvt_netring *tx, *rx;

    if (solo5_net_acquire("service0", &h, &info) != SOLO5_R_OK) {
        puts_("FAILURE: cannot acquire service0\n");
        return SOLO5_EXIT_FAILURE;
    }
    tx = (volatile struct hvt_netring *)(uintptr_t)bi->dev[h].txring;
    rx = (volatile struct hvt_netring *)(uintptr_t)bi->dev[h].rxring;
    if (tx->nslots != HVT_NETRING_SLOTS || rx->nslots != HVT_NETRING_SLOTS ||
        tx->slot_size < info.mtu + SOLO5_NET_HLEN) {
        puts_("FAILURE: the rings do not look as hvt_abi.h says\n");
        return SOLO5_EXIT_FAILURE;
    }
    say("netring: ", c);

    if (str_eq(c, "ok")) {
        /* The same steps, done right, are accepted: the cases below fail
         * for what they break, not for how they drive the ring. */
        queue_frame(tx, info.mac_address, 60);
        netio();
        if (tx->cons != tx->prod) {
            puts_("FAILURE: the tender did not take the queued frame\n");
            return SOLO5_EXIT_FAILURE;
        }
        puts_("SUCCESS\n");
        return SOLO5_EXIT_SUCCESS;
    }
    if (str_eq(c, "tx-len")) {
        queue_frame(tx, info.mac_address, 60);
        tx->len[(tx->prod - 1) % HVT_NETRING_SLOTS] = tx->slot_size + 1;
    } else if (str_eq(c, "tx-count")) {
        queue_frame(tx, info.mac_address, 60);
        tx->prod = tx->cons + HVT_NETRING_SLOTS + 1;
    } else if (str_eq(c, "rx-cons")) {
        rx->cons = rx->prod + 5;
    } else if (str_eq(c, "tx-geometry")) {
        uint32_t real = tx->slot_size;
        tx->nslots = 1;
        tx->slot_size = 0x7fffffffu;
        /* Queued with the real geometry; the tender must not use ours. */
        tx->slot_size = real;
        queue_frame(tx, info.mac_address, 60);
        tx->nslots = 1;
        tx->slot_size = 0x7fffffffu;
        tx->len[(tx->prod - 1) % HVT_NETRING_SLOTS] = 0x7ffffff0u;
        netio();
        puts_("netring: survived with rewritten geometry\n");
        return SOLO5_EXIT_SUCCESS;
    } else {
        puts_("FAILURE: unknown case\n");
        return SOLO5_EXIT_FAILURE;
    }
    netio();
    puts_("FAILURE: the tender accepted a broken ring\n");
    return SOLO5_EXIT_FAILURE;
}
