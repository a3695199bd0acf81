/* hvt_time.c: clocks and solo5_yield() on hvt. */

#include "hvt_guest.h"

/*
 * The monotonic clock is the TSC, read at CPL3 without leaving the guest,
 * scaled by the frequency the tender measured. The wall clock asks the
 * host: it is not on anyone's hot path.
 */
static uint64_t tsc_base, tsc_mul;

void hvt_time_init(void)
{
    tsc_mul = tsc_mult(hvt_bi->tsc_khz * 1000);
    tsc_base = cpu_rdtsc();
}

solo5_time_t solo5_clock_monotonic(void)
{
    return tsc_to_ns(cpu_rdtsc() - tsc_base, tsc_mul);
}

solo5_time_t solo5_clock_wall(void)
{
    volatile struct hvt_hc_walltime a = { 0 };

    hvt_hypercall(HVT_HYPERCALL_WALLTIME, &a);
    return a.nsecs;
}

void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set)
{
    solo5_handle_set_t want = mft_acquired_set(MFT_DEV_NET_BASIC);
    solo5_handle_set_t ready = hvt_net_ready();
    solo5_time_t now = solo5_clock_monotonic();

    /* Input already waiting and nothing to send: no need to leave. */
    if (ready && !hvt_net_tx_pending) {
        if (ready_set)
            *ready_set = ready;
        return;
    }
    volatile struct hvt_hc_poll a = {
        .timeout_nsecs = (ready || deadline <= now) ? 0 : deadline - now,
        .poll_set = want,
    };
    hvt_hypercall(HVT_HYPERCALL_POLL, &a);
    hvt_net_io_done();
    if (ready_set)
        *ready_set = a.ready & want;
}
