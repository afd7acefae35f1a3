/* Small CPU services of the arch interface: interrupt flag, identity, and
 * the fault-tolerant probe read. */
#include <kern/arch.h>
#include <machine/cpu.h>
#include <machine/trap.h>

#define RFLAGS_IF (1UL << 9)

const char *arch_name(void) { return "x86_64"; }

irqflags_t arch_irq_save(void)
{
	irqflags_t f;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(f) :: "memory");
	return f;
}

void arch_irq_restore(irqflags_t f)
{
	if (f & RFLAGS_IF)
		__asm__ volatile("sti" ::: "memory");
}

void arch_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
void arch_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }

bool arch_irq_enabled(void)
{
	irqflags_t f;
	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f & RFLAGS_IF;
}

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

void arch_mmu_activate(paddr_t root)
{
	write_cr4(read_cr4() | CR4_PGE);
	write_cr3(root);
}
