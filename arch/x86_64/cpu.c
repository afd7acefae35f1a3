/* Small CPU services of the arch interface (the interrupt flag is inline,
 * <machine/irq.h>): identity, the fault-tolerant probe read, and the
 * switch to the kernel's page tables with the protections that come with
 * them (SMEP, SMAP, PCID). */
#include <kern/arch.h>
#include <machine/cpu.h>
#include <machine/trap.h>
#include "mmu.h"

bool x86_smap_enabled;
const char *arch_name(void) { return "x86_64"; }

void arch_cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }

/* The load at 1: may fault; the exception table sends it to 2:, which
 * reports failure.  Success falls through with the value loaded. */
bool arch_probe_read64(const void *addr, uint64_t *out)
{
	uint64_t v = 0;
	int ok = 1;
	__asm__ volatile(
		"1: movq (%2), %0\n"
		"   jmp 3f\n"
		"2: xorl %1, %1\n"
		"3:\n"
		"   .pushsection .extable, \"a\"\n"
		"   .balign 8\n"
		"   .quad 1b, 2b\n"
		"   .popsection\n"
		: "+r"(v), "+r"(ok) : "r"(addr) : "memory");
	if (ok)
		*out = v;
	return ok;
}

/* SMEP: the kernel never executes a user page.  SMAP: it never reads or
 * writes one either, except between stac and clac in uaccess.S.  Both are
 * turned on when the CPU has them (QEMU's TCG "max" CPU does), together
 * with PCIDs for user address spaces (user_space.c). */
void arch_mmu_activate(paddr_t root)
{
	uint64_t cr4 = read_cr4() | CR4_PGE;
	if (cpuid(0, 0).eax >= 7) {
		uint32_t ebx = cpuid(7, 0).ebx;
		if (ebx & CPUID7_EBX_SMEP)
			cr4 |= CR4_SMEP;
		if (ebx & CPUID7_EBX_SMAP)
			cr4 |= CR4_SMAP;
	}
	write_cr4(cr4);
	x86_smap_enabled = cr4 & CR4_SMAP;
	x86_kernel_root_activate(root);
}

/* x86 keeps instruction fetch coherent with stores (self-modifying code
 * included): nothing to do. */
void arch_sync_icache(const void *kva, size_t len)
{
}
