/* hvt_dumpcore_x86_64.c: the x86_64 Linux register notes of a core. */

#include <elf.h>
#include <signal.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/user.h>

#include "hvt_debug.h"

/*
 * The host's own <sys/procfs.h> is the x86_64 Linux layout gdb expects in
 * a core file: the guest's registers go where a process's would.
 */
const unsigned hvt_dumpcore_machine = EM_X86_64;

size_t hvt_dumpcore_prstatus(void *buf, size_t size,
                             const struct hvt_debug_regs *r, int signo, int pid)
{
    struct elf_prstatus ps;
    struct user_regs_struct u;

    if (size < sizeof ps)
        return 0;
    memset(&ps, 0, sizeof ps);
    ps.pr_info.si_signo = signo;
    ps.pr_cursig = (short)signo;
    ps.pr_pid = pid;
    memset(&u, 0, sizeof u);
    u.r15 = r->r15, u.r14 = r->r14, u.r13 = r->r13, u.r12 = r->r12;
    u.rbp = r->rbp, u.rbx = r->rbx, u.r11 = r->r11, u.r10 = r->r10;
    u.r9 = r->r9, u.r8 = r->r8, u.rax = r->rax, u.rcx = r->rcx;
    u.rdx = r->rdx, u.rsi = r->rsi, u.rdi = r->rdi;
    u.orig_rax = (unsigned long long)-1; /* not in a system call */
    u.rip = r->rip, u.cs = r->cs, u.eflags = r->rflags, u.rsp = r->rsp;
    u.ss = r->ss, u.fs_base = r->fs_base, u.gs_base = r->gs_base;
    u.ds = r->ds, u.es = r->es, u.fs = r->fs, u.gs = r->gs;
    _Static_assert(sizeof u == sizeof ps.pr_reg, "pr_reg is user_regs");
    memcpy(&ps.pr_reg, &u, sizeof u);
    memcpy(buf, &ps, sizeof ps);
    return sizeof ps;
}

size_t hvt_dumpcore_prpsinfo(void *buf, size_t size, int pid, const char *fname,
                             const char *args)
{
    struct elf_prpsinfo ps;

    if (size < sizeof ps)
        return 0;
    memset(&ps, 0, sizeof ps);
    ps.pr_pid = pid;
    ps.pr_sname = 'R';
    strncpy(ps.pr_fname, fname, sizeof ps.pr_fname - 1);
    strncpy(ps.pr_psargs, args, sizeof ps.pr_psargs - 1);
    memcpy(buf, &ps, sizeof ps);
    return sizeof ps;
}

int hvt_dumpcore_signal(unsigned vector)
{
    switch (vector) {
    case 1:
    case 3:
        return SIGTRAP;
    case 6:
        return SIGILL;
    case 0:
    case 16:
    case 19:
        return SIGFPE;
    case 17:
        return SIGBUS;
    default:
        return SIGSEGV;
    }
}
