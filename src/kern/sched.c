/* The scheduler (see kern/sched.h): one CPU, SCHED_PRIO_COUNT FIFO run
 * queues (runq.c), and three ways the running thread loses the CPU:
 *
 *  - it blocks, yields or exits (sched_switch from thread context);
 *  - a more urgent thread becomes ready: sched_make_ready() only notes it
 *    (need_resched), and the switch happens at the next preemption point,
 *    which is the end of the interrupt that woke the thread, or at once
 *    when the waker runs with interrupts enabled (sched_preempt_check);
 *  - its quantum runs out while another thread of its level is ready.
 *
 * The quantum timer is armed only in that last situation, and left to
 * lapse (not cancelled) when the competition goes: a thread alone at the
 * top level, or the idle thread, sees at most one stale interrupt and then
 * none (tickless).
 *
 * A thread preempted by a more urgent one goes back to the FRONT of its
 * level, so it is not also robbed of its turn; one whose quantum ran out
 * goes to the back (round robin).
 *
 * Everything here runs with interrupts disabled. */
#include <kern/arch.h>
#include <kern/panic.h>
#include <kern/timer.h>
#include <kern/vm_map.h>
#include "pv/pv.h"
#include "runq.h"
#include "sched_internal.h"

_Static_assert(RUNQ_LEVELS == SCHED_PRIO_COUNT, "one run queue per priority");

/* The idle thread's level: below every real one, never queued. */
#define IDLE_PRIO SCHED_PRIO_COUNT
/* How long swtch_pri's priority depression may keep a thread waiting. */
#define DEPRESS_NS SCHED_QUANTUM_NS

static struct runq runq;
/* The running thread (thread_current() reads it: <kern/thread.h>). */
struct thread *sched_current;
static struct thread *idle_thread;
/* The thread we are switching away from, for sched_switch_finish(). */
static struct thread *switch_prev;
static bool need_resched;
static struct timer_event quantum_timer;
static uint64_t last_switch_ns;
static struct sched_stats stats;
static unsigned long stack_shortages;

/* --- run queue and quantum --------------------------------------------- */

static void enqueue(struct thread *t, bool front)
{
	t->state = THREAD_READY;
	if (t == idle_thread)
		return;
	if (front)
		runq_push_front(&runq, &t->run_link, t->priority);
	else
		runq_push_back(&runq, &t->run_link, t->priority);
}

/* Is a ready thread at least as urgent as level prio? */
static bool ready_at_or_above(unsigned prio)
{
	int best = runq_best(&runq);
	return best >= 0 && (unsigned)best <= prio;
}

static bool contended(void)
{
	return sched_current != idle_thread && ready_at_or_above(sched_current->priority);
}

/* The quantum timer fired.  It may be stale (the competition it was armed
 * for has gone: see quantum_update), or early (armed for an earlier
 * thread's quantum): then it waits for the rest. */
static void quantum_expired(struct timer_event *ev)
{
	if (!contended())
		return;
	if (clock_ns() < sched_current->quantum_end_ns)
		timer_add(&quantum_timer, sched_current->quantum_end_ns);
	else
		need_resched = true;
}

/* Arm the quantum timer when the running thread has competition at its
 * level.  It is never cancelled: threads that hand the CPU back and forth
 * (an RPC client and its server, each ready while the other runs) would
 * otherwise reprogram the hardware timer twice per switch, which costs
 * more than the one stale interrupt per quantum that finds nothing to do.
 * A pending timer that fires no later than needed is left alone. */
static void quantum_update(void)
{
	if (contended() &&
	    (!quantum_timer.pending || quantum_timer.deadline_ns > sched_current->quantum_end_ns))
		timer_add(&quantum_timer, sched_current->quantum_end_ns);
}

void sched_make_ready(struct thread *t)
{
	enqueue(t, false);
	if (t->priority < sched_current->priority)
		need_resched = true;
	else
		quantum_update();
}

/* --- switching --------------------------------------------------------- */

static void undepress(struct thread *t)
{
	t->priority = t->base_priority;
	if (t->wait_timer.pending)
		timer_cancel(&t->wait_timer);
}

/* The most urgent ready thread that has (or can get) a stack.  A thread
 * resuming at a continuation needs a fresh stack; if memory is short it
 * waits its turn again rather than failing. */
