/* Xen, as seen from an HVM or PVH guest on x86.
 *
 * For now only detection: the CPUID leaves (base + 1 holds the version,
 * base + 2 the number of hypercall-page frames and the MSR that installs
 * them) are recorded and printed.  The hypercall page, shared info, event
 * channels, the Xen pvclock (vcpu_time_info, read with hv/pvclock.h) and
 * the console ring come in a later issue; until then the native hooks stay. */
#include <kern/printf.h>
#include <machine/cpu.h>
#include "hv/x86/cpuid.h"
#include "hv/xen/xen.h"

static uint32_t xen_base;
static uint32_t xen_version;

void xen_init(struct pv_ops *ops)
{
	xen_base = hv_cpuid_base("XenVMMXenVMM");
	if (!xen_base)
		return;
	uint32_t max = cpuid(xen_base, 0).eax;
	if (max >= xen_base + 1)
		xen_version = cpuid(xen_base + 1, 0).eax;
	kprintf("xen: version %u.%u (CPUID base %#x)\n", xen_version >> 16,
		xen_version & 0xffff, xen_base);
}
