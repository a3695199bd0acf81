/* trap_x86_64.c: the IDT and the report of fatal exceptions (at CPL3). */

#include "bindings.h"
#include "x86_64_traps.h"

extern const char cpu_trap_stubs[];

/* A 64-bit interrupt gate. */
struct idt_gate {
    uint16_t off_lo;
    uint16_t sel;
    uint8_t ist;
    uint8_t type_attr; /* P=1, DPL=0, type 0xe (interrupt gate) */
    uint16_t off_mid;
    uint32_t off_hi;
    uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate is 16 bytes");

void cpu_idt_init(void *idt, uint16_t cs)
{
    struct idt_gate *g = idt;

    for (unsigned v = 0; v < 256; v++) {
        uint64_t off = (uintptr_t)cpu_trap_stubs + 16 * v;
        g[v] = (struct idt_gate){
            .off_lo = off & 0xffff,
            .sel = cs,
            .ist = 0,
            .type_attr = 0x8e,
            .off_mid = (off >> 16) & 0xffff,
            .off_hi = (uint32_t)(off >> 32),
        };
    }
}

char cpu_report_stack[CPU_REPORT_STACK_SIZE] __attribute__((aligned(16)));

void cpu_trap_report(struct cpu_trap_frame *tf)
{
    const char *name = x86_64_trap_name(tf->vector);
    if (tf->vector == 14) {
        log_printf("Solo5: ABORT: %s at rip=0x%lx: %s access to 0x%lx "
                   "(error 0x%lx)\n",
                   name, (unsigned long)tf->rip,
                   (tf->error_code & 0x10)  ? "execute"
                   : (tf->error_code & 0x2) ? "write"
                                            : "read",
                   (unsigned long)tf->cr2, (unsigned long)tf->error_code);
    } else {
        log_printf("Solo5: ABORT: %s (vector %lu) at rip=0x%lx, "
                   "error 0x%lx\n",
                   name, (unsigned long)tf->vector, (unsigned long)tf->rip,
                   (unsigned long)tf->error_code);
    }
    log_printf("Solo5: ABORT: registers rsp=0x%lx rbp=0x%lx rflags=0x%lx "
               "rax=0x%lx rbx=0x%lx rcx=0x%lx rdx=0x%lx rsi=0x%lx "
               "rdi=0x%lx\n",
               (unsigned long)tf->rsp, (unsigned long)tf->rbp,
               (unsigned long)tf->rflags, (unsigned long)tf->rax,
               (unsigned long)tf->rbx, (unsigned long)tf->rcx,
               (unsigned long)tf->rdx, (unsigned long)tf->rsi,
               (unsigned long)tf->rdi);
    platform_exit(SOLO5_EXIT_ABORT, tf);
}