static struct thread *pick_next(void)
{
	struct list starved = LIST_INIT(starved);
	struct thread *next = NULL;
	struct list *n;
	while (!next && (n = runq_pop(&runq, NULL))) {
		struct thread *t = list_entry(n, struct thread, run_link);
		if (t->kstack || !t->continuation || thread_grant_stack(t))
			next = t;
		else
			list_push_back(&starved, n);
	}
	while ((n = list_pop_front(&starved))) {
		struct thread *t = list_entry(n, struct thread, run_link);
		runq_push_back(&runq, n, t->priority);
		stack_shortages++;
	}
	return next ? next : idle_thread;
}

static void switch_to(struct thread *next);

void sched_switch(void)
{
	struct thread *prev = sched_current;
	struct thread *next = pick_next();

	/* A thread giving up its stack must leave it even when it is the
	 * only one ready (an immediate wake-up): the idle thread runs for a
	 * moment so that the continuation starts on a fresh stack. */
	if (next == prev && prev->continuation) {
		runq_push_front(&runq, &prev->run_link, prev->priority);
		next = idle_thread;
	}
	switch_to(next);
}

/* Make next (taken off the run queue, or handed the CPU directly) the
 * running thread. */
static void switch_to(struct thread *next)
{
	struct thread *prev = sched_current;
	if (!thread_stack_intact(prev))
		panic("kernel stack overflow in thread %s (%u)", prev->name, prev->id);

	uint64_t now = clock_ns();
	uint64_t ran = now - last_switch_ns;
	prev->cpu_ns += ran;
	if (prev == idle_thread)
		stats.idle_ns += ran;
	last_switch_ns = now;
	need_resched = false;

	if (next->priority != next->base_priority && next != idle_thread)
		undepress(next);
	next->state = THREAD_RUNNING;
	next->quantum_end_ns = now + SCHED_QUANTUM_NS;
	sched_current = next;
	quantum_update();
	if (next == prev)
		return;

	stats.switches++;
	next->switches++;
	if (next->task)
		vm_map_activate(&next->task->map);
	switch_prev = prev;
	arch_context_switch(prev, next);
	sched_switch_finish();
}

void sched_switch_finish(void)
{
	struct thread *prev = switch_prev;
	switch_prev = NULL;
	if (prev && (prev->state == THREAD_DEAD || prev->continuation))
		thread_release_stack(prev);
}

/* Switch if the decision the state calls for differs from the running
 * thread.  need_resched is only a hint that it may. */
static void preempt(void)
{
	int best = runq_best(&runq);
	if (best < 0)
		return;
	if (sched_current == idle_thread) {
		sched_current->state = THREAD_READY;
		sched_switch();
		return;
	}
	bool expired = clock_ns() >= sched_current->quantum_end_ns;
	if ((unsigned)best < sched_current->priority || ((unsigned)best == sched_current->priority && expired)) {
		stats.preemptions++;
		enqueue(sched_current, !expired);
		sched_switch();
	}
}

void sched_preempt_point(void)
{
	if (sched_current && need_resched) {
		need_resched = false;
		preempt();
	}
}

void sched_preempt_check(void)
{
	if (sched_current && need_resched && arch_irq_enabled()) {
		irqflags_t f = arch_irq_save();
		sched_preempt_point();
		arch_irq_restore(f);
	}
}

/* --- the interface ----------------------------------------------------- */

bool sched_yield(void)
{
	irqflags_t f = arch_irq_save();
	bool other = sched_current && sched_current != idle_thread && ready_at_or_above(sched_current->priority);
	if (other) {
		enqueue(sched_current, false);
		sched_switch();
	}
	arch_irq_restore(f);
	return other;
}

static void depress_timeout(struct timer_event *ev)
{
	struct thread *t = ev->arg;
	if (t->state != THREAD_READY || t->priority == t->base_priority)
		return;
	runq_remove(&runq, &t->run_link, t->priority);
	t->priority = t->base_priority;
	runq_push_back(&runq, &t->run_link, t->priority);
	if (t->priority < sched_current->priority)
		need_resched = true;
	else
		quantum_update();
}

bool sched_yield_depressed(void)
{
	irqflags_t f = arch_irq_save();
	struct thread *t = sched_current;
	bool other = runq.count > 0 && t != idle_thread;
	if (other) {
		/* At the least urgent level every ready thread goes first; the
		 * timer puts it back after DEPRESS_NS if it is still waiting. */
		t->priority = SCHED_PRIO_COUNT - 1;
		t->wait_timer.fn = depress_timeout;
		t->wait_timer.arg = t;
		timer_add(&t->wait_timer, clock_ns() + DEPRESS_NS);
		enqueue(t, false);
		sched_switch();
	}
	arch_irq_restore(f);
	return other;
}

