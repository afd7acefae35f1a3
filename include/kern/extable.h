/* The exception table: instructions that are allowed to fault, and where
 * execution resumes when they do (arch_probe_read64, later copyin and
 * copyout).  Each arch emits entries into the .extable section from its
 * inline assembly; the linker script brackets them with __extable_start
 * and __extable_end; every arch's trap handler asks here first. */
#ifndef KERN_EXTABLE_H
#define KERN_EXTABLE_H

#include <kern/types.h>

struct extable_entry {
	uint64_t fault_pc;   /* the instruction that may fault */
	uint64_t fixup_pc;   /* where to resume if it does */
};

/* The resume address for a fault at pc, or 0 if pc may not fault. */
uintptr_t extable_fixup(uintptr_t pc);

#endif
