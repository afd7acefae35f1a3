/* The kernel's address space, the same on every arch:
 *   - RAM in the direct map (RW, never executable);
 *   - the kernel image, one permission per section (text RX, rodata R,
 *     data RW, symbols R: W^X);
 *   - device memory mapped on demand in the ioremap window (uncached).
 * Nothing is mapped at low addresses, so a NULL dereference faults.  The
 * layout constants come from <machine/param.h>; the arch only switches the
 * MMU to the finished tree (arch_mmu_activate). */
#include <kern/arch.h>
#include <kern/boot_info.h>
#include <kern/kmap.h>
#include <kern/page_alloc.h>
#include <kern/panic.h>
#include <kern/ptable.h>

extern char _text[], _etext[], _rodata[], _erodata[], _data[], _ebss[], _kernel_end[];

vaddr_t kernel_va_offset = KERNEL_VBASE;

static struct ptable kernel_pt;
static bool kernel_pt_live;
static vaddr_t ioremap_next = IOREMAP_BASE;

struct ptable *kernel_ptable(void) { return &kernel_pt; }

paddr_t virt_to_phys(const void *p)
{
	vaddr_t va = (vaddr_t)p;
	if (va >= (vaddr_t)_text && va < (vaddr_t)_kernel_end)
		return va - kernel_va_offset;
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
		panic("kmap: cannot map %s (%#lx, %zu bytes): error %d", what,
		      (unsigned long)va, len, err);
}

static void map_image(const char *start, const char *end, unsigned prot, const char *what)
{
	vaddr_t s = ALIGN_DOWN((vaddr_t)start, PAGE_SIZE);
	vaddr_t e = ALIGN_UP((vaddr_t)end, PAGE_SIZE);
	if (e > s)
		map_or_die(s, s - kernel_va_offset, e - s, prot | PROT_GLOBAL, what);
}

void kmap_init(void)
{
	if (ptable_create(&kernel_pt) < 0)
		panic("kmap: no memory for the kernel page tables");

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
	/* The symbol table starts on the page after .bss ends (.bss need not
	 * end on a page boundary; its last page is mapped with the data). */
	map_image((const char *)ALIGN_UP((vaddr_t)_ebss, PAGE_SIZE), _kernel_end,
		  PROT_R, "kernel symbols");

	arch_mmu_activate(kernel_pt.root);
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
