/* hvt_guest.h: what the hvt binding's files share (hypercalls, boot info). */

#ifndef HVT_GUEST_H_INCLUDED
#define HVT_GUEST_H_INCLUDED

#include "bindings.h"
#include "hvt_abi.h"

/* The tender's boot information, set once at entry. */
extern const struct hvt_boot_info *hvt_bi;

/*
 * Calls the tender. ARG is the guest address of the argument structure;
 * guest memory is below 4 GiB, so it fits the 32-bit port write. The
 * "memory" clobber makes the compiler store the arguments before the exit
 * and reload the results after it.
 */
static inline void hvt_hypercall(enum hvt_hypercall nr, volatile void *arg)
{
    __asm__ __volatile__("outl %0, %1"
                         :
                         : "a"((uint32_t)(uintptr_t)arg),
                           "d"((uint16_t)(HVT_HYPERCALL_PIO_BASE + nr))
                         : "memory");
}

/* hvt_time.c */
void hvt_time_init(void);

/* hvt_net.c: true if the guest has queued frames the tender has not sent. */
extern bool hvt_net_tx_pending;
/* Called after any hypercall that moved frames (NETIO, POLL). */
void hvt_net_io_done(void);
/* The set of acquired network handles with a frame in their receive ring. */
solo5_handle_set_t hvt_net_ready(void);

#endif /* HVT_GUEST_H_INCLUDED */
