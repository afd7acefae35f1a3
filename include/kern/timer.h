/* Time for the portable kernel: the monotonic clock and one-shot timer events.
 *
 * A small sorted list of pending events multiplexes the single hardware
 * one-shot timer (pv_ops.timer_arm).  Callbacks run in interrupt context. */
#ifndef KERN_TIMER_H
#define KERN_TIMER_H

#include <kern/types.h>

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC  1000000000ULL

struct timer_event {
	uint64_t deadline_ns;
	void (*fn)(struct timer_event *ev);
	void *arg;
	struct timer_event *next;
	bool pending;
};

uint64_t clock_ns(void);
/* The time of day in ns since the epoch: the clock plus an offset that
 * starts at 0 (no real-time clock is read) and is set by host_set_time. */
int64_t time_of_day_ns(void);
void time_of_day_set_ns(int64_t ns);
/* Queue ev to fire at deadline; re-adding a pending event moves it. */
void timer_add(struct timer_event *ev, uint64_t deadline_ns);
/* Remove ev if pending; returns true if it was. */
bool timer_cancel(struct timer_event *ev);
/* Called by the arch's timer interrupt handler. */
void timer_interrupt(void);
/* Busy-wait (interrupts may stay enabled). */
void delay_ns(uint64_t ns);

#endif
