/* In-kernel self-tests of task address spaces: vm_allocate, vm_deallocate
 * and vm_protect on a real map with real page tables, zero-fill faults,
 * refused accesses, the loader (an ELF image built here), the copy
 * routines on an active map, and every page coming back when a map goes.
 *
 * Maps here belong to no task: the tests drive them directly.  Each test
 * measures the free-page count before it makes its map and checks it is
 * the same once the map is destroyed. */
#include <kern/arch.h>
#include <kern/elf.h>
#include <kern/errno.h>
#include <kern/exec.h>
#include <kern/ktest.h>
#include <kern/page_alloc.h>
#include <kern/ptable.h>
#include <kern/string.h>
#include <kern/uaccess.h>
#include <kern/vm_map.h>
#include <kern/vm_region.h>

#define PG PAGE_SIZE
#define RW (PROT_R | PROT_W)
#define RX (PROT_R | PROT_X)

static size_t free_pages(void)
{
	struct page_stats st;
	page_alloc_stats(&st);
	return st.free_pages;
}

/* The first map ever made also makes the shared empty space and the
 * region cache's first slab; do that once so baselines are stable. */
static void warm_up(void)
{
	struct vm_map m;
	vaddr_t a = 0;
	if (vm_map_init(&m) == K_OK) {
		vm_allocate(&m, &a, PG, true, RW);
		vm_map_destroy(&m);
	}
}

/* Read the map's memory through the kernel's direct map. */
static bool peek(struct vm_map *m, vaddr_t va, void *out, size_t len)
{
	char *o = out;
	while (len) {
		paddr_t pa;
		size_t n = MIN(len, PG - (va & (PG - 1)));
		if (!ptable_translate(&m->pt, va, &pa, NULL))
			return false;
		memcpy(o, phys_to_virt(pa), n);
		va += n;
		o += n;
		len -= n;
	}
	return true;
}

static unsigned pte_prot_at(struct vm_map *m, vaddr_t va)
{
	unsigned prot = 0;
	return ptable_translate(&m->pt, va, NULL, &prot) ? prot : 0xffffu;
}

KTEST(vm_allocate_semantics)
{
	warm_up();
	size_t baseline = free_pages();
	struct vm_map m;
	KT_ASSERT(vm_map_init(&m) == K_OK);
	vaddr_t a = 0, b = 0, c = 0x400000 + 123;
	KT_EXPECT(vm_allocate(&m, &a, 3 * PG, true, RW) == K_OK && a == USER_BASE);
	/* Sizes round up to pages; anywhere takes the lowest gap. */
	KT_EXPECT(vm_allocate(&m, &b, PG + 1, true, PROT_R) == K_OK && b == USER_BASE + 3 * PG);
	/* Fixed: the address is truncated to its page. */
	KT_EXPECT(vm_allocate(&m, &c, PG, false, RX) == K_OK && c == 0x400000);
	KT_EXPECT(m.nregions == 3);
	vaddr_t d = 0x400000;
	KT_EXPECT(vm_allocate(&m, &d, PG, false, RW) == K_EEXIST);
	d = 0x3ff000;
	KT_EXPECT(vm_allocate(&m, &d, 2 * PG, false, RW) == K_EEXIST);   /* runs into c */
	d = 0;
	KT_EXPECT(vm_allocate(&m, &d, PG, false, RW) == K_EINVAL);        /* below user space */
	d = USER_END - PG;
	KT_EXPECT(vm_allocate(&m, &d, 2 * PG, false, RW) == K_EINVAL);    /* past its end */
	d = (vaddr_t)&m;
	KT_EXPECT(vm_allocate(&m, &d, PG, false, RW) == K_EINVAL);        /* kernel address */
	d = 0x800000;
	KT_EXPECT(vm_allocate(&m, &d, PG, false, PROT_USER) == K_EINVAL); /* not a region right */
	KT_EXPECT(vm_allocate(&m, &d, (size_t)-1, false, RW) == K_EINVAL); /* wraps */
	KT_EXPECT(vm_allocate(&m, &d, (size_t)1 << 62, true, RW) == K_ENOSPC);
	d = 0x1234;
	KT_EXPECT(vm_allocate(&m, &d, 0, true, RW) == K_OK && d == 0);    /* Mach: size 0 */
	KT_EXPECT(m.nregions == 3);
	/* A freed hole is found again. */
	KT_EXPECT(vm_deallocate(&m, a, 3 * PG) == K_OK);
	d = 0;
	KT_EXPECT(vm_allocate(&m, &d, 2 * PG, true, RW) == K_OK && d == USER_BASE);
	KT_EXPECT(m.resident_pages == 0);       /* nothing touched: no pages */
	vm_map_destroy(&m);
	KT_EXPECT(free_pages() == baseline);
}

