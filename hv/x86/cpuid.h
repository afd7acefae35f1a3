/* Hypervisor CPUID leaves on x86 (hv/x86/cpuid.c).  x86-only. */
#ifndef HV_X86_CPUID_H
#define HV_X86_CPUID_H

#include <kern/types.h>

/* The base leaf (0x40000000 + n * 0x100) whose vendor signature is sig
 * (12 bytes), or 0 if there is none or no hypervisor bit. */
uint32_t hv_cpuid_base(const char *sig);

#endif
