/*
 * x86_64_traps.h: the names of the x86_64 exception vectors, as the ABORT
 * lines of every target print them: the bindings' own trap handler
 * (bindings/common/trap_x86_64.c, for virtio) and the hvt tender's report
 * of a guest's fatal exception (tenders/hvt/hvt_cpu_x86_64.c). Used to
 * build the bindings and the tender; not installed.
 */

#ifndef X86_64_TRAPS_H_INCLUDED
#define X86_64_TRAPS_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

/* The name of exception VECTOR ("#PF page fault"), or "unexpected interrupt".
 */
static inline const char *x86_64_trap_name(uint64_t vector)
{
    static const char *const names[32] = {
        [0] = "#DE divide error",
        [1] = "#DB debug",
        [2] = "NMI",
        [3] = "#BP breakpoint",
        [4] = "#OF overflow",
        [5] = "#BR bound range",
        [6] = "#UD invalid opcode",
        [7] = "#NM device not available",
        [8] = "#DF double fault",
        [10] = "#TS invalid TSS",
        [11] = "#NP segment not present",
        [12] = "#SS stack fault",
        [13] = "#GP general protection",
        [14] = "#PF page fault",
        [16] = "#MF x87 floating point",
        [17] = "#AC alignment check",
        [18] = "#MC machine check",
        [19] = "#XM SIMD floating point",
        [20] = "#VE virtualization",
        [21] = "#CP control protection",
    };
    const char *name = vector < 32 ? names[vector] : NULL;

    return name != NULL ? name : "unexpected interrupt";
}

#endif /* X86_64_TRAPS_H_INCLUDED */
