/* spt_platform.c: the platform_* functions of the spt target. */

#include "spt_guest.h"

ABI1_NOTE_DECLARE(ABI_TARGET_SPT, SPT_ABI_VERSION);

const char platform_target_name[] = "spt";

void platform_puts(const char *buf, size_t len)
{
    /* Best effort, byte for byte: a closed stdout loses the output only. */
    while (len > 0) {
        long n = spt_syscall3(SPT_SYS_write, 1, (long)buf, (long)len);
        if (n == -SPT_EINTR)
            continue;
        if (n <= 0)
            break;
        buf += n;
        len -= (size_t)n;
    }
}

void solo5_console_write(const char *buf, size_t size)
{
    if (buf != NULL && size > 0)
        platform_puts(buf, size);
}

void platform_exit(int status, void *core)
{
    (void)core; /* no core files on spt */
    spt_block_flush();
    for (;;)
        spt_syscall3(SPT_SYS_exit_group, status & 0xff, 0, 0);
}

bool platform_set_tls_base(uint64_t base)
{
    if (spt_bi->cpu_features & SPT_CPU_FSGSBASE) {
        __asm__ __volatile__("wrfsbase %0" : : "r"(base) : "memory");
        return true;
    }
    return spt_syscall3(SPT_SYS_arch_prctl, SPT_ARCH_SET_FS, (long)base, 0) ==
           0;
}
