/* hvt_debug_kvm_x86_64.c: vCPU registers and exception interception. */

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "hvt_cpu_x86_64.h"
#include "hvt_debug.h"
#include "hvt_kvm.h"

/* The vCPU ioctls only the debugger needs, for the sandbox. */
const struct hvt_sandbox_rule hvt_debug_vcpu_rules[] = {
    { SYS_ioctl, true, KVM_SET_REGS, "gdb: write registers, resume" },
    { SYS_ioctl, true, KVM_GET_FPU, "gdb: read x87/SSE registers" },
    { SYS_ioctl, true, KVM_SET_FPU, "gdb: write x87/SSE registers" },
};
const unsigned hvt_debug_vcpu_nrules = HVT_RULES_COUNT(hvt_debug_vcpu_rules);

/*
 * The debugger's page, in the hole the layout leaves between the TSS and
 * the exception stack. Mapped for CPL0 only, read and execute: the guest
 * can neither see nor change it. It holds an IDT of 32 gates (exceptions;
 * a vector past them is a #GP, as with any short IDT), one stub per
 * vector, and an iretq the tender resumes the guest through.
 */
#define TRAP_PAGE      0x7000u
#define TRAP_NVEC      32u
#define TRAP_STUBS     (TRAP_PAGE + TRAP_NVEC * 16u)
#define TRAP_STUB_SIZE 8u
#define TRAP_IRETQ     (TRAP_STUBS + TRAP_NVEC * TRAP_STUB_SIZE)
/*
 * Each stub pushes its vector and writes to this port: a port below the
 * hypercall range, which the TSS I/O bitmap closes to CPL3 code, so only
 * CPL0 code (these stubs, or the guest's own handlers) can raise it.
 */
#define TRAP_PORT 0xdbu

/* Vectors for which the CPU pushes an error code. */
#define HAS_EC(v)                                                              \
    ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 ||         \
     (v) == 29 || (v) == 30)

/* Where the guest is stopped: before its first instruction, or in a stub. */
static struct {
    bool in_trap;
    unsigned vector;
    uint64_t frame;       /* guest address of the CPU's frame (RIP, CS, ...) */
    struct kvm_regs vcpu; /* the vCPU in the stub */
} stop;

static int vcpu_fd(struct hvt *hvt)
{
    return ((struct hvt_kvm *)hvt->backend)->vcpu_fd;
}

static void from_kvm(struct hvt_debug_regs *r, const struct kvm_regs *k,
                     const struct kvm_sregs *s)
{
    r->rax = k->rax, r->rbx = k->rbx, r->rcx = k->rcx, r->rdx = k->rdx;
    r->rsi = k->rsi, r->rdi = k->rdi, r->rbp = k->rbp, r->rsp = k->rsp;
    r->r8 = k->r8, r->r9 = k->r9, r->r10 = k->r10, r->r11 = k->r11;
    r->r12 = k->r12, r->r13 = k->r13, r->r14 = k->r14, r->r15 = k->r15;
    r->rip = k->rip, r->rflags = k->rflags;
    r->cs = s->cs.selector, r->ss = s->ss.selector;
    r->ds = s->ds.selector, r->es = s->es.selector;
    r->fs = s->fs.selector, r->gs = s->gs.selector;
    r->fs_base = s->fs.base, r->gs_base = s->gs.base;
    r->cr0 = s->cr0, r->cr2 = s->cr2, r->cr3 = s->cr3, r->cr4 = s->cr4;
    r->efer = s->efer;
}

static void to_kvm(struct kvm_regs *k, const struct hvt_debug_regs *r)
{
    k->rax = r->rax, k->rbx = r->rbx, k->rcx = r->rcx, k->rdx = r->rdx;
    k->rsi = r->rsi, k->rdi = r->rdi, k->rbp = r->rbp, k->rsp = r->rsp;
    k->r8 = r->r8, k->r9 = r->r9, k->r10 = r->r10, k->r11 = r->r11;
    k->r12 = r->r12, k->r13 = r->r13, k->r14 = r->r14, k->r15 = r->r15;
    k->rip = r->rip, k->rflags = r->rflags;
}

int hvt_debug_vcpu_regs(struct hvt *hvt, struct hvt_debug_regs *r)
{
    struct kvm_regs k;
    struct kvm_sregs s;

    if (ioctl(vcpu_fd(hvt), KVM_GET_REGS, &k) < 0 ||
        ioctl(vcpu_fd(hvt), KVM_GET_SREGS, &s) < 0)
        return -1;
    from_kvm(r, &k, &s);
    return 0;
}

