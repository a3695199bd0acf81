/* tss_preload.c: test-VM-only LD_PRELOAD object that hands KVM an available TSS type. */

/*
 * Why: inside the test VM, /dev/kvm is KVM on SVM emulated by QEMU's TCG.
 * TCG checks a CPL3 in/out against the TSS I/O permission bitmap only when
 * the cached TR type is 9 (available 64-bit TSS); any other type raises
 * #GP. solo5-hvt loads TR with type 11 (busy), which is what real CPUs
 * and KVM hold for a loaded TR (VMX even requires it for a 64-bit guest),
 * so on real machines the tender is right and must not change. Under TCG
 * every hypercall of an hvt guest would fault. This object rewrites the
 * type 11 -> 9 in the KVM_SET_SREGS (and KVM_SET_SREGS2) that reach the
 * kernel, on a copy, and changes nothing else. tests/vm/init.sh sets
 * LD_PRELOAD to it for the command run inside the test VM, and nowhere else.
 *
 * It issues the same ioctl system call on the same descriptor with the
 * same request, so the tender's seccomp allow-list sees no difference.
 */

#include <linux/kvm.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TSS64_BUSY 11
#define TSS64_AVAILABLE 9

int ioctl(int fd, unsigned long request, ...);

static void tss_fix(struct kvm_segment *tr)
{
    if (tr->s == 0 && tr->type == TSS64_BUSY)
        tr->type = TSS64_AVAILABLE;
}

int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, request);
    arg = va_arg(ap, void *);
    va_end(ap);

    if (request == KVM_SET_SREGS && arg != NULL) {
        struct kvm_sregs s;
        memcpy(&s, arg, sizeof s);
        tss_fix(&s.tr);
        return (int)syscall(SYS_ioctl, fd, request, &s);
    }
#ifdef KVM_SET_SREGS2
    if (request == KVM_SET_SREGS2 && arg != NULL) {
        struct kvm_sregs2 s2;
        memcpy(&s2, arg, sizeof s2);
        tss_fix(&s2.tr);
        return (int)syscall(SYS_ioctl, fd, request, &s2);
    }
#endif
    return (int)syscall(SYS_ioctl, fd, request, arg);
}
