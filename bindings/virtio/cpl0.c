/* cpl0.c: what the virtio binding does at CPL0: setup, idle waits, halting. */

/*
 * CPL3 asks for these by executing the ud2 at virtio_cpl0_call_insn
 * (boot.S); the #UD reaches cpu_trap_handler() at CPL0, which offers it
 * to platform_trap() first. On PVM every instruction here is emulated, so
 * each operation is short, and the idle wait halts instead of spinning.
 * Interrupts (vectors 32 and up) arrive only while a wait has them
 * enabled, also through platform_trap().
 */

#include "platform.h"

extern const char virtio_cpl0_call_insn[];

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ __volatile__("wrmsr"
                         :
                         : "c"(msr), "a"((uint32_t)v),
                           "d"((uint32_t)(v >> 32)));
}

void cpl0_halt(void)
{
    for (;;)
        __asm__ __volatile__("cli; hlt");
}

/*
 * Once only, at boot: afterwards the application, which shares CPL3 with
 * the binding, must not be able to load page tables or MSRs of its own.
 * So the flag that says it is done lives in the CPL0-only region: were it
 * in ordinary memory, one stray write by the application would clear it,
 * and a second request could load the application's own page tables (or
 * an LSTAR of its choosing). Global only so that tests/virtio-cpl0 can
 * try exactly that.
 */
bool virtio_cpl0_setup_done __attribute__((section(".bss.cpl0")));

static uint64_t op_setup(const struct cpl0_setup *s)
{
    if (virtio_cpl0_setup_done)
        return 1;
    virtio_cpl0_setup_done = true;
    for (unsigned i = 0; i < 2; i++) {
        if (s->msr[i] != 0)
            wrmsr(s->msr[i], s->val[i]);
    }
    /* Loading CR3 also flushes every translation of the boot tables. */
    __asm__ __volatile__("mov %0, %%cr3" : : "r"(s->cr3) : "memory");
    return 0;
}

void cpl0_power_off(void)
{
    if (!bindings_quiet)
        log_printf("Solo5: power button pressed, powering off\n");
    platform_exit(SOLO5_EXIT_SUCCESS, NULL);
}

/* Poll at least this often when a device cannot interrupt us. */
#define POLL_NS 1000000ULL

static uint64_t op_wait(const struct cpl0_wait *w)
{
    bool poll = devices_need_polling(w->handles);
    for (;;) {
        if (acpi_power_button_pressed())
            cpl0_power_off();
        if (devices_input_pending(w->handles) || intr_pending())
            return 1;
        uint64_t now = clock_now();
        if (now >= w->deadline)
            return 0;
        uint64_t left = w->deadline - now;
        if (poll && left > POLL_NS)
            left = POLL_NS;
        intr_timer_arm(left);
        /* sti takes effect after hlt starts, so no wake-up is lost. */
        __asm__ __volatile__("sti; hlt; cli" ::: "memory");
    }
}

bool platform_trap(struct cpu_trap_frame *tf)
{
    if (tf->vector >= VEC_IRQ_BASE)
        return intr_handle(tf->vector);
    if (tf->vector != VEC_UD || (tf->cs & 3) != 3 ||
        tf->rip != (uintptr_t)virtio_cpl0_call_insn)
        return false;
    uint64_t r = 0;
    /* The argument structures must be the application's memory. */
    bool arg_ok = mem_dma_ok((const void *)(uintptr_t)tf->rsi,
                             tf->rdi == CPL0_SETUP ? sizeof(struct cpl0_setup)
                                                   : sizeof(struct cpl0_wait),
                             false);
    if ((tf->rdi == CPL0_SETUP || tf->rdi == CPL0_WAIT) && !arg_ok)
        return false;
    switch (tf->rdi) {
    case CPL0_SETUP:
        r = op_setup((const struct cpl0_setup *)(uintptr_t)tf->rsi);
        break;
    case CPL0_WAIT:
        r = op_wait((const struct cpl0_wait *)(uintptr_t)tf->rsi);
        break;
    case CPL0_SET_FS:
        wrmsr(MSR_FS_BASE, tf->rsi);
        break;
    case CPL0_HALT:
        cpl0_halt();
    default:
        return false;
    }
    tf->rax = r;
    tf->rip += 2; /* past the ud2 */
    return true;
}
