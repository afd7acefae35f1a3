/* Small CPU services of the arch interface: interrupt flag, identity, the
 * fault-tolerant probe read, and backtraces. */
#include <kern/arch.h>
#include <kern/printf.h>
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

/* Walk rbp-linked frames: [rbp] = caller's rbp, [rbp+8] = return address.
 * Every load is probed, so a corrupt chain ends the walk instead of faulting
 * inside the fault handler. */
void arch_backtrace(uintptr_t pc, uintptr_t fp)
{
	if (!fp) {
		fp = (uintptr_t)__builtin_frame_address(0);
		pc = (uintptr_t)__builtin_return_address(0);
	}
	kprintf("  backtrace:\n");
	for (int depth = 0; depth < 32 && pc; depth++) {
		uintptr_t off;
		const char *sym = ksym_lookup(pc, &off);
		kprintf("    #%-2d %016lx %s+%#lx\n", depth, (unsigned long)pc,
			sym ? sym : "?", sym ? (unsigned long)off : 0UL);
		uint64_t next_fp, ret;
		if (!fp || (fp & 7) || !arch_probe_read64((void *)fp, &next_fp) ||
		    !arch_probe_read64((void *)(fp + 8), &ret) || next_fp <= fp)
			break;
		fp = next_fp;
		pc = ret;
	}
}
