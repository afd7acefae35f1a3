/* Hypervisor services behind the SMC Calling Convention (hv/smccc/): the
 * SMCCC version, the hypervisor's vendor UID, and what KVM's vendor and
 * the standard hypervisor services offer.  aarch64 only. */
#ifndef HV_SMCCC_SMCCC_HV_H
#define HV_SMCCC_SMCCC_HV_H

#include <kern/types.h>

struct smccc_info {
	bool probed;
	uint32_t version;          /* (major << 16) | minor; 0 without a conduit */
	bool uid_valid;            /* the vendor hypervisor UID call answered */
	char uid[37];              /* "28b46fb6-2ec5-11e9-a9ca-4b564d003a74" */
	uint32_t kvm_features;     /* KVM vendor services bitmap (KVM only) */
	bool kvm_ptp;              /* KVM_PTP: host/guest clock correlation */
	bool steal_time;           /* SMCCC_HV_PV_TIME_ST */
};

/* Probe once (no call is made without a conduit); the result. */
const struct smccc_info *smccc_probe(void);

/* Format the 16 bytes the UID call returns in w0-w3 (each little endian)
 * as RFC 4122 text; buf holds 37 bytes.  Exposed for the ktest. */
void smccc_uid_format(const uint32_t w[4], char buf[37]);

#endif
