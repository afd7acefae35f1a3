/* Which hypervisor are we running on?  The first entry of the architecture's
 * detection table (hv_detect.h) that detects itself wins and may replace pv
 * hooks with its own (kvmclock for the clock, and so on).  Entries are
 * ordered so that a hypervisor that also impersonates another (Xen or KVM
 * offering Hyper-V's interface at the first CPUID leaf) is found as itself. */
#include <kern/printf.h>
#include <kern/string.h>
#include "hv/hv.h"
#include "hv/hv_detect.h"

static const char *detected = "none";
static char unknown_name[72];

const char *hv_name(void) { return detected; }

void hv_init(struct pv_ops *ops)
{
	for (unsigned i = 0; i < hv_ntypes; i++) {
		const struct hv_type *t = &hv_types[i];
		if (!t->detect(t))
			continue;
		detected = t->name;
		kprintf("hv: %s\n", t->name);
		if (t->init)
			t->init(ops);
		return;
	}
	char sig[52];
	if (hv_arch_unknown(sig, sizeof(sig))) {
		ksnprintf(unknown_name, sizeof(unknown_name), "unknown (%s)", sig);
		detected = unknown_name;
		kprintf("hv: %s\n", detected);
		return;
	}
	kprintf("hv: none detected\n");
}
