/* aarch64 stage-1 translation table descriptors (4 KiB granule, 48-bit VA),
 * for the portable walker (kern/ptable.h).
 *
 * The walker numbers levels from the leaves: its level 0 is the
 * architecture's level 3 (4 KiB pages, descriptor type 0b11), its levels 1
 * and 2 are the architecture's levels 2 and 1, where type 0b01 is a 2 MiB or
 * 1 GiB block and 0b11 a table; its level 3 is the root (architecture level
 * 0), which holds tables only.
 *
 * Memory attributes come from MAIR_EL1 (see <machine/cpu.h>): index 0 is
 * normal write-back memory, index 1 Device-nGnRE. */
#ifndef MACHINE_PTE_H
#define MACHINE_PTE_H

#include <kern/types.h>
#include <kern/vm_prot.h>

typedef uint64_t pte_t;

#define PTE_VALID      (1ULL << 0)
#define PTE_TABLE      (1ULL << 1)   /* table (levels 0-2) or page (level 3) */
#define PTE_ATTR(i)    ((uint64_t)(i) << 2)
#define PTE_ATTR_MASK  PTE_ATTR(7)
#define PTE_USER       (1ULL << 6)   /* AP[1]: EL0 may access */
#define PTE_RDONLY     (1ULL << 7)   /* AP[2] */
#define PTE_SH_INNER   (3ULL << 8)
#define PTE_AF         (1ULL << 10)  /* access flag: set, or the first access faults */
#define PTE_NG         (1ULL << 11)  /* not global: tagged with the ASID */
#define PTE_PXN        (1ULL << 53)  /* no execution at EL1 */
#define PTE_UXN        (1ULL << 54)  /* no execution at EL0 */
#define PTE_ADDR_MASK  0x0000fffffffff000ULL

#define MT_NORMAL 0   /* MAIR_EL1 attribute indexes */
#define MT_DEVICE 1

static inline unsigned pt_levels(void) { return 4; }

/* Table descriptors carry no permission limits: the leaf decides. */
static inline pte_t pte_table(paddr_t pa) { return (pa & PTE_ADDR_MASK) | PTE_VALID | PTE_TABLE; }

static inline pte_t pte_leaf(paddr_t pa, unsigned prot)
{
	pte_t e = (pa & PTE_ADDR_MASK) | PTE_VALID | PTE_TABLE | PTE_AF | PTE_SH_INNER;
	e |= PTE_ATTR(prot & PROT_NOCACHE ? MT_DEVICE : MT_NORMAL);
	if (!(prot & PROT_W))
		e |= PTE_RDONLY;
	if (prot & PROT_USER)
		e |= PTE_USER;
	/* The kernel never executes user pages, nor user code kernel pages. */
	if (!(prot & PROT_X) || (prot & PROT_USER))
		e |= PTE_PXN;
	if (!(prot & PROT_X) || !(prot & PROT_USER))
		e |= PTE_UXN;
	if (!(prot & PROT_GLOBAL))
		e |= PTE_NG;
	return e;
}

static inline bool pte_valid(pte_t e) { return e & PTE_VALID; }
static inline bool pte_is_leaf(pte_t e, unsigned level)
{
	return level == 0 || (e & (PTE_VALID | PTE_TABLE)) == PTE_VALID;
}
static inline paddr_t pte_pa(pte_t e) { return e & PTE_ADDR_MASK; }
static inline unsigned pte_prot(pte_t e)
{
	unsigned p = PROT_R;
	if (!(e & PTE_RDONLY)) p |= PROT_W;
	if (e & PTE_USER) p |= PROT_USER;
	if (!(e & (e & PTE_USER ? PTE_UXN : PTE_PXN))) p |= PROT_X;
	if ((e & PTE_ATTR_MASK) == PTE_ATTR(MT_DEVICE)) p |= PROT_NOCACHE;
	if (!(e & PTE_NG)) p |= PROT_GLOBAL;
	return p;
}

/* Make entries just written visible to the page walker: the walker is not
 * coherent with ordinary stores until a DSB, and instructions already
 * fetched need an ISB (Arm ARM, "Ordering of translation table walks"). */
static inline void pte_publish(void) { __asm__ volatile("dsb ishst; isb" ::: "memory"); }

#endif
