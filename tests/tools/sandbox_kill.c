/* sandbox_kill.c: installs the tender's seccomp filter, then breaks it. */

/*
 * Links the real hvt_sandbox_linux.o with stand-ins for the two tender
 * functions it calls, installs the filter with one fake vCPU descriptor
 * and one block descriptor, shows that an allowed call works, then makes
 * the call named on the command line. The filter must kill the process
 * (SIGSYS) before "ESCAPED" is printed.
 *
 *   allowed   pwrite to the block descriptor (allowed: exits 0)
 *   getpid    a call the tender never needs
 *   open      opening a file
 *   write3    write to a descriptor that is neither stdout, stderr nor a device
 *   ioctl     KVM_RUN on a descriptor that is not the vCPU
 *   socket    a new socket
 *   execve    running a program
 */

#include <fcntl.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hvt.h"

static int fake_vcpu = -1;

int hvt_vcpu_fd(struct hvt *hvt)
{
    (void)hvt;
    return fake_vcpu;
}

void tender_die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    exit(1);
}

static void say(const char *s)
{
    (void)!write(1, s, strlen(s));
}

int main(int argc, char **argv)
{
    static struct hvt hvt;

    if (argc != 2) {
        fprintf(stderr, "usage: sandbox_kill ATTACK\n");
        return 2;
    }
    fake_vcpu = open("/dev/null", O_RDWR);
    int blk = open("/dev/null", O_RDWR);
    int other = open("/dev/null", O_RDWR);
    static const struct hvt_sandbox_rule blk_rules[] = {
        { SYS_pwrite64, false, 0, "the block device's write" },
    };
    hvt_sandbox_allow_fd(&hvt, blk, blk_rules, HVT_RULES_COUNT(blk_rules));
    hvt_sandbox_enter(&hvt);
    say("sandboxed\n");

    const char *a = argv[1];
    if (strcmp(a, "allowed") == 0) {
        if (pwrite(blk, "x", 1, 0) != 1)
            return 3;
        say("allowed call worked\n");
        return 0;
    } else if (strcmp(a, "getpid") == 0) {
        syscall(SYS_getpid);
    } else if (strcmp(a, "open") == 0) {
        open("/etc/passwd", O_RDONLY);
    } else if (strcmp(a, "write3") == 0) {
        (void)!write(other, "x", 1);
    } else if (strcmp(a, "ioctl") == 0) {
        ioctl(other, KVM_RUN, 0);
    } else if (strcmp(a, "socket") == 0) {
        socket(AF_INET, SOCK_STREAM, 0);
    } else if (strcmp(a, "execve") == 0) {
        char *args[] = { "/bin/true", NULL };
        execve("/bin/true", args, NULL);
    } else {
        say("unknown attack\n");
        return 2;
    }
    say("ESCAPED\n");
    return 0;
}
