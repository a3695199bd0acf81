/* platform.c: the virtio target's identity and its TLS base. */

#include "platform.h"

ABI1_NOTE_DECLARE(ABI_TARGET_VIRTIO, VIRTIO_ABI_VERSION);

const char platform_target_name[] = "virtio";

/* Matches boot.S, which enables CR4.FSGSBASE exactly when this holds. */
static bool have_fsgsbase(void)
{
    uint32_t r[4];
    cpu_cpuid(7, 0, r);
    return r[1] & 1;
}

bool platform_set_tls_base(uint64_t base)
{
    static int fsgsbase = -1;
    if (fsgsbase < 0)
        fsgsbase = have_fsgsbase();
    if (fsgsbase)
        __asm__ __volatile__("wrfsbase %0" : : "r"(base) : "memory");
    else
        virtio_cpl0_call(CPL0_SET_FS, base, 0, 0, 0, 0);
    return true;
}
