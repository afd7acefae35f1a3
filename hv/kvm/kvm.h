/* KVM's paravirtual interfaces on x86 (hv/kvm/). */
#ifndef HV_KVM_KVM_H
#define HV_KVM_KVM_H

#include <kern/types.h>
#include "pv/pv.h"

/* Called from the detection table when the KVM signature is found. */
void kvm_init(struct pv_ops *ops);
/* CPUID KVM_CPUID_FEATURES eax as found at boot (0 if not KVM). */
uint32_t kvm_features(void);

#endif
