/* Host tests: the interrupt flag functions are the tests' own stubs
 * (ipc_host_stubs.c, test_virtio_mmio_console.c simulate them). */
#ifndef MACHINE_IRQ_H
#define MACHINE_IRQ_H

irqflags_t arch_irq_save(void);
void arch_irq_restore(irqflags_t flags);
void arch_irq_enable(void);
void arch_irq_disable(void);
bool arch_irq_enabled(void);

#endif
