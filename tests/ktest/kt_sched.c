/* Self-tests of the scheduler and the blocking primitives with real kernel
 * threads: round robin within a level, preemption by a more urgent thread
 * woken from a timer, wait queues (timeouts, wake order, wake all,
 * interrupts), continuations giving up their stacks, sleep accuracy, and
 * every page coming back once threads have died and been reaped. */
#include <kern/ktest.h>
#include <kern/string.h>
#include "kt_threads.h"

#define PRIO_URGENT  4    /* runs as soon as it is started */
#define PRIO_WAITING 9    /* runs only while the test waits */

/* --- round robin ------------------------------------------------------- */

#define RR_THREADS 3
#define RR_TURNS   3      /* full turns each, then one more to see the order */
#define RR_LOG     ((RR_TURNS + 1) * RR_THREADS)

static struct {
	struct kt_group g;
	volatile int runner;
	volatile bool stop;
	int who[RR_LOG];
	uint64_t when[RR_LOG];
	volatile unsigned n;
} rr;

/* Spin; every time the thread finds it was not the last one to run, a
 * switch happened: it notes the start of a turn. */
static void rr_main(void *arg)
{
	int me = (int)(uintptr_t)arg;
	unsigned turns = 0;
	while (!rr.stop) {
		if (rr.runner != me) {
			irqflags_t f = arch_irq_save();
			rr.runner = me;
			if (rr.n < RR_LOG) {
				rr.who[rr.n] = me;
				rr.when[rr.n] = clock_ns();
				rr.n++;
			}
			arch_irq_restore(f);
			if (++turns > RR_TURNS)
				break;
		}
		arch_cpu_relax();
	}
	kt_group_done(&rr.g);
}

KTEST(sched_round_robin)
{
	memset(&rr, 0, sizeof(rr));
	kt_group_init(&rr.g);
	rr.runner = -1;
	struct sched_stats before, after;
	sched_stats(&before);
	for (int i = 0; i < RR_THREADS; i++) {
		struct thread *t = thread_create_kernel("kt-rr", rr_main, (void *)(uintptr_t)i, 20);
		KT_ASSERT(t);
		thread_start(t);
	}
	bool finished = kt_group_wait(&rr.g, RR_THREADS);
	rr.stop = true;
	KT_ASSERT(finished);
	sched_stats(&after);

	/* Strict rotation in the order they were started. */
	KT_EXPECT(rr.n == RR_LOG);
	for (unsigned i = 0; i < rr.n; i++)
		if (rr.who[i] != (int)(i % RR_THREADS)) {
			ktest_note("turn %u went to thread %d", i, rr.who[i]);
			KT_EXPECT(rr.who[i] == (int)(i % RR_THREADS));
			break;
		}
	/* The full turns lasted about one quantum: none much less (the
	 * quantum timer does not fire early; a turn is measured from a little
	 * after it began), and the typical one (the median) not much more
	 * (the timer fired).  A host that deschedules the vCPU stretches a
	 * turn by as long as it holds it, so the longest only has to stay
	 * within a few quanta. */
	uint64_t turn[RR_LOG];
	unsigned n = 0;
	for (unsigned i = 0; i + 1 < RR_TURNS * RR_THREADS + 1 && i + 1 < rr.n; i++) {
		uint64_t d = rr.when[i + 1] - rr.when[i];
		unsigned j = n++;
		for (; j > 0 && turn[j - 1] > d; j--)
			turn[j] = turn[j - 1];
		turn[j] = d;
	}
	KT_ASSERT(n > 0);
	uint64_t shortest = turn[0], median = turn[n / 2], longest = turn[n - 1];
	ktest_note("turns lasted %llu..%llu us, median %llu (quantum %llu us)",
		   (unsigned long long)(shortest / 1000), (unsigned long long)(longest / 1000),
		   (unsigned long long)(median / 1000),
		   (unsigned long long)(SCHED_QUANTUM_NS / 1000));
	KT_EXPECT(shortest >= SCHED_QUANTUM_NS / 2);
	KT_EXPECT(median <= SCHED_QUANTUM_NS + KT_SLACK_NS);
	KT_EXPECT(longest <= 4 * SCHED_QUANTUM_NS + KT_SLACK_NS);
	KT_EXPECT(after.preemptions - before.preemptions >= RR_TURNS * RR_THREADS - 1);
}

