/* mach.defs, virtual memory: another task's (or one's own) address space
 * driven through its task port.  Errors follow GNU Mach's vm_user.c:
 * KERN_INVALID_ARGUMENT for a bad value, KERN_INVALID_ADDRESS for a range
 * outside the user half or (reading, writing) not allocated,
 * KERN_NO_SPACE when allocate finds no room, KERN_PROTECTION_FAILURE
 * past the maximum protection or against the current one.
 *
 * vm_read, vm_write and vm_copy move bytes physically (through a bounce
 * page); copy-on-write is for the VM issue. */
#include <kern/arch.h>
#include <kern/device.h>
#include <kern/errno.h>
#include <kern/page_alloc.h>
#include <kern/string.h>
#include <kern/vm_map.h>
#include <kern/vm_prot.h>
#include <kern/vm_region.h>
#include "routines.h"

#define VM_PROT_ALL_BITS (PROT_R | PROT_W | PROT_X)

/* The map of a task still alive enough to be worked on. */
static struct vm_map *live_map(struct task *task)
{
	return task && !task->exiting ? &task->map : NULL;
}

static bool in_user(uintptr_t address, uintptr_t size)
{
	return address >= USER_BASE && address <= USER_END && size <= USER_END - address;
}

kern_return_t S_vm_allocate(struct task *task, uintptr_t *address, uintptr_t size,
			    int32_t anywhere)
{
	struct vm_map *map = live_map(task);
	if (map == NULL)
		return KERN_INVALID_TASK;
	if (size == 0) {
		*address = 0;
		return KERN_SUCCESS;
	}
	vaddr_t va = anywhere ? 0 : ALIGN_DOWN(*address, PAGE_SIZE);
	if (!anywhere && !in_user(va, size))
		return KERN_INVALID_ADDRESS;
	switch (vm_allocate(map, &va, size, anywhere, PROT_RW)) {
	case K_OK:
		*address = va;
		return KERN_SUCCESS;
	case K_ENOMEM:
		return KERN_RESOURCE_SHORTAGE;
	case K_EINVAL:
		return KERN_INVALID_ADDRESS;
	default:   /* K_ENOSPC, K_EEXIST */
		return KERN_NO_SPACE;
	}
}

kern_return_t S_vm_deallocate(struct task *task, uintptr_t address, uintptr_t size)
{
	struct vm_map *map = live_map(task);
	if (map == NULL)
		return KERN_INVALID_TASK;
	if (size == 0)
		return KERN_SUCCESS;
	if (!in_user(address, size))
		return KERN_INVALID_ADDRESS;
	return vm_deallocate(map, address, size) == K_OK ? KERN_SUCCESS : KERN_INVALID_ADDRESS;
}

kern_return_t S_vm_protect(struct task *task, uintptr_t address, uintptr_t size,
			   int32_t set_maximum, uint32_t new_protection)
{
	struct vm_map *map = live_map(task);
	if (map == NULL)
		return KERN_INVALID_TASK;
	if (new_protection & ~VM_PROT_ALL_BITS)
		return KERN_INVALID_ARGUMENT;
	if (!in_user(address, size))
		return KERN_INVALID_ADDRESS;
	return vm_protect(map, address, size, set_maximum, new_protection) == K_OK
		? KERN_SUCCESS : KERN_PROTECTION_FAILURE;
}

kern_return_t S_vm_inherit(struct task *task, uintptr_t address, uintptr_t size,
			   uint32_t new_inheritance)
{
	struct vm_map *map = live_map(task);
	if (map == NULL)
		return KERN_INVALID_TASK;
	if (new_inheritance > VM_INHERIT_NONE)
		return KERN_INVALID_ARGUMENT;
	if (!in_user(address, size))
		return KERN_INVALID_ADDRESS;
	return vm_inherit(map, address, size, new_inheritance) == K_OK ? KERN_SUCCESS
								       : KERN_RESOURCE_SHORTAGE;
}

/* A page of kernel memory to carry bytes between two places. */
static void *bounce_get(void)
{
	paddr_t pa = page_alloc(0);
	return pa == PADDR_NONE ? NULL : phys_to_virt(pa);
}

static void bounce_put(void *page)
{
	page_free(virt_to_phys(page), 0);
}

