/* Xen's interfaces for an HVM/PVH guest on x86 (hv/xen/). */
#ifndef HV_XEN_XEN_H
#define HV_XEN_XEN_H

#include <kern/types.h>
#include "pv/pv.h"

/* Called from the detection table when the Xen signature is found. */
void xen_init(struct pv_ops *ops);

#endif
