/* Kernel glue for the memory subsystem: what page_alloc.c, kmem.c and
 * ptable.c need from their environment, answered with the real machine.
 * Host unit tests supply their own versions of these functions instead.
 *
 *   - the allocators' locks: interrupts off (one CPU; the save/restore pair
 *     nests, so kmem may call the page allocator while holding its lock);
 *   - page-table pages: order-0 frames, zeroed, reached via the direct map;
 *   - the slab backend: order-0 frames seen through the direct map. */
#include <kern/arch.h>
#include <kern/string.h>
#include <kern/page_alloc.h>
#include <kern/kmem.h>
#include <kern/ptable.h>

/* Declared where used (page_alloc.c, kmem.c), to keep those files free of
 * arch code. */
irqflags_t page_alloc_lock(void);
void page_alloc_unlock(irqflags_t flags);
irqflags_t kmem_lock(void);
void kmem_unlock(irqflags_t flags);

irqflags_t page_alloc_lock(void) { return arch_irq_save(); }
void page_alloc_unlock(irqflags_t flags) { arch_irq_restore(flags); }
irqflags_t kmem_lock(void) { return arch_irq_save(); }
void kmem_unlock(irqflags_t flags) { arch_irq_restore(flags); }

paddr_t ptable_page_alloc(void)
{
	paddr_t pa = page_alloc(0);
	if (pa != PADDR_NONE)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

void ptable_page_free(paddr_t pa)
{
	page_free(pa, 0);
}

void *ptable_page_ptr(paddr_t pa)
{
	return phys_to_virt(pa);
}

static void *kmem_page_get(void)
{
	paddr_t pa = page_alloc(0);
	return pa == PADDR_NONE ? NULL : phys_to_virt(pa);
}

static void kmem_page_put(void *page)
{
	page_free(virt_to_phys(page), 0);
}

const struct kmem_backend kmem_page_backend = {
	.page_get = kmem_page_get,
	.page_put = kmem_page_put,
};
