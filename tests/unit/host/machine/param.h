/* Host-test stand-in for <machine/param.h>: 4 KiB pages, and "physical"
 * addresses that are plain host pointers (identity direct map). */
#ifndef MACHINE_PARAM_H
#define MACHINE_PARAM_H

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

#ifndef __ASSEMBLER__
#include <kern/types.h>
static inline void *phys_to_virt(paddr_t pa) { return (void *)(uintptr_t)pa; }
#endif

#endif
