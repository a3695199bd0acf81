/* spt_sandbox: an spt guest that asks the host kernel for what it may not.
 *
 * On spt the guest can execute SYSCALL itself; the tender's seccomp filter
 * must kill the process (SIGSYS, status 159) for every call or argument
 * outside the allow-list, and the guest's own bad pointers must come back
 * as errors, not crashes. One case per argument; a case that survives an
 * attack prints "ESCAPED" (a failure). Needs a BLOCK_BASIC "storage".
 *
 *   allowed        the calls the bindings make, directly: must work
 *   getpid         a harmless call that is not on the list
 *   openat         opening a host file
 *   mmap           new executable memory
 *   mprotect       making the guest's own text writable
 *   execve         running a host program
 *   stderr         write() to fd 2 (only fd 1 is the console)
 *   stdin          read() from fd 0 (read is for taps only)
 *   pread-console  pread64() on fd 1 (pread64 is for block files only)
 *   cputime        clock_gettime(CLOCK_PROCESS_CPUTIME_ID)
 *   ppoll-mask     ppoll() with a signal mask
 *   sigaction      rt_sigaction(): taking over the tender's handlers
 *   x32            write() through the x32 system-call numbering
 *   int80          write() through the 32-bit INT 0x80 entry
 *   badptr         the API with pointers to unmapped memory: EINVAL
 *   sleep          prints "spt_sandbox: sleeping" and sleeps 30 s (for
 *                  tests that look at the running process)
 */

#include "solo5.h"

static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static void puts_(const char *s)
{
    solo5_console_write(s, str_len(s));
}

static int str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* System call NR with all six argument registers set (the bindings never
 * pass more than four; an attacker passes what the call needs, such as
 * mmap's descriptor and offset). Returns the result, or -errno. */
static long sys6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    long ret;
    register long r10 __asm__("r10") = a4;
    register long r8 __asm__("r8") = a5;
    register long r9 __asm__("r9") = a6;

    __asm__ __volatile__("syscall"
                         : "=a"(ret)
                         : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10),
                           "r"(r8), "r"(r9)
                         : "rcx", "r11", "memory");
    return ret;
}

static long sys(long nr, long a1, long a2, long a3, long a4)
{
    return sys6(nr, a1, a2, a3, a4, 0, 0);
}

static int failures;

static void check(int ok, const char *what)
{
    puts_(ok ? "ok: " : "FAILURE: ");
    puts_(what);
    puts_("\n");
    if (!ok)
        failures++;
}

/* An address in the gap between the boot information and the image. */
#define UNMAPPED 0x80000L

static int allowed(void)
{
    struct {
        long sec, nsec;
    } ts;
    static const char msg[] = "spt_sandbox: write(1) works\n";

    check(sys(1, 1, (long)msg, sizeof msg - 1, 0) == sizeof msg - 1,
          "write(1, ...)");
    check(sys(228, 1, (long)&ts, 0, 0) == 0, "clock_gettime(MONOTONIC)");
    check(sys(228, 0, (long)&ts, 0, 0) == 0, "clock_gettime(REALTIME)");
    ts.sec = 0;
    ts.nsec = 1000;
    check(sys(271, 0, 0, (long)&ts, 0) == 0, "ppoll(no fds, 1 us)");
    return failures ? SOLO5_EXIT_FAILURE : SOLO5_EXIT_SUCCESS;
}

static int badptr(void)
{
    solo5_handle_t h;
    struct solo5_block_info bi;
    uint8_t *bad = (uint8_t *)UNMAPPED;

    check(solo5_block_acquire("storage", &h, &bi) == SOLO5_R_OK,
          "block_acquire");
    check(solo5_block_read(h, 0, bad, bi.block_size) == SOLO5_R_EINVAL,
          "block_read into unmapped memory is EINVAL");
    check(solo5_block_write(h, 0, bad, bi.block_size) == SOLO5_R_EINVAL,
          "block_write from unmapped memory is EINVAL");
    check(solo5_block_read(h + 1, 0, (uint8_t *)&bi, 512) == SOLO5_R_EINVAL,
          "block_read on a handle never acquired is EINVAL");
    check(solo5_block_read(63, 0, (uint8_t *)&bi, 512) == SOLO5_R_EINVAL,
          "block_read on handle 63 is EINVAL");
    check(solo5_block_read(~0ULL, 0, (uint8_t *)&bi, 512) == SOLO5_R_EINVAL,
          "block_read on handle 2^64-1 is EINVAL");
    check(solo5_net_write(h, (const uint8_t *)&bi, 60) == SOLO5_R_EINVAL,
          "net_write on a block handle is EINVAL");
    /* Best effort and never a crash: nothing is printed. */
    solo5_console_write((const char *)bad, 100);
    check(1, "console_write from unmapped memory returned");
    if (failures)
        return SOLO5_EXIT_FAILURE;
    puts_("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *a = si->cmdline;
    static const char msg[] = "ESCAPED\n";
    static const char path[] = "/etc/passwd";
    struct {
        long sec, nsec;
    } ts = { 0, 1000 };
    uint64_t mask = 0, buf[8];

    puts_("spt_sandbox: ");
    puts_(a);
    puts_("\n");
    if (str_eq(a, "allowed"))
        return allowed();
    if (str_eq(a, "badptr"))
        return badptr();
    if (str_eq(a, "sleep")) {
        puts_("spt_sandbox: sleeping\n");
        solo5_yield(solo5_clock_monotonic() + 30000000000ULL, NULL);
        return SOLO5_EXIT_SUCCESS;
    }
    if (str_eq(a, "getpid")) {
        sys(39, 0, 0, 0, 0);
    } else if (str_eq(a, "openat")) {
        sys(257, -100, (long)path, 0, 0);
    } else if (str_eq(a, "mmap")) {
        /* Anonymous, so descriptor -1 and offset 0: a call that works. */
        sys6(9, 0, 4096, 7, 0x22, -1, 0);
    } else if (str_eq(a, "mprotect")) {
        sys(10, 0x100000, 4096, 7, 0);
    } else if (str_eq(a, "execve")) {
        sys(59, (long)path, 0, 0, 0);
    } else if (str_eq(a, "stderr")) {
        sys(1, 2, (long)msg, sizeof msg - 1, 0);
    } else if (str_eq(a, "stdin")) {
        sys(0, 0, (long)buf, sizeof buf, 0);
    } else if (str_eq(a, "pread-console")) {
        sys(17, 1, (long)buf, sizeof buf, 0);
    } else if (str_eq(a, "cputime")) {
        sys(228, 2, (long)&ts, 0, 0);
    } else if (str_eq(a, "ppoll-mask")) {
        sys(271, 0, 0, (long)&ts, (long)&mask);
    } else if (str_eq(a, "sigaction")) {
        sys(13, 11, 0, (long)buf, 8);
    } else if (str_eq(a, "x32")) {
        sys(0x40000000L | 1, 1, (long)msg, sizeof msg - 1, 0);
    } else if (str_eq(a, "int80")) {
        long ret;
        __asm__ __volatile__("int $0x80"
                             : "=a"(ret)
                             : "a"(4L), "b"(1L), "c"((long)msg),
                               "d"((long)sizeof msg - 1)
                             : "memory");
        (void)ret;
    } else {
        puts_("FAILURE: unknown case\n");
        return SOLO5_EXIT_FAILURE;
    }
    puts_(msg);
    return SOLO5_EXIT_FAILURE;
}
