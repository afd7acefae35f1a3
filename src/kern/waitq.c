/* Wait queues (see kern/waitq.h).
 *
 * A waiting thread is on exactly one queue (t->waitq), in arrival order,
 * and has its wait_timer armed when the wait has a timeout.  Whoever ends
 * the wait first — a waker, the timer, thread_interrupt() — takes it off
 * the queue, disarms the timer and makes it ready (waitq_end_wait), so the
 * others find nothing left to do.  All of it with interrupts disabled:
 * the timer's callback runs in interrupt context.
 *
 * A pending interrupt (thread_interrupt on a thread that was not waiting)
 * makes the next wait fail at once; in a task that is being terminated it
 * makes every wait fail, so its threads cannot block on their way out. */
#include <kern/arch.h>
#include <kern/timer.h>
#include <kern/waitq.h>
#include "sched_internal.h"

void waitq_init(struct waitq *wq)
{
	list_init(&wq->waiters);
}

static bool interrupt_sticks(const struct thread *t)
{
	return t->task && t->task->exiting;
}

/* Off the queue, timer cancelled, result set: still BLOCKED. */
static void end_wait(struct thread *t, int result)
{
	list_remove(&t->wait_link);
	t->waitq = NULL;
	if (t->wait_timer.pending)
		timer_cancel(&t->wait_timer);
	if (result == WAIT_INTERRUPTED && !interrupt_sticks(t))
		t->interrupt_pending = false;
	t->wait_result = result;
}

void waitq_end_wait(struct thread *t, int result)
{
	end_wait(t, result);
	sched_make_ready(t);
}

static void wait_timed_out(struct timer_event *ev)
{
	struct thread *t = ev->arg;
	if (t->state == THREAD_BLOCKED && t->waitq)
		waitq_end_wait(t, WAIT_TIMED_OUT);
}

/* Put the caller on wq, blocked.  Returns false, with the result, when
 * the wait ends before it starts (interrupt pending, zero timeout). */
static bool wait_begin(struct waitq *wq, uint64_t timeout_ns, int *result)
{
	struct thread *t = thread_current();
	if (t->interrupt_pending) {
		if (!interrupt_sticks(t))
			t->interrupt_pending = false;
		*result = WAIT_INTERRUPTED;
		return false;
	}
	if (timeout_ns == 0) {
		*result = WAIT_TIMED_OUT;
		return false;
	}
	t->waitq = wq;
	t->wait_result = WAIT_AWAKENED;
	list_push_back(&wq->waiters, &t->wait_link);
	if (timeout_ns != WAITQ_FOREVER) {
		uint64_t now = clock_ns();
		uint64_t deadline = timeout_ns > UINT64_MAX - now ? UINT64_MAX : now + timeout_ns;
		t->wait_timer.fn = wait_timed_out;
		t->wait_timer.arg = t;
		timer_add(&t->wait_timer, deadline);
	}
	t->state = THREAD_BLOCKED;
	return true;
}

int waitq_wait(struct waitq *wq, uint64_t timeout_ns)
{
	irqflags_t f = arch_irq_save();
	int result;
	if (wait_begin(wq, timeout_ns, &result)) {
		sched_block();
		result = thread_current()->wait_result;
	}
	arch_irq_restore(f);
	return result;
}

void waitq_wait_continue(struct waitq *wq, uint64_t timeout_ns, thread_continue_t cont)
{
	arch_irq_disable();
	struct thread *t = thread_current();
	int result;
	if (!wait_begin(wq, timeout_ns, &result)) {
		/* Over before it began: still resume at cont, on a fresh
		 * stack, so that a continuation that waits again cannot pile
		 * frames on this one. */
		t->wait_result = result;
		t->state = THREAD_BLOCKED;
		sched_make_ready(t);
	}
	sched_block_continue(cont);
}

int waitq_wait_handoff(struct waitq *wq, uint64_t timeout_ns, struct thread *to)
{
	irqflags_t f = arch_irq_save();
	int result;
	if (wait_begin(wq, timeout_ns, &result)) {
		sched_block_handoff(to);
		result = thread_current()->wait_result;
	} else {
		sched_make_ready(to);
	}
	arch_irq_restore(f);
	return result;
}

struct thread *waitq_claim(struct waitq *wq, bool (*match)(struct thread *t, void *arg),
			   void *arg, int result)
{
	list_foreach(it, &wq->waiters) {
		struct thread *t = list_entry(it, struct thread, wait_link);
		if (match(t, arg)) {
			end_wait(t, result);
			return t;
		}
	}
	return NULL;
}

bool waitq_wake_one(struct waitq *wq)
{
	irqflags_t f = arch_irq_save();
	bool woke = !list_empty(&wq->waiters);
	if (woke)
		waitq_end_wait(list_entry(wq->waiters.next, struct thread, wait_link), WAIT_AWAKENED);
	arch_irq_restore(f);
	sched_preempt_check();
	return woke;
}

unsigned waitq_wake_all(struct waitq *wq)
{
	irqflags_t f = arch_irq_save();
	unsigned n = 0;
	while (!list_empty(&wq->waiters)) {
		waitq_end_wait(list_entry(wq->waiters.next, struct thread, wait_link), WAIT_AWAKENED);
		n++;
	}
	arch_irq_restore(f);
	sched_preempt_check();
	return n;
}

int thread_sleep(uint64_t ns)
{
	struct waitq wq;
	waitq_init(&wq);
	return waitq_wait(&wq, ns);
}
