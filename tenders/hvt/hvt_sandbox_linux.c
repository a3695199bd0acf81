/* hvt_sandbox_linux.c: the seccomp allow-list installed before the guest runs.
 */

#include <errno.h>
#include <linux/kvm.h>
#include <seccomp.h>
#include <string.h>
#include <sys/syscall.h>

#include "hvt.h"

void hvt_sandbox_allow_fd(struct hvt *hvt, int fd,
                          const struct hvt_sandbox_rule *rules, unsigned nrules)
{
    size_t max = sizeof hvt->sandbox_fd / sizeof hvt->sandbox_fd[0];

    if (hvt->nsandbox_fd == max)
        tender_die("sandbox: too many descriptors");
    hvt->sandbox_fd[hvt->nsandbox_fd].fd = fd;
    hvt->sandbox_fd[hvt->nsandbox_fd].rules = rules;
    hvt->sandbox_fd[hvt->nsandbox_fd].nrules = nrules;
    hvt->nsandbox_fd++;
}

/*
 * The core's allow-list, one system call per line with the reason it is
 * needed; each module adds the lines for its own descriptors (see
 * hvt_sandbox_allow_fd() calls in hvt_module_*.c). Arguments are pinned
 * where possible: the vCPU and an ioctl request, a file descriptor.
 * Everything else kills the process.
 */
#define ANY_FD -1
static const struct {
    struct hvt_sandbox_rule r;
    int fd; /* ANY_FD, or the one descriptor allowed */
} core_rules[] = {
    { { SYS_ioctl, true, KVM_RUN, "run the vCPU" }, 0 },
    { { SYS_ioctl, true, KVM_GET_REGS, "RIP for fault messages; trap frame" },
      0 },
    { { SYS_ioctl, true, KVM_GET_SREGS, "SET_TLS_BASE; a trap's CPL" }, 0 },
    { { SYS_ioctl, true, KVM_SET_SREGS, "SET_TLS_BASE without FSGSBASE" }, 0 },
    { { SYS_write, false, 0, "PUTS: the guest's console is stdout" }, 1 },
    { { SYS_write, false, 0, "the tender's own error messages" }, 2 },
    { { SYS_ppoll, false, 0, "POLL: wait for input or the deadline" }, ANY_FD },
    { { SYS_clock_gettime, false, 0, "WALLTIME, if the vDSO falls back" },
      ANY_FD },
    { { SYS_rt_sigreturn, false, 0, "return from the SIGINT/SIGTERM handler" },
      ANY_FD },
    { { SYS_exit_group, false, 0, "exit with the guest's status" }, ANY_FD },
};

static void add(scmp_filter_ctx ctx, const struct hvt_sandbox_rule *r, int fd,
                int vcpu_fd)
{
    int rc;

    if (r->vcpu_ioctl)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, (int)r->nr, 2,
                              SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)vcpu_fd),
                              SCMP_A1(SCMP_CMP_EQ, r->ioctl));
    else if (fd >= 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, (int)r->nr, 1,
                              SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fd));
    else
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, (int)r->nr, 0);
    if (rc < 0)
        tender_die("seccomp rule for '%s': %s", r->why, strerror(-rc));
}

void hvt_sandbox_enter(struct hvt *hvt)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    int vcpu = hvt_vcpu_fd(hvt);

    if (ctx == NULL)
        tender_die("cannot create the seccomp filter");
    for (size_t i = 0; i < sizeof core_rules / sizeof core_rules[0]; i++)
        add(ctx, &core_rules[i].r, core_rules[i].fd, vcpu);
    for (unsigned i = 0; i < hvt->nsandbox_fd; i++) {
        for (unsigned j = 0; j < hvt->sandbox_fd[i].nrules; j++)
            add(ctx, &hvt->sandbox_fd[i].rules[j], hvt->sandbox_fd[i].fd, vcpu);
    }
    int rc = seccomp_load(ctx);
    if (rc < 0)
        tender_die("cannot install the seccomp filter: %s", strerror(-rc));
    seccomp_release(ctx);
}
