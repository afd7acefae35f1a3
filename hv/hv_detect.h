/* The hypervisor detection table (hv/detect.c walks it).
 *
 * One entry per hypervisor this architecture can recognise: its name, the
 * signature the architecture's probe reports for it (on x86 the 12-byte
 * vendor string of a CPUID 0x40000000-range leaf), how to detect it, and
 * what to do when it is found (NULL: nothing to use beyond the name).
 *
 * Each architecture supplies the table and the "unknown hypervisor" probe in
 * its own file (x86: hv/kvm/x86_cpuid.c, CPUID leaves; riscv64: hv/sbi/,
 * SBI implementation ids; aarch64 later: SMCCC vendor UIDs); hv/detect.c
 * stays portable. */
#ifndef HV_HV_DETECT_H
#define HV_HV_DETECT_H

#include <kern/types.h>
#include "pv/pv.h"

struct hv_type {
	const char *name;
	const char *signature;
	bool (*detect)(const struct hv_type *t);
	void (*init)(struct pv_ops *ops);
};

extern const struct hv_type hv_types[];
extern const unsigned hv_ntypes;

/* True if some hypervisor is present that no table entry matched; its raw
 * signature is written (printable, NUL-terminated) to buf. */
bool hv_arch_unknown(char *buf, size_t len);

#endif
