/* Address spaces on x86_64 (user_space.c): the kernel's root, the kernel
 * half every user root shares, PCIDs and what keeps their TLB entries
 * honest. */
#ifndef X86_MMU_H
#define X86_MMU_H

#include <kern/types.h>

/* Load the kernel's root (from arch_mmu_activate) and turn PCIDs on when
 * the CPU has them. */
void x86_kernel_root_activate(paddr_t root);
/* Freeze the kernel half: create the top-level entries kmap can still fill
 * (the ioremap window) and record the ones user roots will share.  Called
 * once the platform is up, before any user space exists. */
void x86_kernel_half_freeze(void);
/* The pv TLB hooks (pv_native.c), with interrupts off, call this after
 * invalidating: the current PCID is clean, every other one may hold stale
 * entries. */
void x86_tlb_flushed(void);
bool x86_pcid_enabled(void);
/* How many kernel-half top-level entries user roots share. */
unsigned x86_kernel_half_shared(void);

#endif
