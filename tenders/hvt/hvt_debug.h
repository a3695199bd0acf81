/*
 * hvt_debug.h: what solo5-hvt-debug's modules (gdb, dumpcore) need from the
 * host backend and the architecture: the vCPU's registers, and a way to
 * see every exception the guest takes before the guest does.
 *
 * Only solo5-hvt-debug links the files behind this interface
 * (hvt_debug_kvm_x86_64.c); the production tender has none of it.
 */

#ifndef HVT_DEBUG_H_INCLUDED
#define HVT_DEBUG_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>

#include "hvt.h"

/* The guest's CPU state as a debugger or a core file shows it. */
struct hvt_debug_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags;
    uint64_t cs, ss, ds, es, fs, gs; /* selectors */
    uint64_t fs_base, gs_base;
    uint64_t cr0, cr2, cr3, cr4, efer;
};

/* The x87/SSE state, in the layout of the FXSAVE area's fields. */
struct hvt_debug_fpu {
    uint8_t st[8][16]; /* 80-bit registers, 10 bytes used */
    uint16_t fcw, fsw, fop;
    uint8_t ftwx; /* abridged tag word: bit I set = register I in use */
    uint64_t fip, fdp;
    uint8_t xmm[16][16];
    uint32_t mxcsr;
};

/* The x86_64 RFLAGS trap flag: single step. */
#define HVT_DEBUG_RFLAGS_TF (1ull << 8)

/*
 * Reads the vCPU's registers as they are now. Returns 0, or -1 with errno
 * set (a KVM ioctl failed).
 */
/* The vCPU ioctls the debugger needs beyond the tender's, for the sandbox. */
extern const struct hvt_sandbox_rule hvt_debug_vcpu_rules[];
extern const unsigned hvt_debug_vcpu_nrules;

int hvt_debug_vcpu_regs(struct hvt *hvt, struct hvt_debug_regs *r);

/* The same for the x87/SSE state. */
int hvt_debug_get_fpu(struct hvt *hvt, struct hvt_debug_fpu *f);
int hvt_debug_set_fpu(struct hvt *hvt, const struct hvt_debug_fpu *f);

/*
 * Fills R from a trap frame the guest's own trap stubs saved (the CORE
 * argument of HALT), with the segment and control registers from the
 * vCPU, and *VECTOR with the exception's number. Returns 0, or -1 if CORE
 * is not a trap frame inside guest memory.
 */
int hvt_debug_frame_regs(struct hvt *hvt, uint64_t core,
                         struct hvt_debug_regs *r, unsigned *vector);

/* ---- core files' architecture part (hvt_dumpcore_x86_64.c) ---------- */

/* The ELF e_machine of a core file of this guest. */
extern const unsigned hvt_dumpcore_machine;

/*
 * Writes the NT_PRSTATUS descriptor (the Linux layout gdb reads registers
 * from) for registers R, signal SIGNO and process PID into BUF, which has
 * SIZE bytes. Returns its length, 0 if SIZE is too small.
 */
size_t hvt_dumpcore_prstatus(void *buf, size_t size,
                             const struct hvt_debug_regs *r, int signo,
                             int pid);

/*
 * The same for NT_PRPSINFO: process PID, its name FNAME and command line
 * ARGS (both truncated to fit).
 */
size_t hvt_dumpcore_prpsinfo(void *buf, size_t size, int pid, const char *fname,
                             const char *args);

/* The Linux signal a fatal exception VECTOR stands for in a core file. */
int hvt_dumpcore_signal(unsigned vector);

/*
 * Exception interception. hvt_debug_traps_init() (before the sandbox,
 * once guest memory and the vCPU exist) points the vCPU's IDT at a
 * tender-owned table in a supervisor-only page of guest memory whose
 * handlers exit to the tender (hvt->debug_port) instead of entering the
 * guest: so breakpoints (int3) and single steps (RFLAGS.TF) are seen by
 * the debugger on any x86_64 KVM, with or without KVM_SET_GUEST_DEBUG
 * support (PVM has none that works). Exceptions the debugger does not
 * want are passed on to the gates of the normal IDT (hvt_debug_reflect()):
 * the tender's trap entry code, which reports them (hvt_cpu_x86_64.c).
 */
void hvt_debug_traps_init(struct hvt *hvt);

/*
 * Called from hvt->debug_port. Returns false if PORT is not the traps'
 * port. Else the guest is stopped at an exception: *VECTOR is its number
 * and R the guest's registers when it was raised (RIP at the faulting
 * instruction, or after an int3 or a single step).
 */
bool hvt_debug_trap(struct hvt *hvt, unsigned port, unsigned *vector,
                    struct hvt_debug_regs *r);

/*
 * Resumes the guest with registers R (general registers, RIP, RSP, RFLAGS:
 * the rest is not writable), from the exception it is stopped at or, before
 * its first instruction, from there. Ends the guest if KVM refuses.
 */
void hvt_debug_resume(struct hvt *hvt, const struct hvt_debug_regs *r);

/*
 * Passes the exception the guest is stopped at on to the normal IDT's
 * handler, as the CPU would have. Ends the guest (as a triple fault would)
 * if it has none.
 */
void hvt_debug_reflect(struct hvt *hvt);

#endif /* HVT_DEBUG_H_INCLUDED */
