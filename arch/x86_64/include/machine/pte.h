/* x86_64 4-level page-table entries, for the portable walker (kern/ptable.h). */
#ifndef MACHINE_PTE_H
#define MACHINE_PTE_H

#include <kern/types.h>
#include <kern/vm_prot.h>

typedef uint64_t pte_t;

#define PTE_P    (1ULL << 0)
#define PTE_W    (1ULL << 1)
#define PTE_U    (1ULL << 2)
#define PTE_PWT  (1ULL << 3)
#define PTE_PCD  (1ULL << 4)
#define PTE_A    (1ULL << 5)
#define PTE_D    (1ULL << 6)
#define PTE_PS   (1ULL << 7)
#define PTE_G    (1ULL << 8)
#define PTE_NX   (1ULL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL

static inline unsigned pt_levels(void) { return 4; }

/* Intermediate tables are permissive; the leaf decides. */
static inline pte_t pte_table(paddr_t pa) { return (pa & PTE_ADDR_MASK) | PTE_P | PTE_W | PTE_U; }

static inline pte_t pte_leaf(paddr_t pa, unsigned prot)
{
	pte_t e = (pa & PTE_ADDR_MASK) | PTE_P | PTE_A;
	if (prot & PROT_W) e |= PTE_W | PTE_D;
	if (prot & PROT_USER) e |= PTE_U;
	if (!(prot & PROT_X)) e |= PTE_NX;
	if (prot & PROT_NOCACHE) e |= PTE_PCD | PTE_PWT;
	if (prot & PROT_GLOBAL) e |= PTE_G;
	return e;
}

static inline bool pte_valid(pte_t e) { return e & PTE_P; }
/* level 0 is the leaf level; PS marks a large leaf at levels 1 and 2. */
static inline bool pte_is_leaf(pte_t e, unsigned level) { return level == 0 || (e & PTE_PS); }
static inline paddr_t pte_pa(pte_t e) { return e & PTE_ADDR_MASK; }
static inline unsigned pte_prot(pte_t e)
{
	unsigned p = PROT_R;
	if (e & PTE_W) p |= PROT_W;
	if (e & PTE_U) p |= PROT_USER;
	if (!(e & PTE_NX)) p |= PROT_X;
	if (e & PTE_PCD) p |= PROT_NOCACHE;
	if (e & PTE_G) p |= PROT_GLOBAL;
	return p;
}

/* Make entries just written visible to the page walker.  x86 walks see
 * ordinary stores in program order and never cache non-present entries. */
static inline void pte_publish(void) { __asm__ volatile("" ::: "memory"); }

#endif
