/* Page faults on a task's map: zero-fill on demand.
 *
 * A region is only a promise; its pages appear the first time they are
 * touched, as zeroed pages mapped with the region's protection.  The loader
 * fills pages the same way (vm_map_write), writing through the kernel's
 * direct map so that read-only text can be filled without ever being
 * writable in the task. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/page_alloc.h>
#include <kern/ptable.h>
#include <kern/string.h>
#include <kern/vm_map.h>
#include "vm_internal.h"

/* The region rights an access needs. */
static unsigned needed_prot(unsigned access)
{
	unsigned need = 0;
	if (access & VM_FAULT_READ)
		need |= PROT_R;
	if (access & VM_FAULT_WRITE)
		need |= PROT_W;
	if (access & VM_FAULT_EXEC)
		need |= PROT_X;
	return need ? need : PROT_R;
}

int vm_page_in(struct vm_map *map, const struct vm_region *r, vaddr_t page, bool overwrite,
	       paddr_t *pa)
{
	unsigned want = vm_pte_prot(r->prot), have;
	if (ptable_translate(&map->pt, page, pa, &have)) {
		/* Already there (another thread faulted it in first, or a stale
		 * TLB entry).  Should its entry disagree with the region, make it
		 * agree, or the retried access would fault forever. */
		if ((have & want) != want)
			ptable_protect(&map->pt, page, PAGE_SIZE, want);
		return K_OK;
	}
	if (r->fixed) {
		/* The kernel's own page: mapped, never counted or freed. */
		paddr_t fixed = r->fixed_pa + (page - r->start);
		int rc = ptable_map(&map->pt, page, fixed, PAGE_SIZE, want);
		if (rc != K_OK)
			return rc == K_EEXIST ? K_EFAULT : K_ENOMEM;
		*pa = fixed;
		return K_OK;
	}
	paddr_t fresh = page_alloc(0);
	if (fresh == PADDR_NONE)
		return K_ENOMEM;
	if (!overwrite)
		memset(phys_to_virt(fresh), 0, PAGE_SIZE);
	int rc = ptable_map(&map->pt, page, fresh, PAGE_SIZE, want);
	if (rc != K_OK) {
		page_free(fresh, 0);
		return rc == K_EEXIST ? K_EFAULT : K_ENOMEM;
	}
	map->resident_pages++;
	*pa = fresh;
	return K_OK;
}

int vm_fault(struct vm_map *map, vaddr_t va, unsigned access)
{
	if (!map || va < USER_BASE || va >= USER_END)
		return K_EFAULT;
	vaddr_t page = ALIGN_DOWN(va, PAGE_SIZE);
	unsigned need = needed_prot(access);
	irqflags_t f = vm_map_lock(map);
	const struct vm_region *r = vm_region_lookup(map, page);
	int rc;
	paddr_t pa;
	if (!r || (r->prot & need) != need)
		rc = K_EFAULT;
	else
		rc = vm_page_in(map, r, page, false, &pa);
	vm_map_unlock(map, f);
	return rc;
}

/* Copy between buf and [va, va+len) of map, page by page through the
 * direct map, faulting pages in as the task would.  Writing ignores the
 * region's write permission (the loader fills read-only text this way);
 * reading needs read permission. */
static int map_copy(struct vm_map *map, vaddr_t va, char *buf, size_t len, bool into_map)
{
	if (len == 0)
		return K_OK;
	if (va < USER_BASE || va >= USER_END || len > USER_END - va)
		return K_EFAULT;
	while (len) {
		vaddr_t page = ALIGN_DOWN(va, PAGE_SIZE);
		size_t off = va - page, n = MIN(len, PAGE_SIZE - off);
		irqflags_t f = vm_map_lock(map);
		const struct vm_region *r = vm_region_lookup(map, page);
		paddr_t pa;
		/* Fixed regions are the kernel's memory: read them, never
		 * write through them. */
		bool ok = r && (into_map ? !r->fixed : (r->prot & PROT_R) != 0);
		/* A page written whole (the loader's, an out-of-line
		 * region's) need not be cleared first. */
		bool whole = into_map && n == PAGE_SIZE;
		int rc = ok ? vm_page_in(map, r, page, whole, &pa) : K_EFAULT;
		if (rc == K_OK) {
			char *mem = (char *)phys_to_virt(pa) + off;
			if (into_map) {
				memcpy(mem, buf, n);
				/* Code written through the direct map must reach
				 * the instruction side before the task runs it. */
				if (r->prot & PROT_X)
					arch_sync_icache(mem, n);
			} else {
				memcpy(buf, mem, n);
			}
		}
		vm_map_unlock(map, f);
		if (rc != K_OK)
			return rc;
		va += n;
		buf += n;
		len -= n;
	}
	return K_OK;
}

int vm_map_write(struct vm_map *map, vaddr_t va, const void *src, size_t len)
{
	return map_copy(map, va, (char *)src, len, true);
}

int vm_map_read(struct vm_map *map, vaddr_t va, void *dst, size_t len)
{
	return map_copy(map, va, dst, len, false);
}
