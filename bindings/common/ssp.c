/* ssp.c: the stack protector's canary and its failure handler. */

#include "bindings.h"

/*
 * Code is built with -mstack-protector-guard=global, so the canary is this
 * variable rather than a slot in the TLS block (which the application
 * owns). It starts non-zero so code that runs before ssp_init() is still
 * checked against something.
 */
uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ULL;

void __stack_chk_fail(void) __attribute__((noreturn));

static bool cpu_has_rdrand(void)
{
    uint32_t a = 1, b, c = 0, d;

    __asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return (c >> 30) & 1;
}

void ssp_init(void)
{
    uint64_t r = 0;

    if (cpu_has_rdrand()) {
        /* rdrand may transiently fail; a few tries are enough. */
        for (int i = 0; i < 10; i++) {
            uint8_t ok;
            __asm__ __volatile__("rdrand %0; setc %1" : "=r"(r), "=qm"(ok));
            if (ok)
                break;
            r = 0;
        }
    }
    /* Mix in the TSC so a missing rdrand still gives a varying value. */
    r ^= cpu_rdtsc() * 0x9e3779b97f4a7c15ULL;
    /* A zero low byte stops string overflows from reproducing it. */
    __stack_chk_guard = r & ~(uintptr_t)0xff;
}

__attribute__((optimize("no-stack-protector"))) void __stack_chk_fail(void)
{
    static const char msg[] = "Solo5: ABORT: stack smashing detected\n";

    platform_puts(msg, sizeof msg - 1);
    platform_exit(SOLO5_EXIT_ABORT, NULL);
}
