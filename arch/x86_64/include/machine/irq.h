/* The interrupt flag (kern/arch.h's CPU state): inline, since the
 * kernel's one-CPU locking saves and restores it on every IPC and
 * scheduler path. */
#ifndef MACHINE_IRQ_H
#define MACHINE_IRQ_H

#include <machine/trap.h>   /* RFLAGS_IF */

static inline irqflags_t arch_irq_save(void)
{
	irqflags_t f;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(f) :: "memory");
	return f;
}

static inline void arch_irq_restore(irqflags_t f)
{
	if (f & RFLAGS_IF)
		__asm__ volatile("sti" ::: "memory");
}

static inline void arch_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void arch_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }

static inline bool arch_irq_enabled(void)
{
	irqflags_t f;
	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f & RFLAGS_IF;
}

#endif
