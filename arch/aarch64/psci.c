/* PSCI, the Arm power interface (DEN 0022), through the SMCCC conduit:
 * power-off and reset for the pv layer, CPU_ON for later SMP bring-up. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/printf.h>
#include <machine/smccc.h>

static uint32_t version;

void psci_init(void)
{
	if (smccc_conduit() == SMCCC_CONDUIT_NONE)
		return;
	int32_t v = smccc_ret32(smccc_call(PSCI_VERSION_FID, 0, 0, 0));
	version = v < 0 ? 0 : (uint32_t)v;
}

uint32_t psci_version(void) { return version; }

int32_t psci_features(uint32_t fid)
{
	if (version < 0x10000)
		return SMCCC_RET_NOT_SUPPORTED;
	return smccc_ret32(smccc_call(PSCI_FEATURES_FID, fid, 0, 0));
}

void psci_system_off(void)
{
	if (version)
		smccc_call(PSCI_SYSTEM_OFF_FID, 0, 0, 0);
}

void psci_system_reset(void)
{
	if (version)
		smccc_call(PSCI_SYSTEM_RESET_FID, 0, 0, 0);
}

int psci_cpu_on(uint64_t mpidr, paddr_t entry, uint64_t context)
{
	if (!version)
		return K_ENODEV;
	int32_t rc = (int32_t)smccc_call(PSCI_CPU_ON_FID, mpidr, entry, context).a0;
	switch (rc) {
	case 0:  return K_OK;
	case -2: return K_EINVAL;     /* INVALID_PARAMETERS */
	case -4: return K_EBUSY;      /* ALREADY_ON */
	case -5: return K_EBUSY;      /* ON_PENDING */
	default: return K_EIO;
	}
}