/* --- priority preemption ----------------------------------------------- */

#define PP_WAKES 5
#define PP_SLEEP_NS (3 * NSEC_PER_MSEC)

static struct {
	struct kt_group g;
	volatile bool stop;
	volatile uint64_t spins;
	uint64_t late[PP_WAKES];
	uint64_t spun[PP_WAKES];   /* spinner progress while the urgent one slept */
} pp;

static void pp_spinner(void *unused)
{
	uint64_t give_up = clock_ns() + 2 * NSEC_PER_SEC;
	while (!pp.stop && clock_ns() < give_up)
		pp.spins++;
	kt_group_done(&pp.g);
}

static void pp_urgent(void *unused)
{
	for (int i = 0; i < PP_WAKES; i++) {
		uint64_t spins = pp.spins;
		uint64_t deadline = clock_ns() + PP_SLEEP_NS;
		thread_sleep(PP_SLEEP_NS);
		pp.late[i] = clock_ns() - deadline;
		pp.spun[i] = pp.spins - spins;
	}
	pp.stop = true;
	kt_group_done(&pp.g);
}

KTEST(sched_priority_preemption)
{
	memset(&pp, 0, sizeof(pp));
	kt_group_init(&pp.g);
	struct thread *spinner = thread_create_kernel("kt-spin", pp_spinner, NULL, 12);
	struct thread *urgent = thread_create_kernel("kt-urgent", pp_urgent, NULL, 10);
	KT_ASSERT(spinner && urgent);
	thread_start(spinner);
	thread_start(urgent);
	bool finished = kt_group_wait(&pp.g, 2);
	pp.stop = true;
	KT_ASSERT(finished);

	/* The spinner must have had the CPU while the urgent thread slept, or
	 * nothing was preempted.  (A host that stalls QEMU for the whole
	 * sleep can leave it no instruction once in a while: most, not all.) */
	uint64_t worst = 0, best = UINT64_MAX;
	unsigned spun = 0;
	for (int i = 0; i < PP_WAKES; i++) {
		worst = MAX(worst, pp.late[i]);
		best = MIN(best, pp.late[i]);
		spun += pp.spun[i] > 0;
	}
	KT_EXPECT(spun > PP_WAKES / 2);
	ktest_note("a thread woken by its timer ran %llu..%llu us after the deadline "
		   "while a less urgent one spun", (unsigned long long)(best / 1000),
		   (unsigned long long)(worst / 1000));
	KT_EXPECT(best <= SCHED_QUANTUM_NS);
	KT_EXPECT(worst <= SCHED_QUANTUM_NS + KT_SLACK_NS);
}

/* --- yield and priority changes ---------------------------------------- */

static volatile bool yield_ran;

static void yield_peer(void *unused)
{
	yield_ran = true;
}

KTEST(sched_yield_and_set_priority)
{
	struct thread *self = thread_current();
	KT_ASSERT(self);
	/* Nothing of our level ready: nothing to yield to. */
	KT_EXPECT(!sched_yield());

	/* A peer of the same level waits for us to yield. */
	yield_ran = false;
	struct thread *t = thread_create_kernel("kt-peer", yield_peer, NULL, self->priority);
	KT_ASSERT(t);
	thread_start(t);
	KT_EXPECT(!yield_ran);
	KT_EXPECT(sched_yield());
	KT_EXPECT(yield_ran);

	/* A less urgent thread made more urgent than us runs at once. */
	yield_ran = false;
	t = thread_create_kernel("kt-raised", yield_peer, NULL, 20);
	KT_ASSERT(t);
	thread_start(t);
	KT_EXPECT(!yield_ran);
	sched_set_priority(t, PRIO_URGENT);
	KT_EXPECT(yield_ran);
}

/* --- wait queues ------------------------------------------------------- */

