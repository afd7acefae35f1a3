/* riscv_boot: the first C code.  Called from start.S on the boot stack,
 * running at KERNEL_VBASE with the boot page tables, it records where the
 * image was loaded and which hart booted, probes the SBI, brings up the
 * early console and the trap vector, turns the device tree into boot_info,
 * reads the boot hart's features and the clock, and enters the portable
 * kernel. */
#include <kern/arch.h>
#include <kern/boot_info.h>
#include <kern/dt_boot.h>
#include <kern/kmap.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <machine/csr.h>
#include <machine/pte.h>
#include <machine/trap.h>
#include "hv/sbi/sbi.h"
#include "pv/pv.h"
#include "../riscv.h"

/* No device tree is anywhere near this big: a bound for dt_check(). */
#define DTB_MAX_SIZE (16UL << 20)

extern char _text[], _kernel_end[];
void riscv_boot(unsigned long hart, paddr_t dtb_pa, paddr_t load_pa, unsigned levels);

/* RAM the direct map cannot reach (machine/param.h: 128 GiB) is dropped
 * from the memory map, loudly, rather than mapped over the ioremap window. */
static void clip_ram_to_direct_map(void)
{
	for (unsigned i = 0; i < boot_info.nmem; i++) {
		struct boot_mem_region *m = &boot_info.mem[i];
		if (m->type != BOOT_MEM_RAM || m->base + m->size <= DIRECT_MAP_SIZE)
			continue;
		uint64_t keep = m->base < DIRECT_MAP_SIZE ? DIRECT_MAP_SIZE - m->base : 0;
		kprintf("boot: RAM %#llx-%#llx is beyond the direct map; ignored\n",
			(unsigned long long)(m->base + keep),
			(unsigned long long)(m->base + m->size - 1));
		m->size = keep;
	}
}

void riscv_boot(unsigned long hart, paddr_t dtb_pa, paddr_t load_pa, unsigned levels)
{
	kernel_va_offset = KERNEL_VBASE - load_pa;
	riscv_pt_levels = levels;
	riscv_boot_hart = hart;
	/* The kernel never touches user memory by accident (SUM), never
	 * reads execute-only pages (MXR), and has no FPU state (FS off). */
	csr_clear(sstatus, SSTATUS_SUM | SSTATUS_MXR | SSTATUS_FS);

	sbi_init();
	arch_pv_native(&pv_ops);    /* early console and power-off, for panics */
	trap_init();

	char sbi[128];
	sbi_describe(sbi, sizeof(sbi));
	kprintf("sbi: %s\n", sbi);

	boot_info.loader = "Linux Image";
	if (!dtb_pa || dtb_pa >= BOOT_DIRECT_MAP_END)
		panic("boot: no device tree below %#llx (a1 = %#llx)",
		      BOOT_DIRECT_MAP_END, (unsigned long long)dtb_pa);
	const void *dtb = phys_to_virt(dtb_pa);
	if (dt_boot_info(dtb, dtb_pa, MIN(DTB_MAX_SIZE, BOOT_DIRECT_MAP_END - dtb_pa)) < 0)
		panic("boot: unusable device tree at %#llx", (unsigned long long)dtb_pa);
	boot_info_reserve(load_pa, (uint64_t)(_kernel_end - _text));
	clip_ram_to_direct_map();

	hart_init(dtb);
	riscv_clock_init(dtb);
	kmain();
}
