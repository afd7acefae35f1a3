/* Timer events over the single one-shot hardware timer.
 *
 * Pending events sit in a list sorted by deadline; the hardware is always
 * armed for the head.  The list is short (a handful of events until the
 * scheduler arrives), so insertion is linear. */
#include <kern/arch.h>
#include <kern/timer.h>
#include "pv/pv.h"

static struct timer_event *pending;

uint64_t clock_ns(void)
{
	return pv_clock_ns();
}

/* The time of day minus the clock: 0 at boot (machv reads no real-time
 * clock), moved by time_of_day_set_ns. */
static int64_t time_of_day_offset;

int64_t time_of_day_ns(void)
{
	return (int64_t)clock_ns() + time_of_day_offset;
}

void time_of_day_set_ns(int64_t ns)
{
	time_of_day_offset = ns - (int64_t)clock_ns();
}

static void rearm(void)
{
	if (pending)
		pv_timer_arm(pending->deadline_ns);
	else
		pv_timer_cancel();
}

static bool unlink(struct timer_event *ev)
{
	for (struct timer_event **pp = &pending; *pp; pp = &(*pp)->next) {
		if (*pp == ev) {
			*pp = ev->next;
			ev->pending = false;
			return true;
		}
	}
	return false;
}

void timer_add(struct timer_event *ev, uint64_t deadline_ns)
{
	irqflags_t f = arch_irq_save();
	if (ev->pending)
		unlink(ev);
	ev->deadline_ns = deadline_ns;
	struct timer_event **pp = &pending;
	while (*pp && (*pp)->deadline_ns <= deadline_ns)
		pp = &(*pp)->next;
	ev->next = *pp;
	*pp = ev;
	ev->pending = true;
	rearm();
	arch_irq_restore(f);
}

bool timer_cancel(struct timer_event *ev)
{
	irqflags_t f = arch_irq_save();
	bool was = ev->pending && unlink(ev);
	rearm();
	arch_irq_restore(f);
	return was;
}

void timer_interrupt(void)
{
	uint64_t now = clock_ns();
	while (pending && pending->deadline_ns <= now) {
		struct timer_event *ev = pending;
		pending = ev->next;
		ev->pending = false;
		ev->fn(ev);
		now = clock_ns();
	}
	rearm();
}

void delay_ns(uint64_t ns)
{
	uint64_t end = clock_ns() + ns;
	while (clock_ns() < end)
		arch_cpu_relax();
}