static struct waitq wq_timeout;
static volatile bool waker_done;

static void delayed_waker(void *arg)
{
	thread_sleep(2 * NSEC_PER_MSEC);
	waitq_wake_one(arg);
	waker_done = true;
}

KTEST(waitq_timeout)
{
	struct thread *self = thread_current();
	waitq_init(&wq_timeout);

	/* A zero timeout is a poll. */
	KT_EXPECT(waitq_wait(&wq_timeout, 0) == WAIT_TIMED_OUT);

	uint64_t t0 = clock_ns();
	int r = waitq_wait(&wq_timeout, 5 * NSEC_PER_MSEC);
	uint64_t took = clock_ns() - t0;
	KT_EXPECT(r == WAIT_TIMED_OUT);
	KT_EXPECT(took >= 5 * NSEC_PER_MSEC);
	KT_EXPECT(took <= 5 * NSEC_PER_MSEC + KT_SLACK_NS);
	KT_EXPECT(list_empty(&wq_timeout.waiters));
	KT_EXPECT(!self->wait_timer.pending);

	/* Woken before the timeout: AWAKENED, and the timer is disarmed. */
	waker_done = false;
	struct thread *w = thread_create_kernel("kt-waker", delayed_waker, &wq_timeout, PRIO_WAITING);
	KT_ASSERT(w);
	thread_start(w);
	t0 = clock_ns();
	r = waitq_wait(&wq_timeout, NSEC_PER_SEC);
	took = clock_ns() - t0;
	KT_EXPECT(r == WAIT_AWAKENED);
	KT_EXPECT(took < NSEC_PER_SEC / 2);
	KT_EXPECT(!self->wait_timer.pending);
	while (!waker_done)
		thread_sleep(NSEC_PER_MSEC);
	KT_EXPECT(!waitq_wake_one(&wq_timeout));
}

#define WQ_THREADS 6

static struct {
	struct kt_group g;
	struct waitq wq;
	int order[WQ_THREADS];
	int result[WQ_THREADS];
	volatile unsigned n;
} wq;

static void wq_waiter(void *arg)
{
	int me = (int)(uintptr_t)arg;
	int r = waitq_wait(&wq.wq, WAITQ_FOREVER);
	irqflags_t f = arch_irq_save();
	wq.result[me] = r;
	wq.order[wq.n++] = me;
	arch_irq_restore(f);
	kt_group_done(&wq.g);
}

/* WQ_THREADS waiters, queued in the order 0, 1, 2 ... */
static bool start_waiters(void)
{
	memset(&wq, 0, sizeof(wq));
	kt_group_init(&wq.g);
	waitq_init(&wq.wq);
	for (int i = 0; i < WQ_THREADS; i++) {
		struct thread *t = thread_create_kernel("kt-waiter", wq_waiter, (void *)(uintptr_t)i,
							PRIO_WAITING);
		if (!t)
			return false;
		thread_start(t);
		if (!kt_wait_blocked(t))
			return false;
	}
	return true;
}

KTEST(waitq_wake_one_order)
{
	KT_ASSERT(start_waiters());
	for (unsigned i = 0; i < WQ_THREADS; i++) {
		KT_EXPECT(waitq_wake_one(&wq.wq));
		KT_ASSERT(kt_group_wait(&wq.g, i + 1));
		thread_sleep(NSEC_PER_MSEC);     /* room for a wrongly woken second */
		KT_EXPECT(wq.n == i + 1);
		KT_EXPECT(wq.order[i] == (int)i);
		KT_EXPECT(wq.result[i] == WAIT_AWAKENED);
	}
	KT_EXPECT(!waitq_wake_one(&wq.wq));
}

KTEST(waitq_wake_all)
{
	KT_ASSERT(start_waiters());
	KT_EXPECT(waitq_wake_all(&wq.wq) == WQ_THREADS);
	KT_ASSERT(kt_group_wait(&wq.g, WQ_THREADS));
	for (int i = 0; i < WQ_THREADS; i++)
		KT_EXPECT(wq.result[i] == WAIT_AWAKENED);
	KT_EXPECT(waitq_wake_all(&wq.wq) == 0);
}

