/* Hypervisor detection and interfaces.  hv_init() finds what we run on and
 * lets it replace pv hooks (kvmclock for the clock, and so on). */
#ifndef HV_HV_H
#define HV_HV_H

#include "pv/pv.h"

void hv_init(struct pv_ops *ops);
/* Name of the detected hypervisor ("KVM", "Xen", "none", or a signature). */
const char *hv_name(void);

#endif
