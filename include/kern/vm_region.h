/* The region list of a vm_map (src/vm/vm_region.c): pure bookkeeping of
 * which ranges of a task's address space exist and with what protection.
 * It never touches page tables or pages, so the host tests link it alone;
 * vm_map.c and vm_fault.c put the page tables and the pages on top.
 *
 * Regions are kept sorted by start, never overlap, are page aligned, and
 * neighbours with the same protection are merged (Mach's "simplify"), so
 * the list stays as short as the map's shape allows.
 *
 * Callers hold the map's lock (see vm_map.c). */
#ifndef KERN_VM_REGION_H
#define KERN_VM_REGION_H

#include <kern/vm_map.h>

/* Region records come from the environment: a slab cache in the kernel
 * (vm_map.c), malloc in the host tests. */
struct vm_region *vm_region_alloc(void);
void vm_region_free(struct vm_region *r);

/* Navigation. */
struct vm_region *vm_region_first(const struct vm_map *map);
struct vm_region *vm_region_next(const struct vm_map *map, const struct vm_region *r);
/* The region containing va, or NULL. */
struct vm_region *vm_region_lookup(const struct vm_map *map, vaddr_t va);
/* The first region that ends above va (the one containing va, or the next
 * one up), or NULL. */
struct vm_region *vm_region_first_above(const struct vm_map *map, vaddr_t va);

/* True if no region overlaps [start, end). */
bool vm_region_range_free(const struct vm_map *map, vaddr_t start, vaddr_t end);
/* True if [start, end) is covered by regions without a hole and each of
 * them allows every bit of prot. */
bool vm_region_range_allows(const struct vm_map *map, vaddr_t start, vaddr_t end, unsigned prot);
/* The lowest page-aligned start of a free range of size bytes inside
 * [lo, hi): K_OK and *start, or K_ENOSPC. */
int vm_region_find_space(const struct vm_map *map, size_t size, vaddr_t lo, vaddr_t hi,
			 vaddr_t *start);

/* Add [start, end), which must be free (K_EEXIST otherwise); K_ENOMEM if no
 * record could be had.  Merges with equal neighbours. */
int vm_region_insert(struct vm_map *map, vaddr_t start, vaddr_t end, unsigned prot,
		     unsigned max_prot);
/* The same for a region over fixed physical memory from pa (see struct
 * vm_region.fixed): it never merges with a neighbour. */
int vm_region_insert_fixed(struct vm_map *map, vaddr_t start, vaddr_t end, unsigned prot,
			   unsigned max_prot, paddr_t pa);
/* Split the regions that straddle start or end, so that every region is
 * either inside [start, end) or outside it.  K_ENOMEM, with nothing
 * changed, if the records for the splits could not be had. */
int vm_region_clip(struct vm_map *map, vaddr_t start, vaddr_t end);
/* Remove the region r (already clipped to what the caller wants gone). */
void vm_region_remove(struct vm_map *map, struct vm_region *r);
/* Merge equal neighbours around [start, end) (after a protection change). */
void vm_region_coalesce(struct vm_map *map, vaddr_t start, vaddr_t end);

/* The same question as vm_region_range_allows(), asked of a live map under
 * its lock, for any byte range (vm_map.c; used by the copy routines). */
bool vm_map_range_allows(struct vm_map *map, vaddr_t va, size_t len, unsigned prot);

#endif
