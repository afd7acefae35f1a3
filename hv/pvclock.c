/* The shared pvclock reader (hv/pvclock.h): used by kvmclock now and Xen's
 * vcpu_time_info later.  Portable C: the counter read is passed in. */
#include <kern/arch.h>
#include <kern/timer.h>
#include "hv/pvclock.h"

uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t pvclock_read_ns(const volatile struct pvclock_vcpu_time_info *ti,
			 uint64_t (*read_tsc)(void), uint64_t *last)
{
	uint32_t version;
	uint64_t ns;
	do {
		version = ti->version;
		rmb();
		uint64_t tsc = read_tsc();
		uint64_t delta = tsc - ti->tsc_timestamp;
		/* A TSC read a hair before the hypervisor's timestamp must not
		 * wrap into a huge delta. */
		if ((int64_t)delta < 0)
			delta = 0;
		ns = ti->system_time + pvclock_scale(delta, ti->tsc_to_system_mul, ti->tsc_shift);
		rmb();
	} while ((version & 1) || version != ti->version);

	if (last) {
		if (ns < *last)
			ns = *last;
		*last = ns;
	}
	return ns;
}

uint64_t pvclock_tsc_hz(const volatile struct pvclock_vcpu_time_info *ti)
{
	uint32_t mul = ti->tsc_to_system_mul;
	if (!mul)
		return 0;
	/* Invert the scaling: hz = (10^9 << 32) / mul, then undo the shift. */
	uint64_t hz = (NSEC_PER_SEC << 32) / mul;
	int8_t shift = ti->tsc_shift;
	return shift < 0 ? hz << -shift : hz >> shift;
}
