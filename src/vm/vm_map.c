/* Task address spaces (see kern/vm_map.h): Mach's vm_allocate,
 * vm_deallocate and vm_protect over the region list (vm_region.c), with the
 * page tables and the pages behind them.
 *
 * Ranges follow Mach: the start is truncated and the end rounded to pages;
 * vm_deallocate and vm_protect step over holes; vm_allocate(anywhere)
 * takes the lowest gap that fits.  Pages exist only once touched
 * (vm_fault.c); every page and every table goes back to the page allocator
 * when its region goes.
 *
 * Address-space ids: every map gets a new number (vm_map.asid), never 0
 * ("none") and not reused until the counter wraps.  The arch folds it onto
 * its hardware PCIDs/ASIDs and remembers which (tree, number) each one last
 * served, flushing when that changes; so two live maps may share a hardware
 * id, at the cost of a flush, but a stale translation is never used. */
#include <kern/errno.h>
#include <kern/kmem.h>
#include <kern/page_alloc.h>
#include <kern/ptable.h>
#include <kern/vm_map.h>
#include "vm_internal.h"

static struct kmem_cache *region_cache;

/* An address space with an empty user half: what the CPU runs on when no
 * task's map is active (and what it moves to when the active map is
 * destroyed, so it never runs on freed tables). */
static struct vm_map kernel_only;
static bool kernel_only_ready;
/* The map the CPU runs on; NULL until the first activation.  And the
 * same when it is a task's (vm_map_current() reads it), NULL when it is
 * kernel_only. */
static struct vm_map *active;
struct vm_map *vm_map_active_user;
static unsigned next_asid = 1;

struct vm_region *vm_region_alloc(void)
{
	return kmem_cache_alloc(region_cache);
}

void vm_region_free(struct vm_region *r)
{
	kmem_cache_free(region_cache, r);
}

static int space_init(struct vm_map *map)
{
	list_init(&map->regions);
	map->nregions = 0;
	map->hint[0] = map->hint[1] = NULL;
	map->hint_next = 0;
	map->resident_pages = 0;
	irqflags_t f = arch_irq_save();
	map->asid = next_asid++;
	if (next_asid == 0)
		next_asid = 1;
	arch_irq_restore(f);
	int rc = ptable_create(&map->pt);
	if (rc != K_OK)
		return rc;
	arch_user_space_init(&map->pt);
	return K_OK;
}

int vm_map_init(struct vm_map *map)
{
	irqflags_t f = arch_irq_save();
	int rc = K_OK;
	if (!region_cache)
		region_cache = kmem_cache_create("vm_region", sizeof(struct vm_region), 8);
	if (!region_cache)
		rc = K_ENOMEM;
	if (rc == K_OK && !kernel_only_ready) {
		rc = space_init(&kernel_only);
		kernel_only_ready = rc == K_OK;
	}
	arch_irq_restore(f);
	if (rc != K_OK) {
		list_init(&map->regions);
		map->pt.root = PADDR_NONE;
		return rc;
	}
	return space_init(map);
}

static void activate_locked(struct vm_map *map)
{
	if (map && map != active) {
		arch_user_space_activate(&map->pt, map->asid);
		active = map;
		vm_map_active_user = map == &kernel_only ? NULL : map;
	}
}

void vm_map_activate(struct vm_map *map)
{
	irqflags_t f = arch_irq_save();
	activate_locked(map ? map : (kernel_only_ready ? &kernel_only : NULL));
	arch_irq_restore(f);
}


/* Unmap and free every present page of region r.  Pages are freed only
 * after the unmap has flushed the TLB, in batches so that a large region
 * costs one flush per batch rather than one per page.  The walk stops early
 * once every resident page of the map has been found.  A fixed region's
 * pages are the kernel's: unmapped, not freed. */