KTEST(vm_fault_zero_fill)
{
	warm_up();
	size_t baseline = free_pages();
	struct vm_map m;
	KT_ASSERT(vm_map_init(&m) == K_OK);
	vaddr_t rw = 0x10000000, ro = 0x20000000;
	KT_ASSERT(vm_allocate(&m, &rw, 4 * PG, false, RW) == K_OK);
	KT_ASSERT(vm_allocate(&m, &ro, PG, false, PROT_R) == K_OK);

	KT_EXPECT(vm_fault(&m, rw + PG + 8, VM_FAULT_READ) == K_OK);
	KT_EXPECT(m.resident_pages == 1);
	paddr_t pa, pa2;
	KT_ASSERT(ptable_translate(&m.pt, rw + PG, &pa, NULL));
	KT_EXPECT(!ptable_translate(&m.pt, rw, NULL, NULL));   /* only the page touched */
	const uint64_t *words = phys_to_virt(pa);
	bool zero = true;
	for (size_t i = 0; i < PG / 8; i++)
		zero &= words[i] == 0;
	KT_EXPECT(zero);
	unsigned prot = pte_prot_at(&m, rw + PG);
	KT_EXPECT((prot & (PROT_USER | PROT_R | PROT_W)) == (PROT_USER | PROT_R | PROT_W));
	KT_EXPECT(!(prot & PROT_X));
	/* A second fault on a present page changes nothing. */
	KT_EXPECT(vm_fault(&m, rw + PG, VM_FAULT_WRITE) == K_OK);
	KT_EXPECT(ptable_translate(&m.pt, rw + PG, &pa2, NULL) && pa2 == pa);
	KT_EXPECT(m.resident_pages == 1);

	/* Refused: outside every region, or against the region's rights. */
	KT_EXPECT(vm_fault(&m, 0x30000000, VM_FAULT_READ) == K_EFAULT);
	KT_EXPECT(vm_fault(&m, rw + 4 * PG, VM_FAULT_READ) == K_EFAULT);
	KT_EXPECT(vm_fault(&m, 0, VM_FAULT_READ) == K_EFAULT);
	KT_EXPECT(vm_fault(&m, USER_END, VM_FAULT_READ) == K_EFAULT);
	KT_EXPECT(vm_fault(&m, (vaddr_t)&m, VM_FAULT_READ) == K_EFAULT);
	KT_EXPECT(vm_fault(&m, rw, VM_FAULT_EXEC) == K_EFAULT);
	KT_EXPECT(vm_fault(&m, ro, VM_FAULT_WRITE) == K_EFAULT);
	KT_EXPECT(vm_fault(NULL, rw, VM_FAULT_READ) == K_EFAULT);
	KT_EXPECT(m.resident_pages == 1);
	KT_EXPECT(vm_fault(&m, ro, VM_FAULT_READ) == K_OK);
	KT_EXPECT(!(pte_prot_at(&m, ro) & PROT_W));

	/* The loader writes even read-only memory, across pages. */
	static const char text[] = "loaded across a page boundary";
	KT_EXPECT(vm_map_write(&m, ro + PG - 10, text, 10) == K_OK);
	KT_EXPECT(vm_map_write(&m, rw + 2 * PG - 5, text, sizeof(text)) == K_OK);
	char back[sizeof(text)];
	KT_EXPECT(peek(&m, rw + 2 * PG - 5, back, sizeof(back)) && memcmp(back, text, sizeof(text)) == 0);
	KT_EXPECT(peek(&m, ro + PG - 10, back, 10) && memcmp(back, text, 10) == 0);
	KT_EXPECT(vm_map_write(&m, rw + 4 * PG - 2, text, 4) == K_EFAULT);   /* runs off */
	KT_EXPECT(vm_map_write(&m, 0x30000000, text, 1) == K_EFAULT);
	KT_EXPECT(vm_map_write(&m, USER_END - 1, text, 2) == K_EFAULT);
	vm_map_destroy(&m);
	KT_EXPECT(free_pages() == baseline);
}

