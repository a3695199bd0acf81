/* spt_time.c: clocks and solo5_yield() on spt: the host's clocks and ppoll. */

#include "spt_guest.h"

static solo5_time_t clock_ns(long id)
{
    struct spt_timespec ts;

    if (spt_syscall3(SPT_SYS_clock_gettime, id, (long)&ts, 0) != 0)
        return 0; /* cannot happen: the filter allows both clocks */
    return (solo5_time_t)ts.tv_sec * 1000000000ULL + (solo5_time_t)ts.tv_nsec;
}

solo5_time_t solo5_clock_monotonic(void)
{
    return clock_ns(SPT_CLOCK_MONOTONIC);
}

solo5_time_t solo5_clock_wall(void)
{
    return clock_ns(SPT_CLOCK_REALTIME);
}

void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set)
{
    struct spt_pollfd fds[MFT_MAX_ENTRIES];
    unsigned handle[MFT_MAX_ENTRIES];
    unsigned n = 0;
    solo5_handle_set_t set = spt_net_handles(), ready = 0;

    for (unsigned h = 0; set; h++, set >>= 1) {
        if (!(set & 1))
            continue;
        fds[n] = (struct spt_pollfd){ .fd = spt_bi->dev[h].hostfd,
                                      .events = SPT_POLLIN };
        handle[n++] = h;
    }
    solo5_time_t now = solo5_clock_monotonic();
    solo5_time_t left = deadline > now ? deadline - now : 0;
    struct spt_timespec ts = {
        .tv_sec = (int64_t)(left / 1000000000ULL),
        .tv_nsec = (int64_t)(left % 1000000000ULL),
    };
    /*
     * One ppoll, no signal mask (the filter insists on NULL). An EINTR is
     * only ever a signal the tender handles by ending the process, so any
     * error just returns with nothing ready.
     */
    long r = spt_syscall4(SPT_SYS_ppoll, (long)fds, (long)n, (long)&ts, 0);
    if (r > 0) {
        for (unsigned i = 0; i < n; i++) {
            if (fds[i].revents & SPT_POLLIN)
                ready |= 1ULL << handle[i];
        }
    }
    if (ready_set)
        *ready_set = ready;
}
