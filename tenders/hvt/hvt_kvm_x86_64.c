/* hvt_kvm_x86_64.c: the vCPU on Linux/KVM x86_64: its state and run loop. */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "hvt.h"
#include "hvt_cpu_x86_64.h"
#include "hvt_kvm.h"

/* Gives the vCPU what the host's KVM supports; returns CPUID.7.0:EBX. */
static uint32_t setup_cpuid(struct hvt_kvm *k)
{
    unsigned n = 64;
    struct kvm_cpuid2 *c;

    for (;;) {
        c = calloc(1, sizeof *c + n * sizeof c->entries[0]);
        if (c == NULL)
            tender_die("out of memory");
        c->nent = n;
        if (ioctl(k->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
            break;
        if (errno != E2BIG)
            tender_die("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
        free(c);
        n *= 2;
    }
    uint32_t leaf7_ebx = 0;
    for (unsigned i = 0; i < c->nent; i++) {
        if (c->entries[i].function == 7 && c->entries[i].index == 0)
            leaf7_ebx = c->entries[i].ebx;
    }
    if (ioctl(k->vcpu_fd, KVM_SET_CPUID2, c) < 0)
        tender_die("KVM_SET_CPUID2: %s", strerror(errno));
    free(c);
    return leaf7_ebx;
}

static void setup_sregs(struct hvt *hvt, struct hvt_kvm *k, uint32_t leaf7_ebx)
{
    struct kvm_sregs sr;

    if (ioctl(k->vcpu_fd, KVM_GET_SREGS, &sr) < 0)
        tender_die("KVM_GET_SREGS: %s", strerror(errno));

    /* The guest starts in 64-bit mode at CPL3: its code never runs at
     * CPL0, where some hypervisors (PVM) can only emulate it. */
    struct kvm_segment code = {
        .base = 0,
        .limit = 0xffffffff,
        .selector = HVT_GDT_USER_CS,
        .type = X86_64_SEG_CODE_XR,
        .present = 1,
        .dpl = 3,
        .db = 0,
        .s = 1,
        .l = 1,
        .g = 1,
    };
    struct kvm_segment data = {
        .base = 0,
        .limit = 0xffffffff,
        .selector = HVT_GDT_USER_DS,
        .type = X86_64_SEG_DATA_RW,
        .present = 1,
        .dpl = 3,
        .db = 1,
        .s = 1,
        .l = 0,
        .g = 1,
    };
    struct kvm_segment tr = {
        .base = X86_TSS_BASE,
        .limit = X86_TSS_LIMIT,
        .selector = HVT_GDT_TSS,
        .type = X86_64_SYS_TSS_BUSY,
        .present = 1,
        .s = 0,
    };
    struct kvm_segment ldt = {
        .selector = 0, .type = X86_64_SYS_LDT, .present = 1, .unusable = 1
    };
    sr.cs = code;
    sr.ds = sr.es = sr.fs = sr.gs = sr.ss = data;
    sr.tr = tr;
    sr.ldt = ldt;
    sr.gdt.base = X86_GDT_BASE;
    sr.gdt.limit = X86_GDT_ENTRIES * 8 - 1;
    sr.idt.base = X86_IDT_BASE;
    sr.idt.limit = X86_IDT_VECTORS * 16 - 1;
    sr.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP |
             X86_CR0_PG;
    sr.cr3 = X86_PT_BASE;
    sr.cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
    if (hvt->cpu_features & HVT_CPU_FSGSBASE)
        sr.cr4 |= X86_CR4_FSGSBASE;
    /*
     * CPL0 never executes or reads user pages: the only CPL0 code is the
     * tender's trap entry code, in a supervisor page, and it touches only
     * the supervisor exception stack. Where the vCPU can enforce that
     * (SMEP, SMAP), it does, so a bug there could not be turned against
     * the guest's own protections.
     */
    if (leaf7_ebx & X86_CPUID7_EBX_SMEP)
        sr.cr4 |= X86_CR4_SMEP;
    if (leaf7_ebx & X86_CPUID7_EBX_SMAP)
        sr.cr4 |= X86_CR4_SMAP;
    sr.efer = X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE;
    if (ioctl(k->vcpu_fd, KVM_SET_SREGS, &sr) < 0)
        tender_die("KVM_SET_SREGS: %s", strerror(errno));
}

static void hc_set_tls_base(struct hvt *hvt, uint64_t gpa)
{
    struct hvt_kvm *k = hvt->backend;
    struct hvt_hc_tls *a = HVT_ARGS(hvt, gpa, struct hvt_hc_tls);
    struct kvm_sregs sr;
    uint64_t top = a->base >> 47;

    if (top != 0 && top != 0x1ffff) {
        a->ret = HVT_EINVAL;
        return;
    }
    if (ioctl(k->vcpu_fd, KVM_GET_SREGS, &sr) < 0)
        hvt_guest_fault(hvt, "KVM_GET_SREGS: %s", strerror(errno));
    sr.fs.base = a->base;
    if (ioctl(k->vcpu_fd, KVM_SET_SREGS, &sr) < 0)
        hvt_guest_fault(hvt, "KVM_SET_SREGS: %s", strerror(errno));
    a->ret = HVT_OK;
}

void hvt_vcpu_init(struct hvt *hvt, uint64_t *tsc_khz)
{
    struct hvt_kvm *k = hvt->backend;

    k->vcpu_fd = ioctl(k->vm_fd, KVM_CREATE_VCPU, 0);
    if (k->vcpu_fd < 0)
        tender_die("cannot create a vCPU: %s", strerror(errno));
    k->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
                  k->vcpu_fd, 0);
    if (k->run == MAP_FAILED)
        tender_die("cannot map the vCPU's run structure: %s", strerror(errno));

    uint32_t leaf7_ebx = setup_cpuid(k);
    if (leaf7_ebx & X86_CPUID7_EBX_FSGSBASE)
        hvt->cpu_features |= HVT_CPU_FSGSBASE;
    hvt_register_hypercall(hvt, HVT_HYPERCALL_SET_TLS_BASE, hc_set_tls_base);
    setup_sregs(hvt, k, leaf7_ebx);

    struct kvm_regs regs = {
        .rip = hvt->img.entry,
        .rsp = hvt->stack_top,
        .rdi = HVT_BOOT_INFO_BASE,
        .rflags = X86_RFLAGS_RESERVED, /* IOPL 0: see the TSS I/O bitmap */
    };
    if (ioctl(k->vcpu_fd, KVM_SET_REGS, &regs) < 0)
        tender_die("KVM_SET_REGS: %s", strerror(errno));

    int khz = ioctl(k->vcpu_fd, KVM_GET_TSC_KHZ, 0);
    if (khz <= 0)
        tender_die("cannot read the TSC frequency (KVM_GET_TSC_KHZ): %s",
                   strerror(errno));
    *tsc_khz = (uint64_t)khz;

    /* While the guest runs, SIGINT and SIGTERM interrupt KVM_RUN. */
    const sigset_t *mask = hvt_signals_run_mask();
    struct kvm_signal_mask *sm = calloc(1, sizeof *sm + sizeof(uint64_t));
    if (sm == NULL)
        tender_die("out of memory");
    sm->len = 8; /* the kernel's sigset_t */
    memcpy(sm->sigset, mask, 8);
    if (ioctl(k->vcpu_fd, KVM_SET_SIGNAL_MASK, sm) < 0)
        tender_die("KVM_SET_SIGNAL_MASK: %s", strerror(errno));
    free(sm);
}

static uint64_t guest_rip(struct hvt_kvm *k)
{
    struct kvm_regs regs;

    if (ioctl(k->vcpu_fd, KVM_GET_REGS, &regs) < 0)
        return 0;
    return regs.rip;
}

/*
 * The trap entry code's OUT (see hvt_cpu_x86_64.c): the vCPU must be at
 * CPL0 (the TSS I/O bitmap keeps CPL3 off the port; checked anyway) with
 * its stack pointer at the trap frame, inside the exception stack.
 */
static void handle_trap(struct hvt *hvt, struct hvt_kvm *k)
{
    struct kvm_regs regs;
    struct kvm_sregs sr;

    if (ioctl(k->vcpu_fd, KVM_GET_REGS, &regs) < 0 ||
        ioctl(k->vcpu_fd, KVM_GET_SREGS, &sr) < 0)
        hvt_guest_fault(hvt, "reading the vCPU at a trap: %s", strerror(errno));
    if ((sr.cs.selector & 3) != 0 || regs.rsp < X86_KSTACK_BASE ||
        regs.rsp > X86_KSTACK_TOP - sizeof(struct hvt_trap_frame))
        hvt_guest_fault(hvt,
                        "trap port written outside a trap (cs=0x%x "
                        "rsp=0x%llx) at rip=0x%llx",
                        sr.cs.selector, (unsigned long long)regs.rsp,
                        (unsigned long long)regs.rip);
    hvt_cpu_trap(hvt, regs.rsp);
}

static void handle_io(struct hvt *hvt, struct hvt_kvm *k)
{
    struct kvm_run *run = k->run;
    unsigned port = run->io.port;
    unsigned nr = port - HVT_HYPERCALL_PIO_BASE;

    if (port == X86_TRAP_PORT && run->io.direction == KVM_EXIT_IO_OUT)
        handle_trap(hvt, k);
    if (port < HVT_HYPERCALL_PIO_BASE && hvt->debug_port &&
        run->io.direction == KVM_EXIT_IO_OUT && hvt->debug_port(hvt, port))
        return;
    bool hypercall_shaped = run->io.direction == KVM_EXIT_IO_OUT &&
                            run->io.size == 4 && run->io.count == 1 &&
                            port >= HVT_HYPERCALL_PIO_BASE;
    if (!hypercall_shaped || nr >= HVT_HYPERCALL_MAX ||
        hvt->hypercall[nr] == NULL) {
        if (hypercall_shaped)
            hvt_guest_fault(hvt, "unknown hypercall %u at rip=0x%llx", nr,
                            (unsigned long long)guest_rip(k));
        hvt_guest_fault(hvt,
                        "port I/O the tender does not serve: %s port 0x%x "
                        "(%u bytes) at rip=0x%llx",
                        run->io.direction == KVM_EXIT_IO_OUT ? "out to"
                                                             : "in from",
                        port, run->io.size, (unsigned long long)guest_rip(k));
    }
    uint32_t gpa;
    memcpy(&gpa, (uint8_t *)run + run->io.data_offset, sizeof gpa);
    hvt->hypercall[nr](hvt, gpa);
}

void hvt_vcpu_loop(struct hvt *hvt)
{
    struct hvt_kvm *k = hvt->backend;

    for (;;) {
        if (ioctl(k->vcpu_fd, KVM_RUN, 0) < 0) {
            if (errno != EINTR && errno != EAGAIN)
                hvt_guest_fault(hvt, "KVM_RUN: %s", strerror(errno));
            if (hvt_signal_pending())
                hvt_exit(hvt, 128 + hvt_signal_pending());
            continue;
        }
        switch (k->run->exit_reason) {
        case KVM_EXIT_IO:
            handle_io(hvt, k);
            break;
        case KVM_EXIT_INTR:
            if (hvt_signal_pending())
                hvt_exit(hvt, 128 + hvt_signal_pending());
            break;
        case KVM_EXIT_MMIO:
            hvt_guest_fault(hvt,
                            "guest %s at 0x%llx, outside its memory, at "
                            "rip=0x%llx",
                            k->run->mmio.is_write ? "write" : "read",
                            (unsigned long long)k->run->mmio.phys_addr,
                            (unsigned long long)guest_rip(k));
        case KVM_EXIT_SHUTDOWN:
            hvt_guest_fault(hvt,
                            "guest triple fault (its exception handling "
                            "failed) at rip=0x%llx",
                            (unsigned long long)guest_rip(k));
        case KVM_EXIT_HLT:
            hvt_guest_fault(hvt, "guest halted the CPU at rip=0x%llx",
                            (unsigned long long)guest_rip(k));
        case KVM_EXIT_FAIL_ENTRY:
            hvt_guest_fault(hvt,
                            "KVM could not enter the guest (reason "
                            "0x%llx)",
                            (unsigned long long)k->run->fail_entry
                                .hardware_entry_failure_reason);
        case KVM_EXIT_INTERNAL_ERROR:
            hvt_guest_fault(hvt,
                            "KVM internal error (suberror %u) at "
                            "rip=0x%llx",
                            k->run->internal.suberror,
                            (unsigned long long)guest_rip(k));
        default:
            hvt_guest_fault(hvt, "unexpected KVM exit %u at rip=0x%llx",
                            k->run->exit_reason,
                            (unsigned long long)guest_rip(k));
        }
    }
}