/* The loader and out-of-line copies skip clearing a fresh page they fill
 * whole (vm_fault.c): the whole page must then hold exactly what was
 * written, and a page written in part must still be zero elsewhere, even
 * when the allocator hands back pages full of old bytes. */
KTEST(vm_map_write_fresh_pages)
{
	warm_up();
	size_t baseline = free_pages();
	/* Leave old bytes in free pages the map is likely to get next. */
	paddr_t dirty[4];
	for (int i = 0; i < 4; i++) {
		dirty[i] = page_alloc(0);
		KT_ASSERT(dirty[i] != PADDR_NONE);
		memset(phys_to_virt(dirty[i]), 0xa5, PG);
	}
	for (int i = 3; i >= 0; i--)
		page_free(dirty[i], 0);

	struct vm_map m;
	KT_ASSERT(vm_map_init(&m) == K_OK);
	vaddr_t base = 0x40000000;
	KT_ASSERT(vm_allocate(&m, &base, 4 * PG, false, RW) == K_OK);
	static uint8_t whole[2 * PAGE_SIZE], back[PAGE_SIZE];
	for (size_t i = 0; i < sizeof(whole); i++)
		whole[i] = (uint8_t)(i * 7 + 1);
	/* Two whole pages, then a few bytes into each of the next two. */
	KT_EXPECT(vm_map_write(&m, base, whole, 2 * PG) == K_OK);
	KT_EXPECT(vm_map_write(&m, base + 2 * PG + 100, "abc", 3) == K_OK);
	KT_EXPECT(vm_map_write(&m, base + 4 * PG - 2, "yz", 2) == K_OK);
	KT_EXPECT(peek(&m, base, back, PG) && memcmp(back, whole, PG) == 0);
	KT_EXPECT(peek(&m, base + PG, back, PG) && memcmp(back, whole + PG, PG) == 0);
	KT_EXPECT(peek(&m, base + 2 * PG, back, PG));
	bool zero = memcmp(back + 100, "abc", 3) == 0;
	for (size_t i = 0; i < PG; i++)
		if ((i < 100 || i >= 103) && back[i] != 0)
			zero = false;
	KT_EXPECT(zero);
	KT_EXPECT(peek(&m, base + 3 * PG, back, PG));
	zero = memcmp(back + PG - 2, "yz", 2) == 0;
	for (size_t i = 0; i < PG - 2; i++)
		if (back[i] != 0)
			zero = false;
	KT_EXPECT(zero);
	vm_map_destroy(&m);
	KT_EXPECT(free_pages() == baseline);
}

