/* aarch64 hypervisor detection through SMCCC (Arm DEN 0028).
 *
 * The order the convention prescribes: SMCCC_VERSION exists only if
 * PSCI_FEATURES (PSCI 1.0+) says so, else the conduit speaks SMCCC 1.0;
 * SMCCC_ARCH_FEATURES exists from 1.1.  The vendor-specific hypervisor
 * service range (owner 6) answers its Call UID query with the hypervisor's
 * UUID in w0-w3: KVM's is 28b46fb6-2ec5-11e9-a9ca-4b564d003a74, Xen's
 * a71812dc-c698-4369-9acf-79d18ddee667.  Where KVM is found its vendor
 * features (PTP) and the standard paravirtualised-time service (steal time)
 * are recorded.
 *
 * Under QEMU TCG the conduit is QEMU's own PSCI emulation, which answers
 * every other function with NOT_SUPPORTED (-1): no hypervisor is reported.
 * Without a conduit in the device tree no call is made at all.  The table
 * below is walked by the portable hv/detect.c. */
#include <kern/printf.h>
#include <kern/string.h>
#include <machine/smccc.h>
#include "hv/hv_detect.h"
#include "hv/smccc/smccc_hv.h"

static struct smccc_info info;

void smccc_uid_format(const uint32_t w[4], char buf[37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned o = 0;
	for (unsigned i = 0; i < 16; i++) {
		uint8_t b = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf[o++] = '-';
		buf[o++] = hex[b >> 4];
		buf[o++] = hex[b & 15];
	}
	buf[o] = 0;
}

static bool implemented(uint32_t fid)
{
	return info.version >= 0x10001 &&
	       smccc_ret32(smccc_call(SMCCC_ARCH_FEATURES_FID, fid, 0, 0)) >= 0;
}

const struct smccc_info *smccc_probe(void)
{
	if (info.probed)
		return &info;
	info.probed = true;
	if (smccc_conduit() == SMCCC_CONDUIT_NONE)
		return &info;

	info.version = 0x10000;
	if (psci_features(SMCCC_VERSION_FID) >= 0) {
		int32_t v = smccc_ret32(smccc_call(SMCCC_VERSION_FID, 0, 0, 0));
		if (v > 0)
			info.version = (uint32_t)v;
	}
	struct smccc_res r = smccc_call(SMCCC_VENDOR_HYP_UID_FID, 0, 0, 0);
	if (smccc_ret32(r) != SMCCC_RET_NOT_SUPPORTED) {
		uint32_t w[4] = { (uint32_t)r.a0, (uint32_t)r.a1, (uint32_t)r.a2, (uint32_t)r.a3 };
		smccc_uid_format(w, info.uid);
		info.uid_valid = true;
	}
	kprintf("smccc: version %u.%u via %s, hypervisor UID %s\n", info.version >> 16,
		info.version & 0xffff, smccc_conduit() == SMCCC_CONDUIT_HVC ? "hvc" : "smc",
		info.uid_valid ? info.uid : "none");
	return &info;
}

static bool by_uid(const struct hv_type *t)
{
	const struct smccc_info *i = smccc_probe();
	return i->uid_valid && strcmp(i->uid, t->signature) == 0;
}

/* KVM's services: the vendor features bitmap (bit 1: PTP) and the
 * standard hypervisor PV time service (steal time).  Only recorded: no pv
 * hook uses them yet. */
static void kvm_smccc_init(struct pv_ops *ops)
{
	struct smccc_res r = smccc_call(SMCCC_KVM_FEATURES_FID, 0, 0, 0);
	if (smccc_ret32(r) != SMCCC_RET_NOT_SUPPORTED)
		info.kvm_features = (uint32_t)r.a0;
	info.kvm_ptp = info.kvm_features & (1u << SMCCC_KVM_FEATURE_PTP);
	info.steal_time = implemented(SMCCC_HV_PV_TIME_FEATURES_FID) &&
			  smccc_ret32(smccc_call(SMCCC_HV_PV_TIME_FEATURES_FID,
						 SMCCC_HV_PV_TIME_ST_FID, 0, 0)) == 0;
	kprintf("kvm: vendor services %#x: ptp %s, steal time %s\n", info.kvm_features,
		info.kvm_ptp ? "yes" : "no", info.steal_time ? "yes" : "no");
}

const struct hv_type hv_types[] = {
	{ "KVM", "28b46fb6-2ec5-11e9-a9ca-4b564d003a74", by_uid, kvm_smccc_init },
	{ "Xen", "a71812dc-c698-4369-9acf-79d18ddee667", by_uid, NULL },
};
const unsigned hv_ntypes = ARRAY_SIZE(hv_types);

bool hv_arch_unknown(char *buf, size_t len)
{
	const struct smccc_info *i = smccc_probe();
	if (!i->uid_valid || len == 0)
		return false;
	strlcpy(buf, i->uid, len);
	return true;
}
