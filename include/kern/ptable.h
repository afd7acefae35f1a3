/* Portable page-table walker.
 *
 * All three architectures use radix trees of 512-entry, 4 KiB tables with
 * 4 KiB leaves (x86_64 4-level, aarch64 4 KiB granule 48-bit, riscv64 Sv48 or
 * Sv39), so the walk is written once here.  The entry format comes from the
 * arch through <machine/pte.h> (pte_t, pte_table(), pte_leaf(), pte_valid(),
 * pte_is_leaf(), pte_pa(), pte_prot(), pt_levels()).
 *
 * TLB invalidation after unmap/protect goes through pv_tlb_flush().  Callers
 * serialise access to one tree. */
#ifndef KERN_PTABLE_H
#define KERN_PTABLE_H

#include <kern/types.h>
#include <kern/vm_prot.h>

struct ptable {
	paddr_t root;          /* physical address of the top-level table */
	size_t table_pages;    /* page-table pages currently held */
};

/* Allocate an empty tree. */
int ptable_create(struct ptable *pt);
/* Free every table page of the tree (not the pages it maps). */
void ptable_destroy(struct ptable *pt);

/* Map [va, va+len) to [pa, pa+len) with prot.  Fails with K_EEXIST (and maps
 * nothing) if any page of the range is already mapped; K_ENOMEM if tables
 * could not be allocated. */
int ptable_map(struct ptable *pt, vaddr_t va, paddr_t pa, size_t len, unsigned prot);
/* Unmap every mapped page of the range; unmapped holes are skipped. */
int ptable_unmap(struct ptable *pt, vaddr_t va, size_t len);
/* Change the protection of every mapped page of the range; K_ENOENT if none. */
int ptable_protect(struct ptable *pt, vaddr_t va, size_t len, unsigned prot);
/* Look up va; returns false if it is not mapped. */
bool ptable_translate(const struct ptable *pt, vaddr_t va, paddr_t *pa, unsigned *prot);

/* The live kernel tree (implemented by the arch). */
struct ptable *kernel_ptable(void);

/* Hooks the walker needs from its environment (kernel: vm/page_glue.c;
 * host tests: their own fakes). */
paddr_t ptable_page_alloc(void);       /* zeroed page or PADDR_NONE */
void ptable_page_free(paddr_t pa);
void *ptable_page_ptr(paddr_t pa);     /* where the table's bytes can be read */

#endif
