/* x86 hypervisor detection: the CPUID hypervisor leaves.
 *
 * x86-only.  It serves every x86 hypervisor, not only KVM, and lives in
 * hv/kvm/ because hv/kvm and hv/xen are the build's x86-only hv folders
 * (hv/ itself is compiled on every architecture).  A hypervisor sets CPUID.1:ECX[31] and answers leaf 0x40000000 with
 * the highest leaf it implements in eax and a 12-byte vendor signature in
 * ebx, ecx, edx.  A hypervisor that offers a second interface puts it at
 * 0x40000100 (Xen behind Viridian, KVM behind Hyper-V), so every base from
 * 0x40000000 to 0x40010000 in steps of 0x100 is scanned, as Linux does. */
#include <kern/string.h>
#include <machine/cpu.h>
#include "hv/hv_detect.h"
#include "hv/x86/cpuid.h"
#include "hv/kvm/kvm.h"
#include "hv/xen/xen.h"

#define HV_LEAF_FIRST 0x40000000u
#define HV_LEAF_LAST  0x40010000u
#define HV_LEAF_STEP  0x100u

static bool hypervisor_bit(void)
{
	return cpuid(1, 0).ecx & CPUID1_ECX_HYPERVISOR;
}

static void leaf_signature(uint32_t leaf, char sig[12], uint32_t *max_leaf)
{
	struct cpuid_regs r = cpuid(leaf, 0);
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	*max_leaf = r.eax;
}

/* The scan costs a CPUID exit per base under a real hypervisor, and every
 * table entry asks: do it once and keep the bases that answered. */
#define MAX_FOUND 8
static struct { uint32_t base; char sig[12]; } found[MAX_FOUND];
static unsigned nfound;
static bool scanned;

static void scan_leaves(void)
{
	scanned = true;
	if (!hypervisor_bit())
		return;
	for (uint32_t base = HV_LEAF_FIRST; base < HV_LEAF_LAST && nfound < MAX_FOUND;
	     base += HV_LEAF_STEP) {
		uint32_t max;
		leaf_signature(base, found[nfound].sig, &max);
		/* A real interface names its own range (KVM once said 0,
		 * meaning base + 1); anything else is the CPU echoing another
		 * leaf for an unimplemented one. */
		if (max == 0 ? base == HV_LEAF_FIRST : (max >= base && max < base + HV_LEAF_STEP))
			found[nfound++].base = base;
	}
}

uint32_t hv_cpuid_base(const char *want)
{
	if (!scanned)
		scan_leaves();
	for (unsigned i = 0; i < nfound; i++)
		if (memcmp(found[i].sig, want, 12) == 0)
			return found[i].base;
	return 0;
}

static bool by_signature(const struct hv_type *t)
{
	return hv_cpuid_base(t->signature) != 0;
}

/* Order matters: see hv/detect.c. */
const struct hv_type hv_types[] = {
	{ "KVM", "KVMKVMKVM\0\0\0", by_signature, kvm_init },
	{ "Xen", "XenVMMXenVMM", by_signature, xen_init },
	{ "QEMU TCG", "TCGTCGTCGTCG", by_signature, NULL },
	{ "Hyper-V", "Microsoft Hv", by_signature, NULL },
	{ "VMware", "VMwareVMware", by_signature, NULL },
	{ "VirtualBox", "VBoxVBoxVBox", by_signature, NULL },
	{ "bhyve", "bhyve bhyve ", by_signature, NULL },
	{ "ACRN", "ACRNACRNACRN", by_signature, NULL },
	{ "QNX", " QNXQVMBSQG ", by_signature, NULL },
};
const unsigned hv_ntypes = ARRAY_SIZE(hv_types);

bool hv_arch_unknown(char *buf, size_t len)
{
	if (!hypervisor_bit() || len == 0)
		return false;
	char sig[12];
	uint32_t max;
	leaf_signature(HV_LEAF_FIRST, sig, &max);
	/* The bit without the leaves: a hypervisor that does not say which. */
	if (max < HV_LEAF_FIRST) {
		strlcpy(buf, "no CPUID signature", len);
		return true;
	}
	/* Escape anything unprintable: the signature is untrusted bytes. */
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (int i = 0; i < 12 && o + 5 < len; i++) {
		unsigned char c = (unsigned char)sig[i];
		if (c >= 0x20 && c < 0x7f) {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o] = 0;
	return true;
}
