/* User address spaces on x86_64.
 *
 * The kernel half.  Every user root carries the kernel's top-level (PML4)
 * entries 256..511, so the kernel runs on whichever root is loaded.  A
 * copied entry points at the kernel's own PDPT, so whatever the kernel maps
 * below it later is seen by every space at once.  The kernel uses three
 * PML4 entries (direct map, ioremap window, image: <machine/param.h> keeps
 * each window inside one), all present when x86_kernel_half_freeze() runs
 * once the platform is up; their PDPTs always hold mappings, so the walker
 * never frees them, and arch_user_space_init() copies them once.
 *
 * PCIDs.  With CR4.PCIDE a user root is loaded with its address-space id
 * (asid & 0xfff) as the PCID, and the TLB keeps entries tagged with other
 * PCIDs across the switch; the kernel's root uses PCID 0.  Kernel pages are
 * global, so they survive every switch anyway.  A load may keep the
 * entries already tagged with the PCID (CR3 bit 63) only when they cannot
 * be stale:
 *   - the PCID was last loaded with this same root, and
 *   - no translation was removed anywhere since (tlb_generation: bumped by
 *     the TLB-flush hooks, which only reach the current PCID), and no new
 *     space was made (its root page or id may be a dead space's).
 * Otherwise the load flushes that PCID.  Correctness over hit rate: a
 * single unmap anywhere makes every other space start cold once.  QEMU's
 * TCG has no PCIDs, so only KVM on real hardware takes this path. */
#include <kern/arch.h>
#include <kern/page_alloc.h>
#include <kern/panic.h>
#include <kern/ptable.h>
#include <kern/string.h>
#include <machine/cpu.h>
#include <machine/pte.h>
#include "mmu.h"

#define PML4_ENTRIES 512
#define PML4_KERNEL_FIRST 256
#define PCID_COUNT 4096

static unsigned pml4_index(vaddr_t va)
{
	return (va >> 39) & (PML4_ENTRIES - 1);
}

static paddr_t kernel_root;
static bool pcid_on;
static pte_t kernel_half[PML4_ENTRIES - PML4_KERNEL_FIRST];
static bool kernel_half_frozen;

static uint64_t tlb_generation = 1;
static unsigned current_pcid;
static struct pcid_state {
	paddr_t root;         /* last root loaded with this PCID */
	uint64_t generation;  /* tlb_generation when its entries were last known good */
} pcids[PCID_COUNT];

bool x86_pcid_enabled(void) { return pcid_on; }

void x86_kernel_root_activate(paddr_t root)
{
	kernel_root = root;
	write_cr3(root);
	/* PCIDE may only be set while CR3's PCID field is 0, as it is here. */
	if (cpuid(1, 0).ecx & CPUID1_ECX_PCID) {
		write_cr4(read_cr4() | CR4_PCIDE);
		pcid_on = true;
		current_pcid = 0;
		pcids[0] = (struct pcid_state){ root, tlb_generation };
	}
}

void x86_kernel_half_freeze(void)
{
	pte_t *root = ptable_page_ptr(kernel_root);
	_Static_assert(IOREMAP_SIZE <= (1UL << 39) && (IOREMAP_BASE & ((1UL << 39) - 1)) == 0,
		       "the ioremap window is one PML4 entry");

	/* The window may hold nothing yet: give it its PDPT now. */
	pte_t *e = &root[pml4_index(IOREMAP_BASE)];
	if (!pte_valid(*e)) {
		paddr_t pdpt = ptable_page_alloc();
		if (pdpt == PADDR_NONE)
			panic("x86: no memory for the kernel's top-level tables");
		kernel_ptable()->table_pages++;
		*e = pte_table(pdpt);
	}
	memcpy(kernel_half, &root[PML4_KERNEL_FIRST], sizeof(kernel_half));
	kernel_half_frozen = true;
}

unsigned x86_kernel_half_shared(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(kernel_half); i++)
		n += pte_valid(kernel_half[i]);
	return n;
}

void arch_user_space_init(struct ptable *pt)
{
	if (!kernel_half_frozen)
		panic("x86: user address space made before the kernel half was frozen");
	pte_t *root = ptable_page_ptr(pt->root);
	memcpy(&root[PML4_KERNEL_FIRST], kernel_half, sizeof(kernel_half));
	/* A new space may reuse a dead one's root page or PCID. */
	tlb_generation++;
}

void arch_user_space_activate(const struct ptable *pt, unsigned asid)
{
	paddr_t root = pt ? pt->root : kernel_root;
	if (!pcid_on) {
		if ((read_cr3() & PTE_ADDR_MASK) != root)
			write_cr3(root);
		return;
	}
	unsigned pcid = pt ? asid & CR3_PCID_MASK : 0;
	struct pcid_state *s = &pcids[pcid];
	if (pcid == current_pcid && s->root == root)
		return;   /* already loaded; the flush hooks kept it clean */
	bool keep = s->root == root && s->generation == tlb_generation;
	s->root = root;
	s->generation = tlb_generation;
	current_pcid = pcid;
	write_cr3(root | pcid | (keep ? CR3_NOFLUSH : 0));
}

void x86_tlb_flushed(void)
{
	tlb_generation++;
	if (pcid_on)
		pcids[current_pcid].generation = tlb_generation;
}
