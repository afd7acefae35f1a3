/* riscv64 hypervisor detection: the SBI implementation id.
 *
 * A riscv guest kernel's SBI is provided by whatever runs it in S-mode: on
 * bare hardware or under QEMU TCG that is firmware (OpenSBI, RustSBI...),
 * under a hypervisor it is the hypervisor itself, which says so in
 * BASE.get_impl_id (SBI spec, 4.9).  The table lists the hypervisors among
 * the registered implementation ids; hv/detect.c walks it.  An unknown id
 * is not reported as a hypervisor: it is far more likely new firmware. */
#include "hv/hv_detect.h"
#include "hv/sbi/sbi.h"

/* The signature of an entry is its implementation id in decimal. */
static bool by_impl_id(const struct hv_type *t)
{
	long id = sbi_impl_id();
	if (id < 0)
		return false;
	long want = 0;
	for (const char *p = t->signature; *p; p++)
		want = want * 10 + (*p - '0');
	return id == want;
}

const struct hv_type hv_types[] = {
	{ "KVM", "3", by_impl_id, NULL },
	{ "Xen", "7", by_impl_id, NULL },
	{ "Xvisor", "2", by_impl_id, NULL },
	{ "bhyve", "11", by_impl_id, NULL },
	{ "Diosix", "5", by_impl_id, NULL },
};
const unsigned hv_ntypes = ARRAY_SIZE(hv_types);

bool hv_arch_unknown(char *buf, size_t len)
{
	return false;
}