int hvt_debug_get_fpu(struct hvt *hvt, struct hvt_debug_fpu *f)
{
    struct kvm_fpu k;

    if (ioctl(vcpu_fd(hvt), KVM_GET_FPU, &k) < 0)
        return -1;
    memcpy(f->st, k.fpr, sizeof f->st);
    f->fcw = k.fcw, f->fsw = k.fsw, f->fop = k.last_opcode;
    f->ftwx = k.ftwx, f->fip = k.last_ip, f->fdp = k.last_dp;
    memcpy(f->xmm, k.xmm, sizeof f->xmm);
    f->mxcsr = k.mxcsr;
    return 0;
}

int hvt_debug_set_fpu(struct hvt *hvt, const struct hvt_debug_fpu *f)
{
    struct kvm_fpu k;

    if (ioctl(vcpu_fd(hvt), KVM_GET_FPU, &k) < 0)
        return -1;
    memcpy(k.fpr, f->st, sizeof f->st);
    k.fcw = f->fcw, k.fsw = f->fsw, k.last_opcode = f->fop;
    k.ftwx = f->ftwx, k.last_ip = f->fip, k.last_dp = f->fdp;
    memcpy(k.xmm, f->xmm, sizeof f->xmm);
    k.mxcsr = f->mxcsr;
    return ioctl(vcpu_fd(hvt), KVM_SET_FPU, &k);
}

int hvt_debug_frame_regs(struct hvt *hvt, uint64_t core,
                         struct hvt_debug_regs *r, unsigned *vector)
{
    struct hvt_trap_frame tf;

    if (hvt_debug_vcpu_regs(hvt, r) < 0)
        return -1;
    if (core & 7 || core >= hvt->mem_size || sizeof tf > hvt->mem_size - core)
        return -1;
    memcpy(&tf, hvt->mem + core, sizeof tf);
    r->rax = tf.rax, r->rbx = tf.rbx, r->rcx = tf.rcx, r->rdx = tf.rdx;
    r->rsi = tf.rsi, r->rdi = tf.rdi, r->rbp = tf.rbp, r->rsp = tf.rsp;
    r->r8 = tf.r8, r->r9 = tf.r9, r->r10 = tf.r10, r->r11 = tf.r11;
    r->r12 = tf.r12, r->r13 = tf.r13, r->r14 = tf.r14, r->r15 = tf.r15;
    r->rip = tf.rip, r->rflags = tf.rflags;
    r->cs = tf.cs & 0xffff, r->ss = tf.ss & 0xffff, r->cr2 = tf.cr2;
    *vector = (unsigned)tf.vector;
    return 0;
}

/* ---- exception interception ------------------------------------------ */

#define PTE_P    1ull
#define PTE_PS   (1ull << 7)
#define PTE_ADDR 0x000ffffffffff000ull

/* Maps the trap page for CPL0, read and execute, in the tender's tables. */
static void map_trap_page(struct hvt *hvt)
{
    uint64_t table = X86_PT_BASE;

    for (int level = 3; level > 0; level--) {
        uint64_t *e = hvt_gpa(hvt, table, 4096);
        uint64_t pte = e[(TRAP_PAGE >> (12 + 9 * level)) & 511];
        if (!(pte & PTE_P) || (pte & PTE_PS))
            tender_die("gdb: the low guest pages are not mapped as expected");
        table = pte & PTE_ADDR;
    }
    uint64_t *pt = hvt_gpa(hvt, table, 4096);
    uint64_t *e = &pt[(TRAP_PAGE >> 12) & 511];
    if (*e & PTE_P)
        tender_die("gdb: guest page 0x%x is already in use", TRAP_PAGE);
    *e = TRAP_PAGE | PTE_P; /* not writable, not user, executable */
}

void hvt_debug_traps_init(struct hvt *hvt)
{
    uint8_t *page = hvt_gpa(hvt, TRAP_PAGE, 4096);

    map_trap_page(hvt);
    memset(page, 0xcc, 4096);
    for (unsigned v = 0; v < TRAP_NVEC; v++) {
        uint64_t off = TRAP_STUBS + v * TRAP_STUB_SIZE;
        uint8_t *g = page + v * 16;
        memset(g, 0, 16);
        g[0] = off & 0xff, g[1] = (off >> 8) & 0xff;
        g[2] = HVT_GDT_KERNEL_CS, g[3] = 0;
        g[4] = 0; /* IST: the TSS's RSP0 stack */
        /*
         * Present interrupt gates, DPL 0, but #BP's is DPL 3: an int3 at
         * CPL3 through a DPL 0 gate raises #GP instead.
         */
        g[5] = v == 3 ? 0xee : 0x8e;
        g[6] = (off >> 16) & 0xff, g[7] = (off >> 24) & 0xff;
        uint8_t *s = page + (off - TRAP_PAGE);
        s[0] = 0x6a, s[1] = (uint8_t)v; /* push $v */
        s[2] = 0xe6, s[3] = TRAP_PORT;  /* out %al, $TRAP_PORT */
        s[4] = 0x0f, s[5] = 0x0b;       /* ud2: never reached */
    }
    uint8_t *iret = page + (TRAP_IRETQ - TRAP_PAGE);
    iret[0] = 0x48, iret[1] = 0xcf; /* iretq */

    struct kvm_sregs s;
    if (ioctl(vcpu_fd(hvt), KVM_GET_SREGS, &s) < 0)
        tender_die("gdb: KVM_GET_SREGS: %s", strerror(errno));
    s.idt.base = TRAP_PAGE;
    s.idt.limit = TRAP_NVEC * 16 - 1;
    if (ioctl(vcpu_fd(hvt), KVM_SET_SREGS, &s) < 0)
        tender_die("gdb: KVM_SET_SREGS: %s", strerror(errno));
}