static volatile int sleeper_result;
static volatile uint64_t sleeper_took;

static void interrupted_sleeper(void *g)
{
	uint64_t t0 = clock_ns();
	sleeper_result = thread_sleep(10 * NSEC_PER_SEC);
	sleeper_took = clock_ns() - t0;
	kt_group_done(g);
}

KTEST(thread_interrupt_ends_waits)
{
	static struct kt_group g;
	static struct waitq private_wq;
	kt_group_init(&g);
	waitq_init(&private_wq);

	/* A wait with no timeout, and a long sleep, both cut short. */
	KT_ASSERT(start_waiters());
	struct thread *t = list_entry(wq.wq.waiters.next, struct thread, wait_link);
	thread_interrupt(t);
	KT_ASSERT(kt_group_wait(&wq.g, 1));
	KT_EXPECT(wq.result[0] == WAIT_INTERRUPTED);
	KT_EXPECT(waitq_wake_all(&wq.wq) == WQ_THREADS - 1);
	KT_ASSERT(kt_group_wait(&wq.g, WQ_THREADS));

	sleeper_result = -1;
	t = thread_create_kernel("kt-sleeper", interrupted_sleeper, &g, PRIO_WAITING);
	KT_ASSERT(t);
	thread_start(t);
	KT_ASSERT(kt_wait_blocked(t));
	thread_interrupt(t);
	KT_ASSERT(kt_group_wait(&g, 1));
	KT_EXPECT(sleeper_result == WAIT_INTERRUPTED);
	KT_EXPECT(sleeper_took < NSEC_PER_SEC);

	/* Interrupted while running: the next wait fails at once, once. */
	thread_interrupt(thread_current());
	KT_EXPECT(waitq_wait(&private_wq, WAITQ_FOREVER) == WAIT_INTERRUPTED);
	KT_EXPECT(waitq_wait(&private_wq, NSEC_PER_MSEC) == WAIT_TIMED_OUT);
}

/* --- continuations ----------------------------------------------------- */

#define CONT_THREADS 32

static struct {
	struct kt_group g;
	struct waitq wq;
	volatile unsigned on_fresh_stack, awakened, interrupted;
} ct;

static void cont_resumed(void)
{
	struct thread *t = thread_current();
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	irqflags_t f = arch_irq_save();
	if (t->kstack && sp > (uintptr_t)t->kstack && sp < (uintptr_t)t->kstack + KSTACK_SIZE)
		ct.on_fresh_stack++;
	if (t->wait_result == WAIT_AWAKENED)
		ct.awakened++;
	if (t->wait_result == WAIT_INTERRUPTED)
		ct.interrupted++;
	arch_irq_restore(f);
	kt_group_done(&ct.g);
}

static void cont_waiter(void *unused)
{
	waitq_wait_continue(&ct.wq, WAITQ_FOREVER, cont_resumed);
}

/* A wait that is over before it starts still resumes at the continuation
 * (and on a fresh stack). */
static void cont_self_interrupted(void *unused)
{
	thread_interrupt(thread_current());
	waitq_wait_continue(&ct.wq, WAITQ_FOREVER, cont_resumed);
}