static void release_pages(struct vm_map *map, const struct vm_region *r)
{
	vaddr_t start = r->start, end = r->end;
	if (r->fixed) {
		ptable_unmap(&map->pt, start, end - start);
		return;
	}
	paddr_t batch[32];
	unsigned n = 0;
	vaddr_t span = start, va = start;
	for (; va < end && map->resident_pages > n; va += PAGE_SIZE) {
		paddr_t pa;
		if (ptable_translate(&map->pt, va, &pa, NULL))
			batch[n++] = pa;
		if (n == ARRAY_SIZE(batch)) {
			ptable_unmap(&map->pt, span, va + PAGE_SIZE - span);
			for (unsigned i = 0; i < n; i++)
				page_free(batch[i], 0);
			map->resident_pages -= n;
			span = va + PAGE_SIZE;
			n = 0;
		}
	}
	/* Unmapping the rest of the range, holes included, also frees the
	 * tables the range no longer needs. */
	if (span < end)
		ptable_unmap(&map->pt, span, end - span);
	for (unsigned i = 0; i < n; i++)
		page_free(batch[i], 0);
	map->resident_pages -= n;
}

void vm_map_destroy(struct vm_map *map)
{
	if (map->pt.root == PADDR_NONE)
		return;            /* vm_map_init failed: nothing was made */
	irqflags_t f = vm_map_lock(map);
	if (active == map)
		activate_locked(&kernel_only);
	struct vm_region *r;
	while ((r = vm_region_first(map))) {
		release_pages(map, r);
		vm_region_remove(map, r);
	}
	/* Every user-half table is empty now; sweep them all, then free the
	 * root alone: on x86_64 and riscv64 its upper half points at the
	 * kernel's own tables, which are shared and must stay. */
	ptable_unmap(&map->pt, USER_BASE, USER_END - USER_BASE);
	ptable_page_free(map->pt.root);
	map->pt.table_pages--;
	map->pt.root = PADDR_NONE;
	vm_map_unlock(map, f);
}

/* [addr, addr+size) rounded out to pages, inside user space; false if it
 * wraps or leaves user space. */
static bool user_range(vaddr_t addr, size_t size, vaddr_t *start, vaddr_t *end)
{
	vaddr_t s = ALIGN_DOWN(addr, PAGE_SIZE);
	if (addr + size < addr || addr + size > USER_END)
		return false;
	vaddr_t e = ALIGN_UP(addr + size, PAGE_SIZE);
	if (s < USER_BASE || e < s)
		return false;
	*start = s;
	*end = e;
	return true;
}

/* Where a new region of len bytes goes: anywhere free in user space, or
 * at addr (rounded down to its page) if the range lies in user space.
 * The map is locked. */
static int place(struct vm_map *map, vaddr_t addr, size_t len, bool anywhere, vaddr_t *start)
{
	*start = ALIGN_DOWN(addr, PAGE_SIZE);
	if (anywhere)
		return vm_region_find_space(map, len, USER_BASE, USER_END, start);
	if (*start < USER_BASE || *start >= USER_END || len > USER_END - *start)
		return K_EINVAL;
	return K_OK;
}

int vm_allocate(struct vm_map *map, vaddr_t *addr, size_t size, bool anywhere, unsigned prot)
{
	if (prot & ~VM_PROT_ALL)
		return K_EINVAL;
	if (size == 0) {           /* Mach: nothing to do, and no address */
		*addr = 0;
		return K_OK;
	}
	size_t len = ALIGN_UP(size, PAGE_SIZE);
	if (len < size)
		return K_EINVAL;
	irqflags_t f = vm_map_lock(map);
	vaddr_t start;
	int rc = place(map, *addr, len, anywhere, &start);
	if (rc == K_OK)
		rc = vm_region_insert(map, start, start + len, prot, VM_PROT_ALL);
	if (rc == K_OK)
		*addr = start;
	vm_map_unlock(map, f);
	return rc;
}

int vm_map_fixed(struct vm_map *map, vaddr_t *addr, size_t size, bool anywhere, paddr_t pa,
		 unsigned prot, unsigned max_prot)
{
	if ((prot | max_prot) & ~VM_PROT_ALL || (prot & max_prot) != prot ||
	    !IS_ALIGNED(pa, PAGE_SIZE) || size == 0)
		return K_EINVAL;
	size_t len = ALIGN_UP(size, PAGE_SIZE);
	if (len < size)
		return K_EINVAL;
	irqflags_t f = vm_map_lock(map);
	vaddr_t start;
	int rc = place(map, *addr, len, anywhere, &start);
	if (rc == K_OK)
		rc = vm_region_insert_fixed(map, start, start + len, prot, max_prot, pa);
	if (rc == K_OK)
		*addr = start;
	vm_map_unlock(map, f);
	return rc;
}

