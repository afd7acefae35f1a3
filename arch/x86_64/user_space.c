/* User address spaces on x86_64.
 *
 * The kernel half.  Every user root carries the kernel's top-level (PML4)
 * entries 256..511, so the kernel runs on whichever root is loaded.  A
 * copied entry points at the kernel's own PDPT, so whatever the kernel maps
 * below it later is seen by every space at once.  Two kinds of entries:
 *   - frozen: present when x86_kernel_half_freeze() runs, once the platform
 *     is up (direct map, image, and the ioremap window's working half,
 *     whose PDPT it creates).  They never change; arch_user_space_init()
 *     copies them and nothing else has to.
 *   - lazy: any other kernel-half entry the kernel tree gains or loses
 *     later (today only the ioremap window's second half, where tests map
 *     and unmap kernel pages, and ptable.c frees a top-level table once it
 *     empties).  A kernel access through a root that lacks the entry faults
 *     and x86_kernel_half_fault() copies it in; once copied, the slot is
 *     re-copied into the root being loaded at every activation and into the
 *     current root before every TLB flush (before ptable.c frees a table
 *     it unhooked), so no root keeps pointing at a freed table while it is
 *     in use.
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
#define KERNEL_HALF_START 0xffff800000000000UL
#define PCID_COUNT 4096

static unsigned pml4_index(vaddr_t va)
{
	return (va >> 39) & (PML4_ENTRIES - 1);
}

static paddr_t kernel_root;
static bool pcid_on;
static pte_t kernel_half[PML4_ENTRIES - PML4_KERNEL_FIRST];
static bool kernel_half_frozen;
static uint64_t lazy_slots[PML4_ENTRIES / 64];   /* bit i: PML4 entry i is lazy */
static bool any_lazy;

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
	vaddr_t ioremap_end = IOREMAP_BASE + IOREMAP_SIZE / 2;   /* kmap.c: ioremap's half */

	for (vaddr_t va = IOREMAP_BASE; va < ioremap_end; va += 1UL << 39) {
		pte_t *e = &root[pml4_index(va)];
		if (pte_valid(*e))
			continue;
		paddr_t pdpt = ptable_page_alloc();
		if (pdpt == PADDR_NONE)
			panic("x86: no memory for the kernel's top-level tables");
		kernel_ptable()->table_pages++;
		*e = pte_table(pdpt);
	}
	memcpy(kernel_half, &root[PML4_KERNEL_FIRST], sizeof(kernel_half));
	kernel_half_frozen = true;
}

/* The CPU sets the accessed bit in whichever root it walks: two copies of
 * an entry may differ in it alone. */
static bool same_entry(pte_t a, pte_t b)
{
	return ((a ^ b) & ~(PTE_A | PTE_D)) == 0;
}

static pte_t *root_entries(paddr_t root)
{
	return ptable_page_ptr(root);
}

static paddr_t current_root(void)
{
	return read_cr3() & PTE_ADDR_MASK;
}

/* Bring root's lazy kernel-half entries up to date with the kernel's. */
static void sync_lazy(paddr_t root)
{
	if (!any_lazy || root == kernel_root)
		return;
	pte_t *dst = root_entries(root);
	const pte_t *src = root_entries(kernel_root);
	for (unsigned w = 0; w < ARRAY_SIZE(lazy_slots); w++)
		for (uint64_t bits = lazy_slots[w]; bits; bits &= bits - 1) {
			unsigned i = w * 64 + (unsigned)__builtin_ctzll(bits);
			dst[i] = src[i];
		}
}

bool x86_kernel_half_fault(vaddr_t va)
{
	unsigned i = pml4_index(va);
	paddr_t root = current_root();
	if (va < KERNEL_HALF_START || !kernel_half_frozen || root == kernel_root)
		return false;
	pte_t *dst = root_entries(root);
	pte_t want = root_entries(kernel_root)[i];
	if (same_entry(dst[i], want))
		return false;   /* not ours to fix: a real fault */
	if (pte_valid(kernel_half[i - PML4_KERNEL_FIRST]))
		panic("x86: frozen kernel PML4 entry %u changed", i);
	lazy_slots[i / 64] |= 1ULL << (i % 64);
	any_lazy = true;
	dst[i] = want;
	return true;
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
	sync_lazy(root);
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

void x86_tlb_flush_begin(void)
{
	sync_lazy(current_root());
}

void x86_tlb_flushed(void)
{
	tlb_generation++;
	if (pcid_on)
		pcids[current_pcid].generation = tlb_generation;
}
