/* hvt_kvm.c: the Linux/KVM host backend: the VM and its memory. */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "hvt.h"
#include "hvt_kvm.h"

void hvt_vm_init(struct hvt *hvt)
{
    struct hvt_kvm *k = calloc(1, sizeof *k);

    if (k == NULL)
        tender_die("out of memory");
    hvt->backend = k;
    k->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (k->kvm_fd < 0)
        tender_die("cannot open /dev/kvm: %s (is KVM enabled, and may you "
                   "use it?)",
                   strerror(errno));
    int v = ioctl(k->kvm_fd, KVM_GET_API_VERSION, 0);
    if (v != KVM_API_VERSION)
        tender_die("/dev/kvm: KVM API version %d, expected %d", v,
                   KVM_API_VERSION);
    k->vm_fd = ioctl(k->kvm_fd, KVM_CREATE_VM, 0);
    if (k->vm_fd < 0)
        tender_die("cannot create a KVM virtual machine: %s", strerror(errno));

    /*
     * Guest memory is never executable on the host, and only the pages the
     * guest touches are ever backed.
     */
    hvt->mem = mmap(NULL, hvt->mem_size, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (hvt->mem == MAP_FAILED)
        tender_die("cannot allocate %llu MiB of guest memory: %s",
                   (unsigned long long)(hvt->mem_size >> 20), strerror(errno));
    struct kvm_userspace_memory_region region = {
        .slot = 0,
        .guest_phys_addr = 0,
        .memory_size = hvt->mem_size,
        .userspace_addr = (uint64_t)(uintptr_t)hvt->mem,
    };
    if (ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
        tender_die("cannot give the guest its memory: %s", strerror(errno));

    int sz = ioctl(k->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (sz <= 0)
        tender_die("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
    k->run_size = (size_t)sz;
}

int hvt_vcpu_fd(struct hvt *hvt)
{
    return ((struct hvt_kvm *)hvt->backend)->vcpu_fd;
}