int vm_deallocate(struct vm_map *map, vaddr_t addr, size_t size)
{
	vaddr_t start, end;
	if (size == 0)
		return K_OK;
	if (!user_range(addr, size, &start, &end))
		return K_EINVAL;
	irqflags_t f = vm_map_lock(map);
	int rc = vm_region_clip(map, start, end);
	if (rc == K_OK) {
		struct vm_region *r = vm_region_first_above(map, start);
		while (r && r->start < end) {
			struct vm_region *next = vm_region_next(map, r);
			release_pages(map, r);
			vm_region_remove(map, r);
			r = next;
		}
	}
	vm_map_unlock(map, f);
	return rc;
}

int vm_protect(struct vm_map *map, vaddr_t addr, size_t size, bool set_max, unsigned prot)
{
	vaddr_t start, end;
	if (prot & ~VM_PROT_ALL)
		return K_EINVAL;
	if (size == 0)
		return K_OK;
	if (!user_range(addr, size, &start, &end))
		return K_EINVAL;
	irqflags_t f = vm_map_lock(map);
	/* Check everything first, so a refusal changes nothing.  As in Mach,
	 * neither call may raise a region above its maximum. */
	int rc = K_OK;
	for (struct vm_region *r = vm_region_first_above(map, start); r && r->start < end;
	     r = vm_region_next(map, r))
		if ((prot & r->max_prot) != prot)
			rc = K_EINVAL;
	if (rc == K_OK)
		rc = vm_region_clip(map, start, end);
	if (rc == K_OK) {
		for (struct vm_region *r = vm_region_first_above(map, start); r && r->start < end;
		     r = vm_region_next(map, r)) {
			if (set_max) {
				r->max_prot = prot;
				r->prot &= prot;
			} else {
				r->prot = prot;
			}
			/* Present pages follow at once; K_ENOENT (none present)
			 * is fine. */
			ptable_protect(&map->pt, r->start, r->end - r->start, vm_pte_prot(r->prot));
		}
		vm_region_coalesce(map, start, end);
	}
	vm_map_unlock(map, f);
	return rc;
}

int vm_inherit(struct vm_map *map, vaddr_t addr, size_t size, unsigned inherit)
{
	vaddr_t start, end;
	if (inherit > VM_INHERIT_NONE)
		return K_EINVAL;
	if (size == 0)
		return K_OK;
	if (!user_range(addr, size, &start, &end))
		return K_EINVAL;
	irqflags_t f = vm_map_lock(map);
	int rc = vm_region_clip(map, start, end);
	if (rc == K_OK) {
		for (struct vm_region *r = vm_region_first_above(map, start); r && r->start < end;
		     r = vm_region_next(map, r))
			r->inherit = inherit;
		vm_region_coalesce(map, start, end);
	}
	vm_map_unlock(map, f);
	return rc;
}

bool vm_map_range_allows(struct vm_map *map, vaddr_t va, size_t len, unsigned prot)
{
	if (!map || va < USER_BASE || va > USER_END || len > USER_END - va)
		return false;
	vaddr_t start = ALIGN_DOWN(va, PAGE_SIZE), end = ALIGN_UP(va + len, PAGE_SIZE);
	irqflags_t f = vm_map_lock(map);
	/* Regions change in place (clipped, merged, reprotected): a hint is
	 * only a guess, checked like any region. */
	bool ok = false;
	for (unsigned i = 0; i < 2 && !ok; i++) {
		const struct vm_region *h = map->hint[i];
		ok = h && h->start <= start && end <= h->end && (h->prot & prot) == prot;
	}
	if (!ok) {
		ok = vm_region_range_allows(map, start, end, prot);
		if (ok) {
			map->hint[map->hint_next] = vm_region_lookup(map, start);
			map->hint_next ^= 1;
		}
	}
	vm_map_unlock(map, f);
	return ok;
}