KTEST(vm_deallocate_splits_and_frees)
{
	warm_up();
	size_t baseline = free_pages();
	struct vm_map m;
	KT_ASSERT(vm_map_init(&m) == K_OK);
	vaddr_t base = 0x40000000;
	KT_ASSERT(vm_allocate(&m, &base, 8 * PG, false, RW) == K_OK);
	for (int i = 0; i < 8; i++)
		KT_ASSERT(vm_fault(&m, base + (vaddr_t)i * PG, VM_FAULT_WRITE) == K_OK);
	KT_EXPECT(m.resident_pages == 8);
	size_t before = free_pages();
	/* The middle goes; the region splits in two. */
	KT_EXPECT(vm_deallocate(&m, base + 2 * PG, 4 * PG) == K_OK);
	KT_EXPECT(m.nregions == 2);
	KT_EXPECT(m.resident_pages == 4);
	KT_EXPECT(free_pages() == before + 4);
	KT_EXPECT(!ptable_translate(&m.pt, base + 2 * PG, NULL, NULL));
	KT_EXPECT(!ptable_translate(&m.pt, base + 5 * PG, NULL, NULL));
	KT_EXPECT(ptable_translate(&m.pt, base + 1 * PG, NULL, NULL));
	KT_EXPECT(ptable_translate(&m.pt, base + 6 * PG, NULL, NULL));
	KT_EXPECT(vm_fault(&m, base + 3 * PG, VM_FAULT_READ) == K_EFAULT);
	/* A byte range takes its whole page; holes are stepped over. */
	KT_EXPECT(vm_deallocate(&m, base + 100, 10) == K_OK);
	KT_EXPECT(m.resident_pages == 3 && m.nregions == 2);
	KT_EXPECT(vm_deallocate(&m, base, 7 * PG) == K_OK);
	KT_EXPECT(m.resident_pages == 1 && m.nregions == 1);
	KT_EXPECT(vm_deallocate(&m, base, 0) == K_OK);
	KT_EXPECT(vm_deallocate(&m, 0x70000000, PG) == K_OK);       /* nothing there */
	KT_EXPECT(vm_deallocate(&m, USER_END - PG, 2 * PG) == K_EINVAL);
	KT_EXPECT(vm_deallocate(&m, (vaddr_t)-PG, PG) == K_EINVAL);
	KT_EXPECT(m.nregions == 1);
	vm_map_destroy(&m);
	KT_EXPECT(free_pages() == baseline);
}

KTEST(vm_protect_semantics)
{
	warm_up();
	size_t baseline = free_pages();
	struct vm_map m;
	KT_ASSERT(vm_map_init(&m) == K_OK);
	vaddr_t base = 0x50000000;
	KT_ASSERT(vm_allocate(&m, &base, 4 * PG, false, RW) == K_OK);
	KT_ASSERT(vm_fault(&m, base, VM_FAULT_WRITE) == K_OK);
	KT_ASSERT(vm_fault(&m, base + 2 * PG, VM_FAULT_WRITE) == K_OK);
	static const char secret[] = "kept across protection changes";
	KT_ASSERT(vm_map_write(&m, base + 2 * PG, secret, sizeof(secret)) == K_OK);

	KT_EXPECT(vm_protect(&m, base + PG, 2 * PG, false, PROT_R) == K_OK);
	KT_EXPECT(m.nregions == 3);
	KT_EXPECT(pte_prot_at(&m, base) & PROT_W);
	KT_EXPECT(!(pte_prot_at(&m, base + 2 * PG) & PROT_W));      /* present page followed */
	KT_EXPECT(vm_fault(&m, base + 2 * PG, VM_FAULT_WRITE) == K_EFAULT);
	KT_EXPECT(vm_fault(&m, base + PG, VM_FAULT_WRITE) == K_EFAULT);
	KT_EXPECT(vm_protect(&m, base, 4 * PG, false, RW) == K_OK);
	KT_EXPECT(m.nregions == 1);                                   /* merged back */
	KT_EXPECT(pte_prot_at(&m, base + 2 * PG) & PROT_W);

	/* Lowering the maximum caps the current protection too. */
	KT_EXPECT(vm_protect(&m, base, 4 * PG, true, PROT_R) == K_OK);
	KT_EXPECT(!(pte_prot_at(&m, base) & PROT_W));
	KT_EXPECT(vm_protect(&m, base, PG, false, RW) == K_EINVAL);
	KT_EXPECT(vm_protect(&m, base, PG, true, RW) == K_EINVAL);    /* cannot raise it */
	KT_EXPECT(vm_fault(&m, base, VM_FAULT_WRITE) == K_EFAULT);    /* nothing changed */
	KT_EXPECT(m.nregions == 1);

	/* No rights at all: the page stays (kernel-only), the task cannot
	 * touch it, and its contents survive until rights come back. */
	KT_EXPECT(vm_protect(&m, base + 2 * PG, PG, false, 0) == K_OK);
	KT_EXPECT(vm_fault(&m, base + 2 * PG, VM_FAULT_READ) == K_EFAULT);
	unsigned p = pte_prot_at(&m, base + 2 * PG);
	KT_EXPECT(p != 0xffffu && !(p & PROT_USER));
	KT_EXPECT(vm_protect(&m, base + 2 * PG, PG, false, PROT_R) == K_OK);
	KT_EXPECT(pte_prot_at(&m, base + 2 * PG) & PROT_USER);
	char back[sizeof(secret)];
	KT_EXPECT(peek(&m, base + 2 * PG, back, sizeof(back)) &&
		  memcmp(back, secret, sizeof(secret)) == 0);

	/* Holes are stepped over; bad arguments change nothing. */
	KT_EXPECT(vm_protect(&m, base - PG, 6 * PG, false, PROT_R) == K_OK);
	KT_EXPECT(vm_protect(&m, base, PG, false, PROT_USER) == K_EINVAL);
	KT_EXPECT(vm_protect(&m, USER_END - PG, 2 * PG, false, PROT_R) == K_EINVAL);
	vm_map_destroy(&m);
	KT_EXPECT(free_pages() == baseline);
}

