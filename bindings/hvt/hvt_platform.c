/* hvt_platform.c: the platform_* functions of the hvt target. */

#include "hvt_guest.h"

ABI1_NOTE_DECLARE(ABI_TARGET_HVT, HVT_ABI_VERSION);

const char platform_target_name[] = "hvt";

void platform_puts(const char *buf, size_t len)
{
    volatile struct hvt_hc_puts a = { .data = (uintptr_t)buf, .len = len };

    hvt_hypercall(HVT_HYPERCALL_PUTS, &a);
}

void solo5_console_write(const char *buf, size_t size)
{
    if (buf != NULL && size > 0)
        platform_puts(buf, size);
}

void platform_exit(int status, void *core)
{
    volatile struct hvt_hc_halt a = {
        .exit_status = (uint64_t)(status & 0xff),
        .core = (uintptr_t)core,
    };

    for (;;)
        hvt_hypercall(HVT_HYPERCALL_HALT, &a);
}

bool platform_set_tls_base(uint64_t base)
{
    if (hvt_bi->cpu_features & HVT_CPU_FSGSBASE) {
        __asm__ __volatile__("wrfsbase %0" : : "r"(base) : "memory");
        return true;
    }
    volatile struct hvt_hc_tls a = { .base = base };
    hvt_hypercall(HVT_HYPERCALL_SET_TLS_BASE, &a);
    return a.ret == HVT_OK;
}
