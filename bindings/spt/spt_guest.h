/* spt_guest.h: what the spt binding's files share: raw Linux system calls. */

#ifndef SPT_GUEST_H_INCLUDED
#define SPT_GUEST_H_INCLUDED

#include "bindings.h"
#include "spt_abi.h"

/* The tender's boot information, set once at entry (read-only memory). */
extern const struct spt_boot_info *spt_bi;

/*
 * Linux x86_64 system call numbers and constants the binding uses. The
 * tender's seccomp filter allows exactly these, with pinned arguments
 * (see tenders/spt/spt_sandbox_linux.c); anything else kills the process.
 */
#define SPT_SYS_read          0
#define SPT_SYS_write         1
#define SPT_SYS_pread64       17
#define SPT_SYS_pwrite64      18
#define SPT_SYS_fdatasync     75
#define SPT_SYS_arch_prctl    158
#define SPT_SYS_clock_gettime 228
#define SPT_SYS_exit_group    231
#define SPT_SYS_ppoll         271

#define SPT_ARCH_SET_FS     0x1002
#define SPT_CLOCK_REALTIME  0
#define SPT_CLOCK_MONOTONIC 1
#define SPT_POLLIN          1
#define SPT_EINTR           4
#define SPT_EAGAIN          11

struct spt_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};

struct spt_pollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};

/*
 * The SYSCALL instruction: number in RAX, arguments in RDI, RSI, RDX, R10,
 * R8; the kernel clobbers RCX and R11. Returns the result, or -errno.
 */
static inline long spt_syscall4(long nr, long a1, long a2, long a3, long a4)
{
    long ret;
    register long r10 __asm__("r10") = a4;

    __asm__ __volatile__("syscall"
                         : "=a"(ret)
                         : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10)
                         : "rcx", "r11", "memory");
    return ret;
}

static inline long spt_syscall3(long nr, long a1, long a2, long a3)
{
    return spt_syscall4(nr, a1, a2, a3, 0);
}

/* spt_net.c: the set of acquired network handles, for solo5_yield(). */
solo5_handle_set_t spt_net_handles(void);

/* spt_block.c: flushes every attached block file (at exit). */
void spt_block_flush(void);

#endif /* SPT_GUEST_H_INCLUDED */