/* Inheritance splits and merges regions like protection does, and bad
 * values change nothing. */
KTEST(vm_inherit_semantics)
{
	struct vm_map m;
	KT_ASSERT(vm_map_init(&m) == K_OK);
	vaddr_t base = 0x50000000;
	KT_ASSERT(vm_allocate(&m, &base, 4 * PG, false, RW) == K_OK);
	KT_EXPECT(vm_region_lookup(&m, base)->inherit == VM_INHERIT_DEFAULT);
	KT_EXPECT(vm_inherit(&m, base + PG, PG, VM_INHERIT_SHARE) == K_OK);
	KT_EXPECT(m.nregions == 3);
	KT_EXPECT(vm_region_lookup(&m, base + PG)->inherit == VM_INHERIT_SHARE);
	KT_EXPECT(vm_region_lookup(&m, base + 2 * PG)->inherit == VM_INHERIT_COPY);
	KT_EXPECT(vm_inherit(&m, base, 4 * PG, VM_INHERIT_NONE) == K_OK);
	KT_EXPECT(m.nregions == 1);                                   /* merged back */
	KT_EXPECT(vm_inherit(&m, base, PG, 3) == K_EINVAL);
	KT_EXPECT(vm_inherit(&m, USER_END - PG, 2 * PG, VM_INHERIT_COPY) == K_EINVAL);
	KT_EXPECT(vm_region_lookup(&m, base)->inherit == VM_INHERIT_NONE);
	vm_map_destroy(&m);
}

/* A fixed region maps the kernel's own page: the task sees it, the kernel
 * never writes through it, and unmapping frees nothing. */
KTEST(vm_fixed_region)
{
	warm_up();
	paddr_t page = page_alloc(0);
	KT_ASSERT(page != PADDR_NONE);
	memset(phys_to_virt(page), 0, PAGE_SIZE);
	memcpy(phys_to_virt(page), "the kernel's page", 18);
	size_t baseline = free_pages();
	struct vm_map m;
	KT_ASSERT(vm_map_init(&m) == K_OK);
	vaddr_t va = 0;
	KT_EXPECT(vm_map_fixed(&m, &va, PAGE_SIZE, true, page, PROT_R | PROT_W, PROT_R) ==
		  K_EINVAL);                                  /* prot beyond max_prot */
	KT_ASSERT(vm_map_fixed(&m, &va, PAGE_SIZE, true, page, PROT_R, PROT_R) == K_OK);
	char back[18] = "";
	KT_EXPECT(vm_map_read(&m, va, back, sizeof(back)) == K_OK &&
		  strcmp(back, "the kernel's page") == 0);   /* faulted in: the very page */
	KT_EXPECT(vm_map_write(&m, va, "x", 1) == K_EFAULT);
	KT_EXPECT(vm_fault(&m, va, VM_FAULT_WRITE) == K_EFAULT);
	KT_EXPECT(vm_protect(&m, va, PAGE_SIZE, false, PROT_RW) == K_EINVAL);
	KT_EXPECT(vm_deallocate(&m, va, PAGE_SIZE) == K_OK);
	KT_EXPECT(strcmp(phys_to_virt(page), "the kernel's page") == 0);   /* not freed */
	vm_map_destroy(&m);
	KT_EXPECT(free_pages() == baseline);
	page_free(page, 0);
}

