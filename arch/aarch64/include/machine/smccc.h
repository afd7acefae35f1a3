/* The SMC Calling Convention conduit (Arm DEN 0028): how the kernel calls
 * firmware or the hypervisor below it.  The device tree's /psci node names
 * the conduit (hvc under a hypervisor, smc with EL3 firmware or QEMU's
 * virtualization=on); without one no call is ever issued, since an hvc
 * with nothing at EL2 is UNDEFINED.
 *
 * arch/aarch64/smccc.c issues the calls (a faulting hvc/smc is recovered
 * through the exception table and reads as NOT_SUPPORTED); PSCI
 * (arch/aarch64/psci.c) and hv/smccc/ (vendor services) use them. */
#ifndef MACHINE_SMCCC_H
#define MACHINE_SMCCC_H

#include <kern/types.h>

enum smccc_conduit {
	SMCCC_CONDUIT_NONE = 0,
	SMCCC_CONDUIT_HVC,
	SMCCC_CONDUIT_SMC,
};

#define SMCCC_RET_SUCCESS        0
#define SMCCC_RET_NOT_SUPPORTED  (-1)
#define SMCCC_RET_NOT_REQUIRED   (-2)
#define SMCCC_RET_INVALID_PARAMETER (-3)

/* Arm architecture calls (SMCCC 1.1+). */
#define SMCCC_VERSION_FID        0x80000000u
#define SMCCC_ARCH_FEATURES_FID  0x80000001u

/* PSCI (Arm DEN 0022). */
#define PSCI_VERSION_FID         0x84000000u
#define PSCI_CPU_ON_FID          0xc4000003u
#define PSCI_SYSTEM_OFF_FID      0x84000008u
#define PSCI_SYSTEM_RESET_FID    0x84000009u
#define PSCI_FEATURES_FID        0x8400000au

/* Vendor-specific hypervisor service calls (owner 6). */
#define SMCCC_VENDOR_HYP_UID_FID 0x8600ff01u
#define SMCCC_KVM_FEATURES_FID   0x86000000u
#define SMCCC_KVM_PTP_FID        0x86000001u
#define SMCCC_KVM_FEATURE_PTP    1u            /* bit in KVM_FEATURES' w0 */

/* Standard hypervisor service calls (owner 5): paravirtualised time. */
#define SMCCC_HV_PV_TIME_FEATURES_FID 0xc5000020u
#define SMCCC_HV_PV_TIME_ST_FID       0xc5000021u

struct smccc_res {
	uint64_t a0, a1, a2, a3;
};

/* Record the conduit (from the device tree); NONE disables every call. */
void smccc_set_conduit(enum smccc_conduit c);
enum smccc_conduit smccc_conduit(void);
/* Issue fid with three arguments.  Without a conduit, or if the
 * instruction is refused, a0 reads as SMCCC_RET_NOT_SUPPORTED. */
struct smccc_res smccc_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
/* a0 of a call, sign-extended from 32 bits as SMC32 results are. */
static inline int32_t smccc_ret32(struct smccc_res r) { return (int32_t)(uint32_t)r.a0; }

/* PSCI (arch/aarch64/psci.c).  psci_init() reads the version once the
 * conduit is set; the calls fail quietly without PSCI. */
void psci_init(void);
/* PSCI version as (major << 16) | minor, 0 without PSCI. */
uint32_t psci_version(void);
void psci_system_off(void);
void psci_system_reset(void);
int psci_cpu_on(uint64_t mpidr, paddr_t entry, uint64_t context);
/* PSCI_FEATURES(fid) (PSCI 1.0+): >= 0 if fid is implemented. */
int32_t psci_features(uint32_t fid);

#endif