KTEST(continuation_gives_up_stack)
{
	memset(&ct, 0, sizeof(ct));
	kt_group_init(&ct.g);
	waitq_init(&ct.wq);
	struct thread_stats before, blocked, after;
	thread_stats(&before);

	for (int i = 0; i < CONT_THREADS; i++) {
		struct thread *t = thread_create_kernel("kt-cont", cont_waiter, NULL, PRIO_URGENT);
		KT_ASSERT(t);
		thread_start(t);     /* more urgent: it runs and blocks right here */
		KT_EXPECT(t->state == THREAD_BLOCKED && t->kstack == NULL);
	}
	thread_stats(&blocked);
	KT_EXPECT(blocked.alive == before.alive + CONT_THREADS);
	KT_EXPECT(blocked.with_stack == before.with_stack);
	ktest_note("%d threads blocked with continuations: %zu with a stack before, %zu after",
		   CONT_THREADS, before.with_stack, blocked.with_stack);

	KT_EXPECT(waitq_wake_all(&ct.wq) == CONT_THREADS);
	KT_ASSERT(kt_group_wait(&ct.g, CONT_THREADS));
	KT_EXPECT(ct.on_fresh_stack == CONT_THREADS);
	KT_EXPECT(ct.awakened == CONT_THREADS);

	struct thread *t = thread_create_kernel("kt-cont-intr", cont_self_interrupted, NULL,
						PRIO_URGENT);
	KT_ASSERT(t);
	thread_start(t);
	KT_ASSERT(kt_group_wait(&ct.g, CONT_THREADS + 1));
	KT_EXPECT(ct.interrupted == 1);
	KT_EXPECT(ct.on_fresh_stack == CONT_THREADS + 1);

	KT_EXPECT(kt_wait_reaped(before.alive));
	thread_stats(&after);
	KT_EXPECT(after.with_stack == before.with_stack);
}

/* --- sleeping ---------------------------------------------------------- */

KTEST(sleep_accuracy)
{
	static const uint64_t naps[] = { NSEC_PER_MSEC, 5 * NSEC_PER_MSEC, 20 * NSEC_PER_MSEC };
	for (unsigned i = 0; i < ARRAY_SIZE(naps); i++) {
		uint64_t t0 = clock_ns();
		int r = thread_sleep(naps[i]);
		uint64_t took = clock_ns() - t0;
		ktest_note("slept %llu us for %llu us", (unsigned long long)(took / 1000),
			   (unsigned long long)(naps[i] / 1000));
		KT_EXPECT(r == WAIT_TIMED_OUT);
		KT_EXPECT(took >= naps[i]);
		KT_EXPECT(took <= naps[i] + KT_SLACK_NS);
	}
}

/* --- nothing leaks ----------------------------------------------------- */

#define LEAK_THREADS 40

static void short_life(void *g)
{
	thread_sleep(NSEC_PER_MSEC);
	kt_group_done(g);
}

KTEST(threads_return_every_page)
{
	static struct kt_group g;
	kt_group_init(&g);
	struct thread_stats ts;
	thread_stats(&ts);
	KT_ASSERT(kt_wait_reaped(ts.alive));
	size_t alive = ts.alive;
	size_t baseline = kt_settled_free_pages();

	for (int i = 0; i < LEAK_THREADS; i++) {
		struct thread *t = thread_create_kernel("kt-short", short_life, &g,
							i % 2 ? PRIO_URGENT : PRIO_WAITING);
		KT_ASSERT(t);
		thread_start(t);
	}
	KT_ASSERT(kt_group_wait(&g, LEAK_THREADS));
	KT_EXPECT(kt_wait_reaped(alive));
	size_t now = kt_settled_free_pages();
	ktest_note("free pages: %zu before, %zu after %d threads came and went",
		   baseline, now, LEAK_THREADS);
	KT_EXPECT(now == baseline);
}

/* --- everything at once ------------------------------------------------ */

/* Threads at mixed priorities doing random things to each other for a
 * while: sleeps, waits with and without timeouts (some with
 * continuations), wake-ups, yields, priority changes, interrupts.  Nothing
 * is checked but the end: every thread finishes, nothing hangs or
 * crashes, and every page comes back. */
#define STRESS_THREADS 24
#define STRESS_STEPS   150

static struct {
	struct kt_group g;
	struct waitq shared;
	struct thread *who[STRESS_THREADS];
	bool finished[STRESS_THREADS];
	uint32_t seed[STRESS_THREADS];
	unsigned steps[STRESS_THREADS];
	volatile unsigned results[3];
} sx;

static uint32_t stress_rand(int me)
{
	uint32_t x = sx.seed[me];
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	sx.seed[me] = x;
	return x;
}

static int stress_index(void)
{
	for (int i = 0; i < STRESS_THREADS; i++)
		if (sx.who[i] == thread_current())
			return i;
	return -1;
}

