/* Interrupt masking, PSTATE.DAIF I and F (kern/arch.h's CPU state):
 * inline, since the kernel's one-CPU locking saves and restores it on
 * every IPC and scheduler path. */
#ifndef MACHINE_IRQ_H
#define MACHINE_IRQ_H

#include <machine/cpu.h>    /* DAIF_I, read_sysreg */

static inline irqflags_t arch_irq_save(void)
{
	irqflags_t f = read_sysreg(daif);
	__asm__ volatile("msr daifset, #3" ::: "memory");
	return f;
}

static inline void arch_irq_restore(irqflags_t f)
{
	if (!(f & DAIF_I))
		__asm__ volatile("msr daifclr, #3" ::: "memory");
}

static inline void arch_irq_enable(void) { __asm__ volatile("msr daifclr, #3" ::: "memory"); }
static inline void arch_irq_disable(void) { __asm__ volatile("msr daifset, #3" ::: "memory"); }
static inline bool arch_irq_enabled(void) { return !(read_sysreg(daif) & DAIF_I); }

#endif
