/* kvm_floor.c: the least a KVM guest can cost: VM, vCPU, one HLT, exit. */

/*
 * The benchmark's floor for hvt boot-to-exit: create a VM with one page of
 * memory and one vCPU, run a single HLT in real mode and exit. Whatever
 * solo5-hvt spends beyond this is its own.
 */

#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) {
        perror("kvm_floor: /dev/kvm");
        return 1;
    }
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    uint8_t *mem = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (vm < 0 || mem == MAP_FAILED) {
        perror("kvm_floor: VM");
        return 1;
    }
    mem[0] = 0xf4; /* hlt */
    struct kvm_userspace_memory_region r = {
        .slot = 0,
        .guest_phys_addr = 0,
        .memory_size = 0x1000,
        .userspace_addr = (uintptr_t)mem,
    };
    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    int sz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r) < 0 || vcpu < 0 || sz <= 0) {
        perror("kvm_floor: vCPU");
        return 1;
    }
    struct kvm_run *run =
        mmap(NULL, (size_t)sz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    struct kvm_sregs sr;
    ioctl(vcpu, KVM_GET_SREGS, &sr);
    sr.cs.base = 0;
    sr.cs.selector = 0;
    ioctl(vcpu, KVM_SET_SREGS, &sr);
    struct kvm_regs regs = { .rip = 0, .rflags = 2 };
    ioctl(vcpu, KVM_SET_REGS, &regs);
    if (run == MAP_FAILED || ioctl(vcpu, KVM_RUN, 0) < 0 ||
        run->exit_reason != KVM_EXIT_HLT) {
        fprintf(stderr, "kvm_floor: guest did not halt\n");
        return 1;
    }
    return 0;
}
