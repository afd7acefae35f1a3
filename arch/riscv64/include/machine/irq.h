/* The interrupt enable bit, sstatus.SIE (kern/arch.h's CPU state):
 * inline, since the kernel's one-CPU locking saves and restores it on
 * every IPC and scheduler path. */
#ifndef MACHINE_IRQ_H
#define MACHINE_IRQ_H

#include <machine/csr.h>    /* SSTATUS_SIE, csr_* */

static inline irqflags_t arch_irq_save(void)
{
	return csr_read_clear(sstatus, SSTATUS_SIE) & SSTATUS_SIE;
}

static inline void arch_irq_restore(irqflags_t f)
{
	if (f & SSTATUS_SIE)
		csr_set(sstatus, SSTATUS_SIE);
}

static inline void arch_irq_enable(void) { csr_set(sstatus, SSTATUS_SIE); }
static inline void arch_irq_disable(void) { csr_clear(sstatus, SSTATUS_SIE); }
static inline bool arch_irq_enabled(void) { return csr_read(sstatus) & SSTATUS_SIE; }

#endif