void sched_block(void)
{
	struct thread *t = sched_current;
	if (t->state != THREAD_BLOCKED)
		panic("sched_block: thread %s is not blocked (state %d)", t->name, t->state);
	t->continuation = NULL;
	sched_switch();
}

void sched_block_handoff(struct thread *to)
{
	struct thread *t = sched_current;
	if (t->state != THREAD_BLOCKED || to->state != THREAD_BLOCKED || to->waitq)
		panic("sched_block_handoff: bad states %d -> %d", t->state, to->state);
	t->continuation = NULL;
	/* A thread without its stack (parked at a continuation) or one less
	 * urgent than a thread already waiting goes the usual way. */
	if (!to->kstack || ready_at_or_above(to->priority)) {
		sched_make_ready(to);
		sched_switch();
		return;
	}
	stats.handoffs++;
	switch_to(to);
}

void sched_block_continue(thread_continue_t cont)
{
	arch_irq_disable();
	struct thread *t = sched_current;
	if (thread_is_user(t))
		panic("sched_block_continue: user thread %s would lose its user registers", t->name);
	if (t->state != THREAD_BLOCKED && t->state != THREAD_READY)
		panic("sched_block_continue: thread %s is not blocked (state %d)", t->name, t->state);
	t->continuation = cont;
	sched_switch();
	panic("thread %s returned to a stack it gave up", t->name);
}

void sched_wakeup(struct thread *t)
{
	irqflags_t f = arch_irq_save();
	if (t->state == THREAD_BLOCKED && t->waitq)
		waitq_end_wait(t, WAIT_AWAKENED);
	else if (t->state == THREAD_BLOCKED || t->state == THREAD_EMBRYO)
		sched_make_ready(t);
	arch_irq_restore(f);
	sched_preempt_check();
}

static void requeue(struct thread *t, unsigned prio)
{
	runq_remove(&runq, &t->run_link, t->priority);
	t->priority = prio;
	runq_push_back(&runq, &t->run_link, prio);
}

void sched_set_priority(struct thread *t, unsigned prio)
{
	if (prio >= SCHED_PRIO_COUNT || t == idle_thread)
		return;
	irqflags_t f = arch_irq_save();
	bool depressed = t->priority != t->base_priority;
	t->base_priority = prio;
	if (!depressed) {
		if (t->state == THREAD_READY)
			requeue(t, prio);
		else
			t->priority = prio;
		int best = runq_best(&runq);
		if (t == sched_current ? best >= 0 && (unsigned)best < prio
				 : t->state == THREAD_READY && prio < sched_current->priority)
			need_resched = true;
		quantum_update();
	}
	arch_irq_restore(f);
	sched_preempt_check();
}

/* --- idle and start-up ------------------------------------------------- */

/* Runs when nothing else is ready.  pv_halt() is entered with interrupts
 * disabled so that a wake-up between the check and the halt is not slept
 * through: the halt ends on the pending interrupt (see pv/pv.h). */
static void idle_main(void *unused)
{
	for (;;) {
		arch_irq_disable();
		if (runq.count) {
			sched_current->state = THREAD_READY;
			sched_switch();
			arch_irq_enable();
			continue;
		}
		pv_halt();
	}
}

void sched_init(void)
{
	runq_init(&runq);
	thread_init();
	task_init();
	quantum_timer.fn = quantum_expired;

	irqflags_t f = arch_irq_save();
	sched_current = thread_adopt_boot("kmain", SCHED_PRIO_KERNEL);
	idle_thread = thread_create_at("idle", idle_main, NULL, IDLE_PRIO);
	if (!sched_current || !idle_thread)
		panic("sched_init: no memory for the first threads");
	idle_thread->state = THREAD_READY;
	last_switch_ns = clock_ns();
	arch_irq_restore(f);
	reaper_start();
}

void sched_stats(struct sched_stats *out)
{
	irqflags_t f = arch_irq_save();
	*out = stats;
	out->ready = runq.count;
	if (sched_current == idle_thread)
		out->idle_ns += clock_ns() - last_switch_ns;
	arch_irq_restore(f);
}