bool hvt_debug_trap(struct hvt *hvt, unsigned port, unsigned *vector,
                    struct hvt_debug_regs *r)
{
    struct kvm_sregs s;

    if (port != TRAP_PORT)
        return false;
    if (ioctl(vcpu_fd(hvt), KVM_GET_REGS, &stop.vcpu) < 0 ||
        ioctl(vcpu_fd(hvt), KVM_GET_SREGS, &s) < 0)
        hvt_guest_fault(hvt, "gdb: reading the vCPU: %s", strerror(errno));
    /* The stub's push, then the CPU's frame; read through the checks. */
    uint64_t *v = hvt_gpa(hvt, stop.vcpu.rsp, 8);
    if (*v >= TRAP_NVEC)
        hvt_guest_fault(hvt, "gdb: exception port written outside a trap");
    stop.vector = (unsigned)*v;
    stop.frame = stop.vcpu.rsp + 8 + (HAS_EC(stop.vector) ? 8 : 0);
    uint64_t *f = hvt_gpa(hvt, stop.frame, 5 * 8);
    stop.in_trap = true;

    from_kvm(r, &stop.vcpu, &s);
    r->rip = f[0], r->cs = f[1] & 0xffff, r->rflags = f[2];
    r->rsp = f[3], r->ss = f[4] & 0xffff;
    *vector = stop.vector;
    return true;
}

void hvt_debug_resume(struct hvt *hvt, const struct hvt_debug_regs *r)
{
    struct kvm_regs k;

    if (stop.in_trap) {
        /* The stub's iretq returns to R's RIP, RSP and RFLAGS. */
        uint64_t *f = hvt_gpa(hvt, stop.frame, 5 * 8);
        f[0] = r->rip, f[2] = r->rflags, f[3] = r->rsp;
        k = stop.vcpu;
        to_kvm(&k, r);
        k.rip = TRAP_IRETQ;
        k.rsp = stop.frame;
        k.rflags = stop.vcpu.rflags;
        stop.in_trap = false;
    } else {
        if (ioctl(vcpu_fd(hvt), KVM_GET_REGS, &k) < 0)
            hvt_guest_fault(hvt, "gdb: KVM_GET_REGS: %s", strerror(errno));
        to_kvm(&k, r);
    }
    if (ioctl(vcpu_fd(hvt), KVM_SET_REGS, &k) < 0)
        hvt_guest_fault(hvt, "gdb: KVM_SET_REGS: %s", strerror(errno));
}

void hvt_debug_reflect(struct hvt *hvt)
{
    if (!stop.in_trap)
        return;
    /* The gate of the normal IDT (the tender wrote it: hvt_cpu_x86_64.c). */
    const uint8_t *g = hvt_gpa(hvt, hvt->idt + stop.vector * 16, 16);
    if (!(g[5] & 0x80))
        hvt_guest_fault(hvt,
                        "guest exception %u with no handler (a triple "
                        "fault)",
                        stop.vector);
    uint64_t off = (uint64_t)g[0] | (uint64_t)g[1] << 8 | (uint64_t)g[6] << 16 |
                   (uint64_t)g[7] << 24 | (uint64_t)g[8] << 32 |
                   (uint64_t)g[9] << 40 | (uint64_t)g[10] << 48 |
                   (uint64_t)g[11] << 56;
    /* The CPU's frame (with its error code) stays: only the push goes. */
    struct kvm_regs k = stop.vcpu;
    k.rip = off;
    k.rsp = stop.vcpu.rsp + 8;
    stop.in_trap = false;
    if (ioctl(vcpu_fd(hvt), KVM_SET_REGS, &k) < 0)
        hvt_guest_fault(hvt, "gdb: KVM_SET_REGS: %s", strerror(errno));
}
