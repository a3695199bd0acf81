/* spt_sandbox_linux.c: the seccomp allow-list the guest runs under. */

#include <asm/prctl.h>
#include <errno.h>
#include <seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>

#include "spt.h"

/*
 * On spt the guest makes its system calls itself, so this list is the
 * whole interface between the unikernel and the host kernel. One system
 * call per line with its reason and its pinned arguments; each module adds
 * the calls for its own descriptors (block_rules, tap_rules in
 * spt_module_*.c), pinned to those descriptors. Everything else kills the
 * process with SIGSYS.
 */
enum pin {
    PIN_NONE,  /* no argument checked */
    PIN_A0_EQ, /* first argument == VALUE */
    PIN_A3_EQ, /* fourth argument == VALUE */
};

static const struct {
    long nr;
    enum pin pin;
    unsigned long value;
    const char *why;
} core_rules[] = {
    { SYS_write, PIN_A0_EQ, 1, "the console: stdout only" },
    { SYS_clock_gettime, PIN_A0_EQ, CLOCK_MONOTONIC, "solo5_clock_monotonic" },
    { SYS_clock_gettime, PIN_A0_EQ, CLOCK_REALTIME, "solo5_clock_wall" },
    { SYS_ppoll, PIN_A3_EQ, 0,
      "solo5_yield: sleep until input or the deadline (no signal mask)" },
    { SYS_exit_group, PIN_NONE, 0, "solo5_exit, aborts, fatal signals" },
};

/* Only without user-level WRFSBASE (Linux < 5.9 or an old CPU). */
static const struct {
    long nr;
    enum pin pin;
    unsigned long value;
    const char *why;
} tls_rule = { SYS_arch_prctl, PIN_A0_EQ, ARCH_SET_FS,
               "solo5_set_tls_base: load the FS base" };

static void add(scmp_filter_ctx ctx, long nr, enum pin pin, unsigned long value,
                const char *why)
{
    int rc;

    switch (pin) {
    case PIN_A0_EQ:
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, (int)nr, 1,
                              SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)value));
        break;
    case PIN_A3_EQ:
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, (int)nr, 1,
                              SCMP_A3(SCMP_CMP_EQ, (scmp_datum_t)value));
        break;
    default:
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, (int)nr, 0);
        break;
    }
    if (rc < 0)
        tender_die("sandbox: seccomp rule for '%s': %s", why, strerror(-rc));
}

void spt_sandbox_enter(struct spt *spt)
{
    /* No privilege gain through exec (there is none to do, but say so). */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        tender_die("sandbox: PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
    /* Guest memory stays out of core files and away from ptrace. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        tender_die("sandbox: PR_SET_DUMPABLE: %s", strerror(errno));

    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (ctx == NULL)
        tender_die("sandbox: cannot create the seccomp filter");
    for (size_t i = 0; i < sizeof core_rules / sizeof core_rules[0]; i++)
        add(ctx, core_rules[i].nr, core_rules[i].pin, core_rules[i].value,
            core_rules[i].why);
    if (!(spt->cpu_features & SPT_CPU_FSGSBASE))
        add(ctx, tls_rule.nr, tls_rule.pin, tls_rule.value, tls_rule.why);
    for (unsigned i = 0; i < spt->nsandbox_fd; i++) {
        for (unsigned j = 0; j < spt->sandbox_fd[i].nrules; j++)
            add(ctx, spt->sandbox_fd[i].rules[j].nr, PIN_A0_EQ,
                (unsigned long)spt->sandbox_fd[i].fd,
                spt->sandbox_fd[i].rules[j].why);
    }
    int rc = seccomp_load(ctx);
    if (rc < 0)
        tender_die("sandbox: cannot install the seccomp filter: %s",
                   strerror(-rc));
    /*
     * Not released: free() may be a system call (munmap) the filter now
     * forbids, and the process ends with the guest anyway.
     */
}