static void stress_finish(int me)
{
	irqflags_t f = arch_irq_save();
	sx.finished[me] = true;
	arch_irq_restore(f);
	kt_group_done(&sx.g);
}

static void stress_step(int me);

/* Continuation of a wait: count the result, go on with the next step. */
static void stress_resumed(void)
{
	int me = stress_index();
	int r = thread_current()->wait_result;
	if (r >= 0 && r < 3)
		sx.results[r]++;
	stress_step(me);
	stress_finish(me);
}

/* One step, or the rest of them if a continuation takes over. */
static void stress_step(int me)
{
	while (sx.steps[me] < STRESS_STEPS) {
		sx.steps[me]++;
		uint32_t r = stress_rand(me);
		switch (r % 9) {
		case 0:
			thread_sleep((r >> 8) % (2 * NSEC_PER_MSEC));
			break;
		case 1: {
			int res = waitq_wait(&sx.shared, (r >> 8) % (3 * NSEC_PER_MSEC));
			if (res >= 0 && res < 3)
				sx.results[res]++;
			break;
		}
		case 2:
			if (me % 2 == 0)   /* even threads block with continuations */
				waitq_wait_continue(&sx.shared, (r >> 8) % (3 * NSEC_PER_MSEC) + 1,
						    stress_resumed);
			break;
		case 3:
			waitq_wake_one(&sx.shared);
			break;
		case 4:
			waitq_wake_all(&sx.shared);
			break;
		case 5:
			sched_yield();
			break;
		case 6:
			sched_set_priority(thread_current(), 4 + (r >> 8) % 16);
			break;
		case 7: {
			int peer = (int)((r >> 8) % STRESS_THREADS);
			irqflags_t f = arch_irq_save();
			if (sx.who[peer] && !sx.finished[peer])
				thread_interrupt(sx.who[peer]);
			arch_irq_restore(f);
			break;
		}
		default: {
			uint64_t until = clock_ns() + (r >> 8) % (500 * NSEC_PER_USEC);
			while (clock_ns() < until)
				arch_cpu_relax();
			break;
		}
		}
	}
}

static void stress_main(void *arg)
{
	int me = (int)(uintptr_t)arg;
	stress_step(me);
	stress_finish(me);
}

KTEST(sched_stress)
{
	memset(&sx, 0, sizeof(sx));
	kt_group_init(&sx.g);
	waitq_init(&sx.shared);
	struct thread_stats ts;
	thread_stats(&ts);
	size_t baseline = kt_settled_free_pages();

	irqflags_t f = arch_irq_save();   /* all created before any runs */
	for (int i = 0; i < STRESS_THREADS; i++) {
		sx.seed[i] = 0x9e3779b9u * (uint32_t)(i + 1);
		sx.who[i] = thread_create_kernel("kt-stress", stress_main, (void *)(uintptr_t)i,
						 4 + (unsigned)i % 16);
		if (!sx.who[i])
			break;
	}
	for (int i = 0; i < STRESS_THREADS && sx.who[i]; i++)
		thread_start(sx.who[i]);
	arch_irq_restore(f);
	for (int i = 0; i < STRESS_THREADS; i++)
		KT_ASSERT(sx.who[i]);

	/* Stragglers may wait on the shared queue with nobody left to wake
	 * them: keep waking until all are done. */
	uint64_t give_up = clock_ns() + KT_PATIENCE_NS;
	while (sx.g.done < STRESS_THREADS && clock_ns() < give_up) {
		waitq_wake_all(&sx.shared);
		thread_sleep(NSEC_PER_MSEC);
	}
	KT_ASSERT(sx.g.done == STRESS_THREADS);
	ktest_note("%d threads, %d steps each: waits ended %u awakened, %u timed out, "
		   "%u interrupted", STRESS_THREADS, STRESS_STEPS, sx.results[WAIT_AWAKENED],
		   sx.results[WAIT_TIMED_OUT], sx.results[WAIT_INTERRUPTED]);
	KT_EXPECT(kt_wait_reaped(ts.alive));
	KT_EXPECT(kt_settled_free_pages() == baseline);
	KT_EXPECT(list_empty(&sx.shared.waiters));
}
