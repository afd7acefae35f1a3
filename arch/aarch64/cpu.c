/* Small CPU services of the arch interface (interrupt masking is inline,
 * <machine/irq.h>): identity, the fault-tolerant probe read and the switch
 * to the kernel's page tables. */
#include <kern/arch.h>
#include <kern/kmap.h>
#include <kern/ptable.h>
#include <machine/cpu.h>
#include "platform.h"

const char *arch_name(void) { return "aarch64"; }

void arch_cpu_relax(void) { __asm__ volatile("yield" ::: "memory"); }

/* The load at 1: may fault; the exception table sends it to 2:, which
 * reports failure.  Success falls through with the value loaded. */
bool arch_probe_read64(const void *addr, uint64_t *out)
{
	uint64_t v = 0;
	int ok = 1;
	__asm__ volatile(
		"1: ldr %0, [%2]\n"
		"   b 3f\n"
		"2: mov %w1, #0\n"
		"3:\n"
		EXTABLE_ENTRY(1b, 2b)
		: "+r"(v), "+r"(ok) : "r"(addr) : "memory");
	if (ok)
		*out = v;
	return ok;
}

void arch_mmu_activate(paddr_t root)
{
	/* The early console keeps its fixmap address in the new tree. */
	pl011_map_fixmap(kernel_ptable());
	dsb_ishst();
	aarch64_replace_ttbr1(root, virt_to_phys(boot_idmap_l0), kernel_va_offset);
}
