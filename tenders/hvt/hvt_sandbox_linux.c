/* hvt_sandbox_linux.c: the seccomp allow-list installed before the guest runs. */

#include <errno.h>
#include <linux/kvm.h>
#include <seccomp.h>
#include <string.h>

#include "hvt.h"

void hvt_sandbox_allow_fd(struct hvt *hvt, int fd, unsigned kind)
{
    size_t max = sizeof hvt->sandbox_fd / sizeof hvt->sandbox_fd[0];

    if (hvt->nsandbox_fd == max)
        hvt_die("sandbox: too many descriptors");
    hvt->sandbox_fd[hvt->nsandbox_fd].fd = fd;
    hvt->sandbox_fd[hvt->nsandbox_fd].kind = kind;
    hvt->nsandbox_fd++;
}

/*
 * The allow-list, one system call per line with the reason it is needed.
 * Arguments are pinned where that is possible: a file descriptor, an
 * ioctl request. Everything else kills the process.
 */
struct rule {
    int nr;
    int fd; /* -1: any; -2: the vCPU; else that descriptor */
    unsigned long ioctl; /* with fd -2: the request */
    const char *why;
};

static const struct rule core_rules[] = {
    { SCMP_SYS(ioctl), -2, KVM_RUN, "run the vCPU" },
    { SCMP_SYS(ioctl), -2, KVM_GET_REGS, "guest RIP for fault messages" },
    { SCMP_SYS(ioctl), -2, KVM_GET_SREGS, "SET_TLS_BASE without FSGSBASE" },
    { SCMP_SYS(ioctl), -2, KVM_SET_SREGS, "SET_TLS_BASE without FSGSBASE" },
    { SCMP_SYS(write), 1, 0, "PUTS: the guest's console is stdout" },
    { SCMP_SYS(write), 2, 0, "the tender's own error messages" },
    { SCMP_SYS(ppoll), -1, 0, "POLL: wait for input or the deadline" },
    { SCMP_SYS(clock_gettime), -1, 0, "WALLTIME, when the vDSO falls back" },
    { SCMP_SYS(rt_sigreturn), -1, 0, "return from the SIGINT/SIGTERM handler" },
    { SCMP_SYS(exit_group), -1, 0, "exit with the guest's status" },
};

static const struct rule net_rules[] = {
    { SCMP_SYS(read), 0, 0, "receive frames from the tap" },
    { SCMP_SYS(write), 0, 0, "send frames to the tap" },
};

static const struct rule block_rules[] = {
    { SCMP_SYS(pread64), 0, 0, "BLOCK_READ" },
    { SCMP_SYS(pwrite64), 0, 0, "BLOCK_WRITE" },
    { SCMP_SYS(fdatasync), 0, 0, "flush the file at exit" },
};

/*
 * solo5-hvt-debug's modules, only when enabled. A rule with fd -2 is a vCPU
 * ioctl the kind needs; the others are pinned to the registered descriptor.
 */
static const struct rule gdb_rules[] = {
    { SCMP_SYS(read), 0, 0, "gdb: receive packets" },
    { SCMP_SYS(sendto), 0, 0, "gdb: send replies (MSG_NOSIGNAL)" },
    { SCMP_SYS(ioctl), -2, KVM_SET_REGS, "gdb: write registers, resume" },
    { SCMP_SYS(ioctl), -2, KVM_GET_FPU, "gdb: read x87/SSE registers" },
    { SCMP_SYS(ioctl), -2, KVM_SET_FPU, "gdb: write x87/SSE registers" },
};

static const struct rule core_file_rules[] = {
    { SCMP_SYS(pwrite64), 0, 0, "dumpcore: write the unnamed core file" },
};

static const struct rule core_cmd_rules[] = {
    { SCMP_SYS(write), 0, 0, "dumpcore: ask the helper to name the file" },
};

static const struct rule core_ack_rules[] = {
    { SCMP_SYS(read), 0, 0, "dumpcore: wait until the file is named" },
};

static void add(scmp_filter_ctx ctx, const struct rule *r, int fd,
                int vcpu_fd)
{
    int rc;

    if (fd == -2)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 2,
                              SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)vcpu_fd),
                              SCMP_A1(SCMP_CMP_EQ, r->ioctl));
    else if (fd >= 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 1,
                              SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fd));
    else
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 0);
    if (rc < 0)
        hvt_die("seccomp rule for '%s': %s", r->why, strerror(-rc));
}

void hvt_sandbox_enter(struct hvt *hvt)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    int vcpu = hvt_vcpu_fd(hvt);

    if (ctx == NULL)
        hvt_die("cannot create the seccomp filter");
    for (size_t i = 0; i < sizeof core_rules / sizeof core_rules[0]; i++)
        add(ctx, &core_rules[i], core_rules[i].fd, vcpu);
    for (unsigned i = 0; i < hvt->nsandbox_fd; i++) {
        const struct rule *rules;
        size_t n;
        switch (hvt->sandbox_fd[i].kind) {
#define RULES(t) rules = t, n = sizeof t / sizeof t[0]
        case HVT_FD_NET: RULES(net_rules); break;
        case HVT_FD_BLOCK: RULES(block_rules); break;
        case HVT_FD_GDB: RULES(gdb_rules); break;
        case HVT_FD_CORE: RULES(core_file_rules); break;
        case HVT_FD_CORE_CMD: RULES(core_cmd_rules); break;
        case HVT_FD_CORE_ACK: RULES(core_ack_rules); break;
#undef RULES
        default:
            hvt_die("sandbox: unknown descriptor kind %u",
                    hvt->sandbox_fd[i].kind);
        }
        for (size_t j = 0; j < n; j++)
            add(ctx, &rules[j], rules[j].fd == -2 ? -2
                                                  : hvt->sandbox_fd[i].fd,
                vcpu);
    }
    int rc = seccomp_load(ctx);
    if (rc < 0)
        hvt_die("cannot install the seccomp filter: %s", strerror(-rc));
    seccomp_release(ctx);
}
