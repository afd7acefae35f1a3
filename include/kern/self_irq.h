/* Interrupts a CPU raises on itself: how the self-tests drive the whole
 * interrupt path (controller, vector, dispatch, EOI) without a device.
 *
 * Requests wait in a small ring; the arch raises one interrupt (a LAPIC
 * self-IPI, a GIC SGI, sip.SSIP) whose handler calls self_interrupt_drain(),
 * which runs them in order.  One interrupt source serves every request. */
#ifndef KERN_SELF_IRQ_H
#define KERN_SELF_IRQ_H

#include <kern/arch.h>

/* Run handler(arg) from interrupt context, soon.  K_EINVAL without a
 * handler, K_ENODEV if the platform has no self-interrupt, K_EBUSY if the
 * ring is full. */
int self_interrupt(irq_handler_t handler, void *arg);
/* Run every queued request; called by the arch's self-interrupt handler. */
void self_interrupt_drain(void);

#endif
