/* riscv64 Sv48/Sv39 page-table entries, for the portable walker
 * (kern/ptable.h).  Privileged spec 1.12, 4.4-4.5, and Svpbmt.
 *
 *   bit 0 V, 1 R, 2 W, 3 X, 4 U, 5 G, 6 A, 7 D, 8-9 RSW (software),
 *   10-53 PPN, 61-62 PBMT (Svpbmt), 63 N (Svnapot)
 *
 * An entry with V set and R, W, X all clear points to the next table; any
 * of R/W/X set makes it a leaf, at any level.  The number of levels is a
 * run-time fact: 4 under Sv48, 3 under the Sv39 fallback (boot/start.S
 * decides, riscv_pt_levels records it). */
#ifndef MACHINE_PTE_H
#define MACHINE_PTE_H

#include <kern/types.h>
#include <kern/vm_prot.h>

typedef uint64_t pte_t;

#define PTE_V    (1ULL << 0)
#define PTE_R    (1ULL << 1)
#define PTE_W    (1ULL << 2)
#define PTE_X    (1ULL << 3)
#define PTE_U    (1ULL << 4)
#define PTE_G    (1ULL << 5)
#define PTE_A    (1ULL << 6)
#define PTE_D    (1ULL << 7)
/* Software bit: the mapping was asked for as device memory.  Without Svpbmt
 * no hardware bit can say so (the platform's PMAs decide), so this is what
 * lets pte_prot() give back PROT_NOCACHE. */
#define PTE_SW_DEVICE (1ULL << 8)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK  (((1ULL << 44) - 1) << PTE_PPN_SHIFT)
#define PTE_PBMT_MASK (3ULL << 61)
#define PTE_PBMT_NC   (1ULL << 61)
#define PTE_PBMT_IO   (2ULL << 61)
#define PTE_RWX  (PTE_R | PTE_W | PTE_X)

/* 4 (Sv48) or 3 (Sv39), set at boot before any table is walked. */
extern unsigned riscv_pt_levels;
/* PTE_PBMT_IO when the hart has Svpbmt (device mappings get the I/O memory
 * type), else 0. */
extern uint64_t riscv_pte_device_bits;

static inline unsigned pt_levels(void) { return riscv_pt_levels; }

static inline pte_t pa_to_ppn_bits(paddr_t pa)
{
	return (pa >> 12 << PTE_PPN_SHIFT) & PTE_PPN_MASK;
}

/* Non-leaf entries must have R, W, X, U, A and D clear. */
static inline pte_t pte_table(paddr_t pa) { return pa_to_ppn_bits(pa) | PTE_V; }

/* Every valid leaf is readable (W without R is reserved, and an entry with
 * no R/W/X would be a table pointer).  A and D are set up front so the
 * hart never needs to fault or update them (Svade or Svadu alike). */
static inline pte_t pte_leaf(paddr_t pa, unsigned prot)
{
	pte_t e = pa_to_ppn_bits(pa) | PTE_V | PTE_R | PTE_A;
	if (prot & PROT_W) e |= PTE_W | PTE_D;
	if (prot & PROT_X) e |= PTE_X;
	/* Global means "the same in every address space": kernel mappings
	 * only, or one task's page would show through another's ASID. */
	if (prot & PROT_USER) e |= PTE_U;
	else if (prot & PROT_GLOBAL) e |= PTE_G;
	if (prot & PROT_NOCACHE) e |= PTE_SW_DEVICE | riscv_pte_device_bits;
	return e;
}

static inline bool pte_valid(pte_t e) { return e & PTE_V; }
static inline bool pte_is_leaf(pte_t e, unsigned level) { return level == 0 || (e & PTE_RWX); }
static inline paddr_t pte_pa(pte_t e) { return (e & PTE_PPN_MASK) >> PTE_PPN_SHIFT << 12; }
static inline unsigned pte_prot(pte_t e)
{
	unsigned p = 0;
	if (e & PTE_R) p |= PROT_R;
	if (e & PTE_W) p |= PROT_W;
	if (e & PTE_X) p |= PROT_X;
	if (e & PTE_U) p |= PROT_USER;
	if (e & PTE_G) p |= PROT_GLOBAL;
	if (e & PTE_SW_DEVICE) p |= PROT_NOCACHE;
	return p;
}

/* Make entries just written visible to the page walker.  The privileged
 * spec lets a hart cache invalid entries too, so a new mapping needs an
 * sfence.vma after the stores (which it also orders). */
static inline void pte_publish(void) { __asm__ volatile("sfence.vma" ::: "memory"); }

#endif