/* Pages spread over the address space, so that many page-table pages are
 * needed, all come back. */
KTEST(vm_map_destroy_returns_every_page)
{
	warm_up();
	size_t baseline = free_pages();
	struct vm_map m;
	KT_ASSERT(vm_map_init(&m) == K_OK);
	const vaddr_t where[] = {
		USER_BASE, 0x400000, 0x40000000, (vaddr_t)1 << 37, EXEC_STACK_BASE,
		USER_END - 64 * PG,
	};
	for (size_t i = 0; i < ARRAY_SIZE(where); i++) {
		vaddr_t at = where[i];
		KT_ASSERT(vm_allocate(&m, &at, 64 * PG, false, RW) == K_OK);
		for (vaddr_t va = at; va < at + 64 * PG; va += 3 * PG)
			KT_ASSERT(vm_fault(&m, va, VM_FAULT_WRITE) == K_OK);
	}
	/* A big region touched at both ends only. */
	vaddr_t big = 0x100000000;
	KT_ASSERT(vm_allocate(&m, &big, (size_t)1 << 30, false, RW) == K_OK);
	KT_ASSERT(vm_fault(&m, big, VM_FAULT_WRITE) == K_OK);
	KT_ASSERT(vm_fault(&m, big + ((size_t)1 << 30) - 1, VM_FAULT_WRITE) == K_OK);
	ktest_note("%zu pages resident, %zu table pages", m.resident_pages, m.pt.table_pages);
	KT_EXPECT(m.pt.table_pages > 6);
	KT_EXPECT(free_pages() < baseline - m.resident_pages);
	vm_map_destroy(&m);
	KT_EXPECT(free_pages() == baseline);
	KT_EXPECT(m.pt.table_pages == 0);
	/* Destroying twice is harmless. */
	vm_map_destroy(&m);
	KT_EXPECT(free_pages() == baseline);
}

/* The copy routines on an active map.  The kernel thread borrows the map:
 * safe because every user space shares the kernel half (x86_64, riscv64)
 * or leaves it alone (aarch64, TTBR1), and interrupts stay off so no other
 * thread runs (and switches spaces) until the previous map is back. */
