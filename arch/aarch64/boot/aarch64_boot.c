/* aarch64_boot: the first C code.  Called from head.S on the boot stack
 * with the boot page tables, it installs the exception vectors, finds the
 * early console and the SMCCC conduit in the device tree, turns the tree
 * into boot_info, maps the rest of RAM in the boot direct map, reserves the
 * image, sets the CPU up for user mode and enters the portable kernel. */
#include <kern/arch.h>
#include <kern/boot_info.h>
#include <kern/dt.h>
#include <kern/dt_boot.h>
#include <kern/errno.h>
#include <kern/kmap.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <machine/cpu.h>
#include <machine/pte.h>
#include <machine/smccc.h>
#include "pv/pv.h"
#include "../platform.h"

/* Linux's limit, which head.S's boot mapping of the tree relies on. */
#define DTB_MAX_SIZE (2UL << 20)
#define GIB (1ULL << 30)
#define DMAP_BLOCK (PTE_VALID | PTE_ATTR(MT_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_PXN | PTE_UXN)

extern char _text[], _kernel_end[];
void aarch64_boot(paddr_t dtb_pa, paddr_t load_pa, unsigned entry_el);

unsigned boot_entry_el;
static const void *dtb_va;

const void *boot_dtb(void) { return dtb_va; }

/* Every gigabyte of RAM the tree reports, below the 512 GiB one level-1
 * table covers, in the boot direct map (1 GiB blocks). */
static void map_ram_in_boot_direct_map(void)
{
	for (unsigned i = 0; i < boot_info.nmem; i++) {
		const struct boot_mem_region *m = &boot_info.mem[i];
		if (m->type != BOOT_MEM_RAM || m->size == 0)
			continue;
		uint64_t first = m->base / GIB, last = (m->base + m->size - 1) / GIB;
		for (uint64_t g = first; g <= last && g < 512; g++)
			boot_dmap_l1[g] = g * GIB | DMAP_BLOCK;
	}
	dsb_ishst();
	isb();
}

static void find_smccc_conduit(const void *dtb)
{
	int m = dt_psci_method(dtb);
	enum smccc_conduit c = m == DT_PSCI_HVC ? SMCCC_CONDUIT_HVC :
			       m == DT_PSCI_SMC ? SMCCC_CONDUIT_SMC : SMCCC_CONDUIT_NONE;
	/* We left EL2 empty: an hvc from EL1 would land in nothing. */
	if (c == SMCCC_CONDUIT_HVC && boot_entry_el == 2) {
		kprintf("psci: the device tree says hvc, but nothing runs at EL2; no PSCI\n");
		c = SMCCC_CONDUIT_NONE;
	}
	smccc_set_conduit(c);
	psci_init();
}

void aarch64_boot(paddr_t dtb_pa, paddr_t load_pa, unsigned entry_el)
{
	traps_init();
	boot_entry_el = entry_el;

	/* head.S mapped 2 MiB from dtb_pa in the direct map (below 512 GiB). */
	size_t readable = dtb_pa && dtb_pa + DTB_MAX_SIZE <= 512 * GIB ? DTB_MAX_SIZE : 0;
	dtb_va = phys_to_virt(dtb_pa);
	bool tree_ok = readable && dt_check(dtb_va, readable) == 0;
	bool console = tree_ok && pl011_early_init(dtb_va);
	if (tree_ok)
		find_smccc_conduit(dtb_va);
	arch_pv_native(&pv_ops);    /* early console and shutdown, for panics */
	if (!console)
		kprintf("boot: no PL011 console in the device tree\n");   /* kept in the boot log */

	boot_info.loader = "Linux Image";
	if (!tree_ok || dt_boot_info(dtb_va, dtb_pa, readable) < 0)
		panic("boot: no usable device tree at %#llx (x0 from the loader)",
		      (unsigned long long)dtb_pa);
	map_ram_in_boot_direct_map();

	boot_info_reserve(load_pa, (paddr_t)(_kernel_end - _text));
	kprintf("boot: entered at EL%u, image at %#llx, device tree at %#llx\n", entry_el,
		(unsigned long long)load_pa, (unsigned long long)dtb_pa);
	aarch64_user_init();
	kmain();
}
