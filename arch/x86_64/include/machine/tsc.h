/* The TSC frequency as a hypervisor states it.  hv/kvm passes the rate the
 * kvmclock page implies; tsc_init() (arch/x86_64/tsc.c) then prefers it to
 * CPUID guesses and to measuring against the PIT.  Call before
 * arch_init_platform(). */
#ifndef MACHINE_TSC_H
#define MACHINE_TSC_H

#include <kern/types.h>

void tsc_set_known_hz(uint64_t hz, const char *source);

#endif