kern_return_t S_vm_read(struct task *task, uintptr_t address, uintptr_t size,
			uintptr_t *data, uint32_t *data_count)
{
	struct vm_map *map = live_map(task);
	if (map == NULL)
		return KERN_INVALID_TASK;
	if (size > IPC_KMSG_OOL_MAX || size > UINT32_MAX)
		return KERN_INVALID_ARGUMENT;
	if (!in_user(address, size) || !vm_map_range_allows(map, address, size, PROT_R))
		return KERN_INVALID_ADDRESS;
	struct ipc_ool *ool = size ? ipc_ool_alloc(size) : NULL;
	void *page = bounce_get();
	kern_return_t kr = (size && !ool) || !page ? KERN_RESOURCE_SHORTAGE : KERN_SUCCESS;
	for (uintptr_t off = 0; kr == KERN_SUCCESS && off < size; off += PAGE_SIZE) {
		size_t n = MIN((uintptr_t)PAGE_SIZE, size - off);
		if (vm_map_read(map, address + off, page, n) != K_OK)
			kr = KERN_INVALID_ADDRESS;
		else
			ipc_ool_write(ool, off, page, n);
	}
	if (page)
		bounce_put(page);
	if (kr != KERN_SUCCESS) {
		ipc_ool_free(ool);
		return kr;
	}
	*data = (uintptr_t)ool;
	*data_count = (uint32_t)size;
	return KERN_SUCCESS;
}

kern_return_t S_vm_write(struct task *task, uintptr_t address, uintptr_t data,
			 uint32_t data_count)
{
	struct vm_map *map = live_map(task);
	struct ipc_ool *ool = (struct ipc_ool *)data;
	if (map == NULL)
		return KERN_INVALID_TASK;
	if (!in_user(address, data_count) ||
	    !vm_map_range_allows(map, address, data_count, PROT_W))
		return KERN_INVALID_ADDRESS;
	if (data_count && (ool == NULL || ool->size < data_count))
		return KERN_INVALID_ARGUMENT;
	void *page = bounce_get();
	if (page == NULL)
		return KERN_RESOURCE_SHORTAGE;
	kern_return_t kr = KERN_SUCCESS;
	for (uintptr_t off = 0; kr == KERN_SUCCESS && off < data_count; off += PAGE_SIZE) {
		size_t n = MIN((uintptr_t)PAGE_SIZE, data_count - off);
		if (ipc_ool_read(ool, off, page, n) != K_OK ||
		    vm_map_write(map, address + off, page, n) != K_OK)
			kr = KERN_INVALID_ADDRESS;
	}
	bounce_put(page);
	return kr;
}

kern_return_t S_vm_copy(struct task *task, uintptr_t source_address, uintptr_t size,
			uintptr_t dest_address)
{
	struct vm_map *map = live_map(task);
	if (map == NULL)
		return KERN_INVALID_TASK;
	if (!in_user(source_address, size) || !in_user(dest_address, size) ||
	    !vm_map_range_allows(map, source_address, size, PROT_R) ||
	    !vm_map_range_allows(map, dest_address, size, PROT_W))
		return KERN_INVALID_ADDRESS;
	void *page = bounce_get();
	if (page == NULL)
		return KERN_RESOURCE_SHORTAGE;
	/* Overlapping ranges copy as memmove does: backwards when the
	 * destination is above the source. */
	bool backwards = dest_address > source_address;
	kern_return_t kr = KERN_SUCCESS;
	for (uintptr_t done = 0; kr == KERN_SUCCESS && done < size;) {
		size_t n = MIN((uintptr_t)PAGE_SIZE, size - done);
		uintptr_t off = backwards ? size - done - n : done;
		if (vm_map_read(map, source_address + off, page, n) != K_OK ||
		    vm_map_write(map, dest_address + off, page, n) != K_OK)
			kr = KERN_INVALID_ADDRESS;
		done += n;
	}
	bounce_put(page);
	return kr;
}

kern_return_t S_vm_region(struct task *task, uintptr_t *address, uintptr_t *size,
			  uint32_t *protection, uint32_t *max_protection, uint32_t *inheritance,
			  int32_t *is_shared, struct ipc_port **object_name, uintptr_t *offset)
{
	struct vm_map *map = live_map(task);
	if (map == NULL)
		return KERN_INVALID_TASK;
	irqflags_t f = arch_irq_save();
	/* The region holding *address, or the first one above it. */
	struct vm_region *r = vm_region_lookup(map, *address);
	if (r == NULL)
		r = vm_region_first_above(map, *address);
	kern_return_t kr = KERN_NO_SPACE;
	if (r) {
		*address = r->start;
		*size = r->end - r->start;
		*protection = r->prot;
		*max_protection = r->max_prot;
		*inheritance = r->inherit;
		*is_shared = false;
		*object_name = NULL;
		*offset = 0;
		kr = KERN_SUCCESS;
	}
	arch_irq_restore(f);
	return kr;
}

/* vm_map: anonymous memory (no memory object) with a chosen alignment,
 * protection and inheritance, or a device's pages (the pager device_map
 * gave: kern/device.h).  With copy, a device's pages are copied into
 * anonymous memory (a snapshot: machv has no copy-on-write); without,
 * they are shared, at most with the access the device allows. */