KTEST(vm_copy_user)
{
	warm_up();
	size_t baseline = free_pages();
	struct vm_map m;
	KT_ASSERT(vm_map_init(&m) == K_OK);
	vaddr_t rw = 0x10000000, ro = 0x20000000, none = 0x30000000;
	KT_ASSERT(vm_allocate(&m, &rw, 2 * PG, false, RW) == K_OK);
	KT_ASSERT(vm_allocate(&m, &ro, PG, false, PROT_R) == K_OK);
	KT_ASSERT(vm_allocate(&m, &none, PG, false, PROT_R) == K_OK);
	KT_ASSERT(vm_map_write(&m, none, "hidden", 7) == K_OK);
	KT_ASSERT(vm_protect(&m, none, PG, false, 0) == K_OK);
	KT_ASSERT(vm_map_write(&m, ro + PG - 3, "abc", 3) == K_OK);   /* no NUL before the end */

	struct vm_map *prev = vm_map_current();
	irqflags_t f = arch_irq_save();
	vm_map_activate(&m);
	bool active = vm_map_current() == &m;
	char buf[32] = "", in[8] = "";
	/* Not present yet: the copy faults and uaccess_fault() fills it in. */
	int out_rc = copyout(rw + PG - 3, "hello", 6);
	int in_rc = copyin(in, rw + PG - 3, 6);
	int str_rc = copyinstr(buf + 8, rw + PG - 3, 16);
	int short_rc = copyinstr(buf + 24, rw + PG - 3, 3);
	int wild_rc = copyin(buf, 0x60000000, 4);
	int kernel_rc = copyin(buf, (uintptr_t)&m, 4);
	int kernel_out_rc = copyout((uintptr_t)buf, "x", 1);
	int wrap_rc = copyin(buf, USER_END - 8, 16);
	int low_rc = copyin(buf, 8, 4);
	int ro_rc = copyout(ro, "x", 1);
	int none_rc = copyin(buf, none, 4);
	int edge_rc = copyinstr(buf, ro + PG - 3, 16);
	int zero_rc = copyin(buf, 0x60000000, 0);
	vm_map_activate(prev);
	arch_irq_restore(f);

	KT_EXPECT(active);
	KT_EXPECT(out_rc == K_OK);
	KT_EXPECT(in_rc == K_OK && memcmp(in, "hello", 6) == 0);
	KT_EXPECT(str_rc == 5 && strcmp(buf + 8, "hello") == 0);
	KT_EXPECT(short_rc == K_ENOSPC);
	KT_EXPECT(wild_rc == K_EFAULT);
	KT_EXPECT(kernel_rc == K_EFAULT);
	KT_EXPECT(kernel_out_rc == K_EFAULT);
	KT_EXPECT(wrap_rc == K_EFAULT);
	KT_EXPECT(low_rc == K_EFAULT);
	KT_EXPECT(ro_rc == K_EFAULT);
	KT_EXPECT(none_rc == K_EFAULT);
	KT_EXPECT(edge_rc == K_EFAULT);
	KT_EXPECT(zero_rc == K_OK);
	KT_EXPECT(m.resident_pages == 4);      /* ro, none, and both rw pages (by the copy) */
	KT_EXPECT(vm_map_current() == prev);
	/* Destroying a map while it is active moves the CPU off it first. */
	f = arch_irq_save();
	vm_map_activate(&m);
	vm_map_destroy(&m);
	KT_EXPECT(vm_map_current() == NULL);
	vm_map_activate(prev);
	arch_irq_restore(f);
	KT_EXPECT(free_pages() == baseline);
}

/* --- the loader --------------------------------------------------------- */

#define TEXT_VA 0x400000u
#define DATA_VA 0x402010u      /* not page aligned */
static unsigned char elf_image[1024];

/* A two-segment static executable for this machine: text (RX, holds the
 * entry) and data (RW, 16 file bytes, then bss). */
