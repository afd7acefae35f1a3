/* A task's address space: a sorted list of regions over the user half of
 * the virtual address space [USER_BASE, USER_END) (<machine/param.h>), and
 * the page tables that map the pages actually touched.
 *
 * Pages are zero-filled on demand: vm_allocate only records a region; the
 * first access faults and vm_fault() supplies a zeroed page with the
 * region's protection.  A fault outside every region, or against its
 * protection, is refused: the caller then kills the task. */
#ifndef KERN_VM_MAP_H
#define KERN_VM_MAP_H

#include <kern/list.h>
#include <kern/ptable.h>
#include <kern/types.h>

struct vm_region {
	vaddr_t start, end;           /* [start, end), page aligned */
	unsigned prot;                /* PROT_R/W/X (PROT_USER implied) */
	unsigned max_prot;
	unsigned inherit;             /* VM_INHERIT_*: what a child task gets */
	/* A region over fixed physical memory the kernel owns (a device's
	 * pages, vm_map_fixed): page start + k maps fixed_pa + k, nothing is
	 * ever freed, and the kernel never writes through it. */
	bool fixed;
	paddr_t fixed_pa;
	struct list link;             /* vm_map.regions, sorted by start */
};

struct vm_map {
	struct ptable pt;             /* user half; the kernel half is shared */
	struct list regions;
	size_t nregions;
	/* The regions the last two range checks were satisfied by (copies
	 * go back and forth between a couple of buffers: a message on the
	 * stack, data in .bss); NULL once freed. */
	struct vm_region *hint[2];
	unsigned hint_next;           /* the slot the next miss replaces */
	size_t resident_pages;        /* user pages currently mapped */
	unsigned asid;                /* address-space id (PCID/ASID), 0 = none */
};

/* Inheritance (Mach's values, mach/vm_inherit.h). */
#define VM_INHERIT_SHARE   0u
#define VM_INHERIT_COPY    1u
#define VM_INHERIT_NONE    2u
#define VM_INHERIT_DEFAULT VM_INHERIT_COPY

#define VM_FAULT_READ  0x1u
#define VM_FAULT_WRITE 0x2u
#define VM_FAULT_EXEC  0x4u

int vm_map_init(struct vm_map *map);
/* Free every page, every table and every region. */
void vm_map_destroy(struct vm_map *map);

/* Mach semantics (vm_allocate/vm_deallocate/vm_protect):
 * anywhere = true picks the lowest free range of size and returns it in
 * *addr (K_ENOSPC if none fits); otherwise *addr is the requested start
 * (K_EEXIST if taken).  Ranges are rounded out to pages; size 0 does
 * nothing.  K_EINVAL for a range outside [USER_BASE, USER_END) or a prot
 * with bits other than PROT_R/W/X.  vm_deallocate and vm_protect step over
 * holes, as in Mach. */
int vm_allocate(struct vm_map *map, vaddr_t *addr, size_t size, bool anywhere, unsigned prot);
int vm_deallocate(struct vm_map *map, vaddr_t addr, size_t size);
/* set_max lowers max_prot; otherwise prot must be within max_prot
 * (K_EINVAL, nothing changed). */
int vm_protect(struct vm_map *map, vaddr_t addr, size_t size, bool set_max, unsigned prot);
/* Map size bytes of physical memory at pa (page aligned, the kernel's:
 * never freed by the map) at *addr, or anywhere; prot within max_prot.
 * Pages appear on first touch, like any region's.  K_ENOSPC, K_EEXIST,
 * K_EINVAL as vm_allocate. */
int vm_map_fixed(struct vm_map *map, vaddr_t *addr, size_t size, bool anywhere, paddr_t pa,
		 unsigned prot, unsigned max_prot);
/* Set the inheritance of the regions in a range (holes stepped over);
 * K_EINVAL for a bad value or range. */
int vm_inherit(struct vm_map *map, vaddr_t addr, size_t size, unsigned inherit);

/* Resolve a fault at va for access (VM_FAULT_*): K_OK once the page is
 * mapped, K_EFAULT outside every region or against its protection,
 * K_ENOMEM if no page could be had. */
int vm_fault(struct vm_map *map, vaddr_t va, unsigned access);

/* Copy len bytes into the map at va, faulting pages in as needed
 * (regardless of write permission: this is how the loader fills
 * read-only text).  K_EFAULT if part of the range is in no region. */
int vm_map_write(struct vm_map *map, vaddr_t va, const void *src, size_t len);
/* Copy len bytes out of the map at va, as the task would read them
 * (zero-fill pages come in): K_EFAULT if part of the range is in no
 * readable region.  For reading a task that is not the current one. */
int vm_map_read(struct vm_map *map, vaddr_t va, void *dst, size_t len);

/* Make map's page tables the CPU's (no-op if already current).  NULL
 * switches to an empty user half (what kernel threads may run on). */
void vm_map_activate(struct vm_map *map);
/* The map whose page tables the CPU runs on; NULL if none is active (or
 * only the kernel's empty user half).  Every user copy asks: inline. */
extern struct vm_map *vm_map_active_user;
static inline struct vm_map *vm_map_current(void)
{
	return vm_map_active_user;
}

#endif