kern_return_t S_vm_map(struct task *task, uintptr_t *address, uintptr_t size, uintptr_t mask,
		       int32_t anywhere, struct ipc_port *memory_object, uintptr_t offset,
		       int32_t copy, uint32_t cur_protection, uint32_t max_protection,
		       uint32_t inheritance)
{
	struct vm_map *map = live_map(task);
	if (map == NULL)
		return KERN_INVALID_TASK;
	if ((cur_protection | max_protection) & ~VM_PROT_ALL_BITS ||
	    (cur_protection & ~max_protection) || inheritance > VM_INHERIT_NONE || size == 0)
		return KERN_INVALID_ARGUMENT;
	if (mask & (mask + 1))
		return KERN_INVALID_ARGUMENT;   /* a mask is 2^n - 1 */
	mask |= PAGE_SIZE - 1;

	struct device *dev = NULL;
	paddr_t pa = 0;
	unsigned dev_prot = 0;
	if (IPC_PORT_VALID(memory_object)) {
		dev = device_from_pager(memory_object);
		if (dev == NULL)
			return KERN_INVALID_ARGUMENT;   /* not a memory object machv knows */
		int rc = dev->ops->map(dev, offset, size, &pa, &dev_prot);
		if (rc == D_SUCCESS && !copy && (cur_protection & ~dev_prot))
			rc = D_READ_ONLY;
		if (rc != D_SUCCESS) {
			device_release(dev);
			return rc == D_READ_ONLY ? KERN_PROTECTION_FAILURE : KERN_INVALID_ARGUMENT;
		}
	}

	/* Room: at *address, or anywhere on a mask+1 boundary (found by
	 * asking for mask bytes more and giving back the ends). */
	vaddr_t va = ALIGN_DOWN(*address, PAGE_SIZE);
	uintptr_t len = ALIGN_UP(size, PAGE_SIZE);
	kern_return_t kr = KERN_SUCCESS;
	if (!anywhere && (va & mask || !in_user(va, len)))
		kr = KERN_INVALID_ADDRESS;
	if (kr == KERN_SUCCESS && anywhere) {
		vaddr_t probe = 0;
		if (vm_allocate(map, &probe, len + mask, true, PROT_RW) != K_OK) {
			kr = KERN_NO_SPACE;
		} else {
			va = ALIGN_UP(probe, mask + 1);
			vm_deallocate(map, probe, len + mask);
		}
	}
	if (kr == KERN_SUCCESS) {
		int rc = dev && !copy
			 ? vm_map_fixed(map, &va, len, false, pa, cur_protection,
					max_protection & dev_prot)
			 : vm_allocate(map, &va, len, false, PROT_RW);
		kr = rc == K_OK ? KERN_SUCCESS : rc == K_ENOMEM ? KERN_RESOURCE_SHORTAGE
								 : KERN_NO_SPACE;
	}
	if (kr == KERN_SUCCESS && dev && copy &&
	    vm_map_write(map, va, phys_to_virt(pa), len) != K_OK)
		kr = KERN_RESOURCE_SHORTAGE;
	if (kr == KERN_SUCCESS && !(dev && !copy)) {
		vm_protect(map, va, len, true, max_protection);
		vm_protect(map, va, len, false, cur_protection);
	}
	if (kr == KERN_SUCCESS)
		vm_inherit(map, va, len, inheritance);
	else if (va && kr != KERN_INVALID_ADDRESS && kr != KERN_NO_SPACE)
		vm_deallocate(map, va, len);
	if (dev)
		device_release(dev);
	if (kr == KERN_SUCCESS)
		*address = va;
	return kr;
}

/* vm_statistics_data_t (mach/vm_statistics.h): 13 integers.  machv has
 * no paging, so pages are free or in use (wired); the fault counters are
 * not kept yet and read 0. */
struct vm_statistics {
	int32_t pagesize, free_count, active_count, inactive_count, wire_count;
	int32_t zero_fill_count, reactivations, pageins, pageouts, faults;
	int32_t cow_faults, lookups, hits;
};
_Static_assert(sizeof(struct vm_statistics) == 13 * 4, "vm_statistics_data_t is 13 words");

kern_return_t S_vm_statistics(struct task *task, void *stats)
{
	if (live_map(task) == NULL)
		return KERN_INVALID_TASK;
	struct page_stats ps;
	page_alloc_stats(&ps);
	struct vm_statistics out = {
		.pagesize = PAGE_SIZE,
		.free_count = (int32_t)ps.free_pages,
		.wire_count = (int32_t)(ps.total_pages - ps.free_pages),
	};
	memcpy(stats, &out, sizeof(out));
	return KERN_SUCCESS;
}
