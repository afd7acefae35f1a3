/* The kernel's own page tables on x86_64.
 *
 * arch_init_mm() replaces the boot tables (2 MiB pages, everything writable
 * and executable, identity map included) with a tree built by the portable
 * walker: RAM in the direct map as RW+NX, and the kernel image with one
 * permission per section (text RX, rodata R, data RW+NX: W^X).  Nothing is
 * left at low addresses, so a NULL dereference faults. */
#include <kern/arch.h>
#include <kern/boot_info.h>
#include <kern/page_alloc.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/ptable.h>
#include <machine/cpu.h>

extern char _text[], _etext[], _rodata[], _erodata[], _data[], _ebss[], _kernel_end[];

static struct ptable kernel_pt;
static bool kernel_pt_live;
static vaddr_t ioremap_next = IOREMAP_BASE;

struct ptable *kernel_ptable(void) { return &kernel_pt; }

paddr_t virt_to_phys(const void *p)
{
	vaddr_t va = (vaddr_t)p;
	if (va >= KERNEL_VBASE)
		return va - KERNEL_VBASE;
	if (va >= DIRECT_MAP_BASE && va < DIRECT_MAP_BASE + DIRECT_MAP_SIZE)
		return va - DIRECT_MAP_BASE;
	paddr_t pa;
	unsigned prot;
	if (kernel_pt_live && ptable_translate(&kernel_pt, va & ~(PAGE_SIZE - 1), &pa, &prot))
		return pa + (va & (PAGE_SIZE - 1));
	return PADDR_NONE;
}

static void map_or_die(vaddr_t va, paddr_t pa, size_t len, unsigned prot, const char *what)
{
	int err = ptable_map(&kernel_pt, va, pa, len, prot);
	if (err < 0)
		panic("pmap: cannot map %s (%#lx, %zu bytes): error %d", what,
		      (unsigned long)va, len, err);
}

static void map_image(const char *start, const char *end, unsigned prot, const char *what)
{
	vaddr_t s = ALIGN_DOWN((vaddr_t)start, PAGE_SIZE);
	vaddr_t e = ALIGN_UP((vaddr_t)end, PAGE_SIZE);
	if (e > s)
		map_or_die(s, s - KERNEL_VBASE, e - s, prot | PROT_GLOBAL, what);
}

void arch_init_mm(void)
{
	if (ptable_create(&kernel_pt) < 0)
		panic("pmap: no memory for the kernel page tables");

	for (unsigned i = 0; i < boot_info.nmem; i++) {
		const struct boot_mem_region *m = &boot_info.mem[i];
		if (m->type != BOOT_MEM_RAM)
			continue;
		paddr_t s = ALIGN_UP(m->base, PAGE_SIZE);
		paddr_t e = ALIGN_DOWN(m->base + m->size, PAGE_SIZE);
		if (e > s)
			map_or_die((vaddr_t)phys_to_virt(s), s, e - s, PROT_RW | PROT_GLOBAL, "RAM");
	}

	map_image(_text, _etext, PROT_RX, "kernel text");
	map_image(_rodata, _erodata, PROT_R, "kernel rodata");
	map_image(_data, _ebss, PROT_RW, "kernel data");
	map_image(_ebss, _kernel_end, PROT_R, "kernel symbols");

	write_cr4(read_cr4() | CR4_PGE);
	write_cr3(kernel_pt.root);
	kernel_pt_live = true;
}

void *ioremap(paddr_t pa, size_t len)
{
	paddr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	size_t size = ALIGN_UP(pa + len, PAGE_SIZE) - base;

	/* The first half of the window is handed out; the second half is left
	 * for tests that need a known-free kernel address range. */
	if (!kernel_pt_live || ioremap_next + size > IOREMAP_BASE + IOREMAP_SIZE / 2)
		return NULL;
	if (ptable_map(&kernel_pt, ioremap_next, base, size,
		       PROT_RW | PROT_NOCACHE | PROT_GLOBAL) < 0)
		return NULL;
	void *va = (void *)(ioremap_next + (pa - base));
	ioremap_next += size + PAGE_SIZE;   /* a guard page between mappings */
	return va;
}
