/* spt_signals_x86_64.c: how the process ends once the guest runs. */

/*
 * Once the guest runs, the tender's C code never runs again except for
 * these handlers, which the kernel enters on the tender's alternate stack
 * with the guest's FS base still loaded. So they read no TLS (this file is
 * built without the stack protector, whose canary lives at %fs:0x28),
 * call nothing from the C library, and make only system calls the
 * sandbox allows: write to fd 1, fdatasync on block descriptors,
 * exit_group. They never return, so rt_sigreturn stays forbidden.
 */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "spt.h"

static int flush_fds[MFT_MAX_ENTRIES];
static unsigned nflush_fds;

static long raw_syscall3(long nr, long a1, long a2, long a3)
{
    long ret;

    __asm__ __volatile__("syscall"
                         : "=a"(ret)
                         : "a"(nr), "D"(a1), "S"(a2), "d"(a3)
                         : "rcx", "r11", "memory");
    return ret;
}

static void __attribute__((noreturn)) finish(int status)
{
    for (unsigned i = 0; i < nflush_fds; i++)
        raw_syscall3(SYS_fdatasync, flush_fds[i], 0, 0);
    for (;;)
        raw_syscall3(SYS_exit_group, status, 0, 0);
}

static void on_stop(int sig)
{
    finish(128 + sig);
}

/* A tiny formatter: text and hexadecimal numbers into a line buffer. */
struct line {
    char buf[512];
    size_t len;
};

static void put_str(struct line *l, const char *s)
{
    while (*s && l->len < sizeof l->buf)
        l->buf[l->len++] = *s++;
}

static void put_hex(struct line *l, unsigned long v)
{
    char tmp[16];
    int n = 0;

    put_str(l, "0x");
    do {
        tmp[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    while (n && l->len < sizeof l->buf)
        l->buf[l->len++] = tmp[--n];
}

static void put_reg(struct line *l, const char *name, unsigned long v)
{
    put_str(l, name);
    put_hex(l, v);
}

static const char *trap_name(unsigned long trapno)
{
    switch (trapno) {
    case 0:
        return "#DE divide error";
    case 1:
        return "#DB debug";
    case 3:
        return "#BP breakpoint";
    case 4:
        return "#OF overflow";
    case 5:
        return "#BR bound range";
    case 6:
        return "#UD invalid opcode";
    case 7:
        return "#NM device not available";
    case 12:
        return "#SS stack fault";
    case 13:
        return "#GP general protection";
    case 14:
        return "#PF page fault";
    case 16:
        return "#MF x87 floating point";
    case 17:
        return "#AC alignment check";
    case 19:
        return "#XM SIMD floating point";
    case 21:
        return "#CP control protection";
    default:
        return "fault";
    }
}

/*
 * A fault in the guest: the same report the bindings print on hvt (trap,
 * address, registers, "ABORT"), on the console, then status 255.
 */
static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    const ucontext_t *uc = ucv;
    const greg_t *g = uc->uc_mcontext.gregs;
    unsigned long trapno = (unsigned long)g[REG_TRAPNO];
    unsigned long err = (unsigned long)g[REG_ERR];
    struct line l = { .len = 0 };

    put_str(&l, "Solo5: ABORT: ");
    put_str(&l, trap_name(trapno));
    put_str(&l, " (signal ");
    put_hex(&l, (unsigned long)sig);
    put_str(&l, ") at rip=");
    put_hex(&l, (unsigned long)g[REG_RIP]);
    if (trapno == 14) {
        put_str(&l, ": ");
        put_str(&l, (err & 0x10) ? "execute" : (err & 0x2) ? "write" : "read");
        put_str(&l, " access to ");
        put_hex(&l, (unsigned long)si->si_addr);
    }
    put_str(&l, " (error ");
    put_hex(&l, err);
    put_str(&l, ")\nSolo5: ABORT: registers");
    put_reg(&l, " rsp=", (unsigned long)g[REG_RSP]);
    put_reg(&l, " rbp=", (unsigned long)g[REG_RBP]);
    put_reg(&l, " rflags=", (unsigned long)g[REG_EFL]);
    put_reg(&l, " rax=", (unsigned long)g[REG_RAX]);
    put_reg(&l, " rbx=", (unsigned long)g[REG_RBX]);
    put_reg(&l, " rcx=", (unsigned long)g[REG_RCX]);
    put_reg(&l, " rdx=", (unsigned long)g[REG_RDX]);
    put_reg(&l, " rsi=", (unsigned long)g[REG_RSI]);
    put_reg(&l, " rdi=", (unsigned long)g[REG_RDI]);
    put_str(&l, "\n");
    if (l.len == sizeof l.buf)
        l.buf[l.len - 1] = '\n';
    raw_syscall3(SYS_write, 1, (long)l.buf, (long)l.len);
    finish(255);
}

void spt_signals_init(const int *block_fds, unsigned nblock_fds)
{
    static const int faults[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
    static const int stops[] = { SIGINT, SIGTERM };
    /* Its own stack: the guest's RSP may be anything when it faults. */
    const size_t altsize = 64 * 1024;
    void *alt = mmap(NULL, altsize, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (alt == MAP_FAILED)
        tender_die("cannot allocate the signal stack");
    stack_t ss = { .ss_sp = alt, .ss_size = altsize };
    if (sigaltstack(&ss, NULL) < 0)
        tender_die("sigaltstack failed");

    for (unsigned i = 0; i < nblock_fds && i < MFT_MAX_ENTRIES; i++)
        flush_fds[i] = block_fds[i];
    nflush_fds = nblock_fds;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigfillset(&sa.sa_mask); /* nothing interrupts a handler */
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sa.sa_sigaction = on_fault;
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
        if (sigaction(faults[i], &sa, NULL) < 0)
            tender_die("sigaction failed");
    sa.sa_flags = SA_ONSTACK;
    sa.sa_handler = on_stop;
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++)
        if (sigaction(stops[i], &sa, NULL) < 0)
            tender_die("sigaction failed");
    /* A closed console loses output (EPIPE), it does not end the guest. */
    signal(SIGPIPE, SIG_IGN);
    /* The guest runs with every signal unblocked. */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}
