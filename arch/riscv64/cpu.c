/* Small CPU services of the arch interface (the interrupt enable bit is
 * inline, <machine/irq.h>): identity and the fault-tolerant probe read.
 * (Page-table switching is in address_space.c.) */
#include <kern/arch.h>
#include <machine/csr.h>
#include <machine/trap.h>

const char *arch_name(void) { return "riscv64"; }


/* Zihintpause's pause, which is a fence with an empty predecessor set:
 * harts without the extension run it as a no-op fence. */
void arch_cpu_relax(void) { __asm__ volatile(".4byte 0x0100000f" ::: "memory"); }

/* The load at 1: may fault; the exception table sends it to 2:, which
 * reports failure.  Success falls through with the value loaded. */
bool arch_probe_read64(const void *addr, uint64_t *out)
{
	uint64_t v = 0;
	unsigned long ok = 1;
	__asm__ volatile(
		"1: ld %0, 0(%2)\n"
		"   j 3f\n"
		"2: li %1, 0\n"
		"3:\n"
		"   .pushsection .extable, \"a\"\n"
		"   .balign 8\n"
		"   .dword 1b, 2b\n"
		"   .popsection\n"
		: "+r"(v), "+r"(ok) : "r"(addr) : "memory");
	if (ok)
		*out = v;
	return ok;
}

/* RISC-V orders instruction fetch after stores only through fence.i (on
 * this hart; other harts need a remote fence.i when SMP arrives). */
void arch_sync_icache(const void *kva, size_t len)
{
	__asm__ volatile("fence.i" ::: "memory");
}
