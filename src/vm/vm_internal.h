/* What vm_map.c and vm_fault.c share and nobody else needs. */
#ifndef VM_INTERNAL_H
#define VM_INTERNAL_H

#include <kern/arch.h>
#include <kern/vm_region.h>

#define VM_PROT_ALL (PROT_R | PROT_W | PROT_X)

/* The map lock.  One CPU for now: interrupts off, which also keeps the
 * scheduler from running another thread of the task in the middle of a
 * change.  The pair nests (faults taken with interrupts already off).  SMP
 * turns this into a per-map lock. */
static inline irqflags_t vm_map_lock(struct vm_map *map)
{
	(void)map;
	return arch_irq_save();
}

static inline void vm_map_unlock(struct vm_map *map, irqflags_t flags)
{
	(void)map;
	arch_irq_restore(flags);
}

/* The page-table protection for a page of a region with protection prot:
 * user-accessible with the region's rights, or, for a region with no
 * rights at all, a kernel-only entry that keeps the page's contents without
 * letting the task touch it. */
static inline unsigned vm_pte_prot(unsigned prot)
{
	prot &= VM_PROT_ALL;
	return prot ? prot | PROT_USER : 0;
}

/* Make the page at page (inside region r) present, a fresh zeroed page if it
 * was not; its physical address in *pa.  With overwrite, a fresh page is
 * left as the allocator gave it: the caller fills all of it before
 * unlocking the map, so no one sees the old contents.  Called with the map
 * locked. */
int vm_page_in(struct vm_map *map, const struct vm_region *r, vaddr_t page, bool overwrite,
	       paddr_t *pa);

#endif
