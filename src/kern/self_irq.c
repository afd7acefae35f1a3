/* The self-interrupt request ring (see kern/self_irq.h). */
#include <kern/errno.h>
#include <kern/self_irq.h>

#define SELF_RING 16

static struct { irq_handler_t fn; void *arg; } ring[SELF_RING];
static unsigned head, tail;    /* free-running; tail - head = queued */

int self_interrupt(irq_handler_t handler, void *arg)
{
	if (!handler)
		return K_EINVAL;
	irqflags_t f = arch_irq_save();
	if (tail - head == SELF_RING) {
		arch_irq_restore(f);
		return K_EBUSY;
	}
	unsigned i = tail % SELF_RING;
	ring[i].fn = handler;
	ring[i].arg = arg;
	tail++;
	int rc = arch_raise_self_interrupt();
	if (rc < 0)
		tail--;   /* nothing will drain it: take it back */
	arch_irq_restore(f);
	return rc;
}

void self_interrupt_drain(void)
{
	while (head != tail) {
		unsigned i = head++ % SELF_RING;
		ring[i].fn(ring[i].arg);
	}
}
