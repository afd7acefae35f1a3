/* Physical memory bring-up: hand the loader's RAM map, minus reserved ranges,
 * to the page allocator.  The allocator's own bookkeeping array is carved out
 * of the first RAM range large enough to hold it. */
#include <kern/arch.h>
#include <kern/boot_info.h>
#include <kern/page_alloc.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/vm_boot.h>

static paddr_t low_limit;
static paddr_t meta_base, meta_end;

paddr_t vm_boot_ram_end(void)
{
	paddr_t end = 0;
	for (unsigned i = 0; i < boot_info.nmem; i++)
		if (boot_info.mem[i].type == BOOT_MEM_RAM)
			end = MAX(end, boot_info.mem[i].base + boot_info.mem[i].size);
	return end;
}

static paddr_t ram_start(void)
{
	paddr_t start = (paddr_t)-1;
	for (unsigned i = 0; i < boot_info.nmem; i++)
		if (boot_info.mem[i].type == BOOT_MEM_RAM)
			start = MIN(start, boot_info.mem[i].base);
	return start;
}

static bool overlaps(paddr_t a, paddr_t a_end, paddr_t b, paddr_t b_end)
{
	return a < b_end && b < a_end;
}

/* The reserved range (kernel, modules, bookkeeping ...) overlapping
 * [start, end) that begins first, if any. */
static bool first_reserved(paddr_t start, paddr_t end, paddr_t *rb, paddr_t *re)
{
	bool found = false;
	for (unsigned i = 0; i <= boot_info.nreserved; i++) {
		paddr_t b, e;
		if (i < boot_info.nreserved) {
			b = boot_info.reserved[i].base;
			e = b + boot_info.reserved[i].size;
		} else {
			b = meta_base;
			e = meta_end;
		}
		if (!overlaps(start, end, b, e) || (found && b >= *rb))
			continue;
		*rb = b;
		*re = e;
		found = true;
	}
	return found;
}

static bool range_is_reserved(paddr_t start, paddr_t end)
{
	paddr_t b, e;
	return first_reserved(start, end, &b, &e);
}

/* Free [start, end) minus every reserved range, clipped to [lo, hi). */
static void free_clipped(paddr_t start, paddr_t end, paddr_t lo, paddr_t hi)
{
	start = MAX(ALIGN_UP(start, PAGE_SIZE), lo);
	end = MIN(ALIGN_DOWN(end, PAGE_SIZE), hi);
	while (start < end) {
		paddr_t rb = end, re = end;
		first_reserved(start, end, &rb, &re);
		paddr_t cut = ALIGN_DOWN(MAX(rb, start), PAGE_SIZE);
		if (cut > start)
			page_free_range(start, cut);
		start = ALIGN_UP(re, PAGE_SIZE);
	}
}

static void free_ram(paddr_t lo, paddr_t hi)
{
	for (unsigned i = 0; i < boot_info.nmem; i++) {
		const struct boot_mem_region *m = &boot_info.mem[i];
		if (m->type == BOOT_MEM_RAM)
			free_clipped(m->base, m->base + m->size, lo, hi);
	}
}

void vm_boot_init(paddr_t limit)
{
	paddr_t start = ALIGN_DOWN(ram_start(), PAGE_SIZE);
	paddr_t end = ALIGN_UP(vm_boot_ram_end(), PAGE_SIZE);
	if (start >= end)
		panic("vm: the loader reported no RAM");

	size_t npages = (size_t)((end - start) / PAGE_SIZE);
	size_t meta_size = ALIGN_UP(page_alloc_meta_size(npages), PAGE_SIZE);

	/* First fit for the bookkeeping array, below the mapped limit. */
	meta_base = meta_end = 0;
	for (unsigned i = 0; i < boot_info.nmem && !meta_end; i++) {
		const struct boot_mem_region *m = &boot_info.mem[i];
		if (m->type != BOOT_MEM_RAM)
			continue;
		for (paddr_t pa = ALIGN_UP(m->base, PAGE_SIZE);
		     pa + meta_size <= MIN(m->base + m->size, limit); pa += PAGE_SIZE) {
			if (!range_is_reserved(pa, pa + meta_size)) {
				meta_base = pa;
				meta_end = pa + meta_size;
				break;
			}
		}
	}
	if (!meta_end)
		panic("vm: no room for %zu bytes of page bookkeeping", meta_size);

	page_alloc_init(start / PAGE_SIZE, npages, phys_to_virt(meta_base));
	low_limit = limit;
	free_ram(0, limit);
}

void vm_boot_add_high(void)
{
	free_ram(low_limit, (paddr_t)-1);
}