static size_t build_elf(uint32_t data_flags)
{
	memset(elf_image, 0, sizeof(elf_image));
	struct elf64_ehdr h = {
		.e_ident = { 0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_EXEC, .e_machine = (uint16_t)exec_elf_machine(),
		.e_version = EV_CURRENT, .e_entry = TEXT_VA + 0x40,
		.e_phoff = sizeof(struct elf64_ehdr), .e_ehsize = sizeof(struct elf64_ehdr),
		.e_phentsize = sizeof(struct elf64_phdr), .e_phnum = 2,
	};
	size_t text_off = 256, data_off = 512;
	struct elf64_phdr ph[2] = {
		{ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = text_off,
		  .p_vaddr = TEXT_VA, .p_filesz = 128, .p_memsz = 128, .p_align = PG },
		{ .p_type = PT_LOAD, .p_flags = data_flags, .p_offset = data_off,
		  .p_vaddr = DATA_VA, .p_filesz = 16, .p_memsz = 2 * PG, .p_align = PG },
	};
	memcpy(elf_image, &h, sizeof(h));
	memcpy(elf_image + h.e_phoff, ph, sizeof(ph));
	for (int i = 0; i < 128; i++)
		elf_image[text_off + i] = (unsigned char)(0x90 + i);
	memcpy(elf_image + data_off, "data segment 16b", 16);
	/* Bytes after the data's file part must not leak into the bss. */
	memset(elf_image + data_off + 16, 0xee, 64);
	return data_off + 16 + 64;
}

static uint64_t peek64(struct vm_map *m, vaddr_t va)
{
	uint64_t v = 0xdeadbeef;
	peek(m, va, &v, sizeof(v));
	return v;
}

KTEST(vm_exec_load)
{
	warm_up();
	size_t baseline = free_pages();
	struct vm_map m;
	KT_ASSERT(vm_map_init(&m) == K_OK);
	size_t size = build_elf(PF_R | PF_W);
	char *argv[] = { "/prog", "first", "" };
	uintptr_t entry = 0, sp = 0;
	const char *why = NULL;
	int rc = exec_load(&m, elf_image, size, 3, argv, &entry, &sp, &why);
	if (rc != K_OK)
		ktest_note("exec_load: %s", why ? why : "?");
	KT_ASSERT(rc == K_OK);
	KT_EXPECT(entry == TEXT_VA + 0x40);
	KT_EXPECT(m.nregions == 3);             /* text, data, stack */

	unsigned char text[128];
	KT_EXPECT(peek(&m, TEXT_VA, text, sizeof(text)) && text[0] == 0x90 && text[127] == (unsigned char)(0x90 + 127));
	unsigned p = pte_prot_at(&m, TEXT_VA);
	KT_EXPECT((p & PROT_X) && !(p & PROT_W) && (p & PROT_USER));
	char data[17] = "";
	KT_EXPECT(peek(&m, DATA_VA, data, 16) && memcmp(data, "data segment 16b", 16) == 0);
	KT_EXPECT(peek64(&m, DATA_VA + 16) == 0);   /* bss right after the file bytes */
	KT_EXPECT(vm_fault(&m, DATA_VA + PG, VM_FAULT_WRITE) == K_OK);
	KT_EXPECT(peek64(&m, DATA_VA + PG) == 0);
	KT_EXPECT(vm_fault(&m, TEXT_VA, VM_FAULT_WRITE) == K_EFAULT);   /* W^X held */
	KT_EXPECT(vm_fault(&m, DATA_VA, VM_FAULT_EXEC) == K_EFAULT);

	/* GNU Mach's stack: argc, argv..., NULL, envp NULL, strings. */
	KT_EXPECT(IS_ALIGNED(sp, 16));
	KT_EXPECT(sp >= EXEC_STACK_BASE && sp < EXEC_STACK_TOP);
	KT_EXPECT(peek64(&m, sp) == 3);
	char s[16];
	for (int i = 0; i < 3; i++) {
		uint64_t ptr = peek64(&m, sp + 8 + 8 * (uintptr_t)i);
		KT_EXPECT(ptr > sp && ptr < EXEC_STACK_TOP);
		memset(s, 0x55, sizeof(s));
		KT_EXPECT(peek(&m, ptr, s, strlen(argv[i]) + 1) && strcmp(s, argv[i]) == 0);
	}
	KT_EXPECT(peek64(&m, sp + 8 * 4) == 0);     /* argv[3] */
	KT_EXPECT(peek64(&m, sp + 8 * 5) == 0);     /* envp[0] */
	KT_EXPECT(vm_fault(&m, EXEC_STACK_BASE, VM_FAULT_WRITE) == K_OK);
	KT_EXPECT(vm_fault(&m, EXEC_STACK_TOP, VM_FAULT_READ) == K_EFAULT);  /* the gap */
	vm_map_destroy(&m);
	KT_EXPECT(free_pages() == baseline);

	/* Refused images and arguments change nothing. */
	KT_ASSERT(vm_map_init(&m) == K_OK);
	size = build_elf(PF_R | PF_W | PF_X);
	KT_EXPECT(exec_load(&m, elf_image, size, 1, argv, &entry, &sp, &why) == K_EINVAL);
	KT_EXPECT(m.nregions == 0);
	size = build_elf(PF_R | PF_W);
	KT_EXPECT(exec_load(&m, elf_image, size - 70, 1, argv, &entry, &sp, &why) == K_EINVAL);
	KT_EXPECT(exec_load(&m, elf_image, size, EXEC_ARGC_MAX + 1, argv, &entry, &sp, &why) == K_EINVAL);
	KT_EXPECT(m.nregions == 0);
	vm_map_destroy(&m);
	KT_EXPECT(free_pages() == baseline);
}
