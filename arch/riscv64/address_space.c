/* Address spaces on riscv64: the kernel's page tables, user trees that
 * share the kernel's half of them, and switching between trees with ASIDs.
 *
 * One root table serves both halves (there is no second satp), so every
 * user root carries a copy of the kernel root's upper 256 entries
 * (arch_user_space_init).  Copies go stale if the kernel root's upper half
 * ever changes, so it is completed before the first user root exists and
 * never changes after:
 *   - Sv48: the whole kernel layout (machine/param.h) lies in the top
 *     512 GiB, one root entry, made by kmap_init for the direct map;
 *   - Sv39: root entries are 1 GiB each.  The direct map's (RAM is all
 *     mapped at boot) and the image's are made by kmap_init; the ioremap
 *     window (one entry: IOREMAP_SIZE is 1 GiB) is filled on demand, so
 *     its entry is made here, at boot, before anything is mapped in it.
 * Below those entries tables come and go freely: every root points to the
 * same ones.
 *
 * ASIDs: writing all ones to satp.ASID and reading it back gives the
 * number of ASID bits the hart implements (0 to 16).  The portable VM
 * hands out one asid per address space (struct vm_map); it becomes a
 * hardware ASID (folded into the hart's range when there are more) and the
 * arch remembers which root each hardware ASID last served.  Switching to
 * a root that its ASID last served needs no flush at all; anything else (a
 * reused ASID, a reused root page, no ASIDs at all) flushes that ASID's
 * translations — never the kernel's, which are global (G). */
#include <kern/arch.h>
#include <kern/page_alloc.h>
#include <kern/panic.h>
#include <kern/ptable.h>
#include <machine/csr.h>
#include <machine/pte.h>
#include "riscv.h"

#define ROOT_ENTRIES      512
#define KERNEL_HALF_FIRST 256   /* the upper half, Sv48 and Sv39 alike */
/* Hardware ASIDs tracked (the rest of a 16-bit range folds onto these). */
#define ASID_TRACKED      4096

static unsigned long satp_mode;
static unsigned asid_bits;                      /* implemented by the hart */
static unsigned long asid_count;                /* usable, besides 0 */
static paddr_t asid_root[ASID_TRACKED];         /* root each ASID last served */

static unsigned root_shift(void)
{
	return PAGE_SHIFT + 9 * (pt_levels() - 1);
}

static unsigned root_index(vaddr_t va)
{
	return (unsigned)(va >> root_shift()) % ROOT_ENTRIES;
}

static unsigned long make_satp(paddr_t root, unsigned long asid)
{
	return satp_mode << SATP_MODE_SHIFT | asid << SATP_ASID_SHIFT |
		((root >> PAGE_SHIFT) & SATP_PPN_MASK);
}

/* Make the root entries of the ioremap window now (see the top). */
static void kernel_half_complete(struct ptable *kpt)
{
	pte_t *root = ptable_page_ptr(kpt->root);
	for (unsigned i = root_index(IOREMAP_BASE); i <= root_index(IOREMAP_BASE + IOREMAP_SIZE - 1); i++) {
		if (pte_valid(root[i]))
			continue;
		paddr_t table = ptable_page_alloc();
		if (table == PADDR_NONE)
			panic("riscv: no memory for the ioremap window's page table");
		root[i] = pte_table(table);
		kpt->table_pages++;
	}
}

static void probe_asids(paddr_t root)
{
	/* The kernel's mappings are global, so they stay valid under any
	 * ASID while the probe value is in satp. */
	csr_write(satp, make_satp(root, SATP_ASID_MASK));
	unsigned long bits = csr_read(satp) >> SATP_ASID_SHIFT & SATP_ASID_MASK;
	csr_write(satp, make_satp(root, 0));
	sfence_vma_all();
	asid_bits = (unsigned)__builtin_popcountl(bits);
	asid_count = bits < ASID_TRACKED - 1 ? bits : ASID_TRACKED - 1;
	for (unsigned i = 0; i < ASID_TRACKED; i++)
		asid_root[i] = PADDR_NONE;
	asid_root[0] = root;
}

void arch_mmu_activate(paddr_t root)
{
	satp_mode = pt_levels() == 4 ? SATP_MODE_SV48 : SATP_MODE_SV39;
	if (root == kernel_ptable()->root)
		kernel_half_complete(kernel_ptable());
	sfence_vma_all();   /* the tables' stores before the walker reads them */
	csr_write(satp, make_satp(root, 0));
	sfence_vma_all();
	probe_asids(root);
}

unsigned long riscv_asid_count(void) { return asid_count; }
unsigned riscv_asid_bits(void) { return asid_bits; }

unsigned long riscv_hw_asid(unsigned asid)
{
	if (asid == 0 || asid_count == 0)
		return 0;
	return 1 + (asid - 1) % asid_count;
}

void arch_user_space_init(struct ptable *pt)
{
	const pte_t *kernel = ptable_page_ptr(kernel_ptable()->root);
	pte_t *user = ptable_page_ptr(pt->root);
	for (unsigned i = KERNEL_HALF_FIRST; i < ROOT_ENTRIES; i++)
		user[i] = kernel[i];
	/* A root page that served an earlier address space must not inherit
	 * its ASID's translations. */
	for (unsigned long a = 0; a <= asid_count; a++)
		if (asid_root[a] == pt->root)
			asid_root[a] = PADDR_NONE;
}

void arch_user_space_activate(const struct ptable *pt, unsigned asid)
{
	unsigned long hw = riscv_hw_asid(asid);
	unsigned long want = make_satp(pt->root, hw);
	bool stale = asid_root[hw] != pt->root;

	if (!stale && csr_read(satp) == want)
		return;
	csr_write(satp, want);
	if (stale) {
		/* Nothing runs in user mode before the flush completes. */
		sfence_vma_asid(hw);
		asid_root[hw] = pt->root;
	}
}
