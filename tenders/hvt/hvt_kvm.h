/* hvt_kvm.h: the KVM backend's state, shared by its generic and arch files. */

#ifndef HVT_KVM_H_INCLUDED
#define HVT_KVM_H_INCLUDED

#include <linux/kvm.h>

struct hvt_kvm {
    int kvm_fd;
    int vm_fd;
    int vcpu_fd;
    struct kvm_run *run;
    size_t run_size;
};

#endif /* HVT_KVM_H_INCLUDED */
