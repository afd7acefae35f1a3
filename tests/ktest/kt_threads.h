/* Helpers shared by the self-tests that make threads and tasks
 * (kt_sched.c, kt_task.c, kt_scale.c).
 *
 * The self-tests run in the "ktest" thread at SCHED_PRIO_KERNEL; a test
 * thread more urgent than that runs as soon as it is started, a less
 * urgent one only while the test waits.  Test threads share their state
 * with the test through static variables, never through the test's stack:
 * a test that fails and returns early must not leave a thread writing into
 * a dead frame. */
#ifndef KT_THREADS_H
#define KT_THREADS_H

#include <kern/arch.h>
#include <kern/kmem.h>
#include <kern/page_alloc.h>
#include <kern/sched.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/timer.h>
#include <kern/waitq.h>

/* How late a timer may fire under TCG on a loaded host (as kt_time_irq). */
#define KT_SLACK_NS (20 * NSEC_PER_MSEC)
/* How long a test waits for its threads before it calls it a failure. */
#define KT_PATIENCE_NS (5 * NSEC_PER_SEC)

/* Threads that report when they are done. */
struct kt_group {
	struct waitq wq;
	volatile unsigned done;
};

static inline void kt_group_init(struct kt_group *g)
{
	waitq_init(&g->wq);
	g->done = 0;
}

static inline void kt_group_done(struct kt_group *g)
{
	irqflags_t f = arch_irq_save();
	g->done++;
	waitq_wake_all(&g->wq);
	arch_irq_restore(f);
}

/* Wait until n members are done; false after KT_PATIENCE_NS. */
static inline bool kt_group_wait(struct kt_group *g, unsigned n)
{
	uint64_t give_up = clock_ns() + KT_PATIENCE_NS;
	irqflags_t f = arch_irq_save();
	while (g->done < n) {
		uint64_t now = clock_ns();
		if (now >= give_up)
			break;
		waitq_wait(&g->wq, give_up - now);
	}
	bool all = g->done >= n;
	arch_irq_restore(f);
	return all;
}

/* Let t run until it blocks; false after KT_PATIENCE_NS. */
static inline bool kt_wait_blocked(struct thread *t)
{
	uint64_t give_up = clock_ns() + KT_PATIENCE_NS;
	while (t->state != THREAD_BLOCKED) {
		if (clock_ns() >= give_up)
			return false;
		thread_sleep(NSEC_PER_MSEC / 2);
	}
	return true;
}

/* Wait until the reaper has freed every thread beyond `alive`. */
static inline bool kt_wait_reaped(size_t alive)
{
	uint64_t give_up = clock_ns() + KT_PATIENCE_NS;
	struct thread_stats ts;
	for (;;) {
		thread_stats(&ts);
		if (ts.alive <= alive)
			return true;
		if (clock_ns() >= give_up)
			return false;
		thread_sleep(NSEC_PER_MSEC / 2);
	}
}

static inline void kt_reap_cache(struct kmem_cache *c, void *unused)
{
	kmem_cache_reap(c);
}

/* Free pages, counting the kernel stacks kept for reuse as free and
 * after giving every empty slab back: what "all memory returned" means. */
static inline size_t kt_settled_free_pages(void)
{
	kmem_foreach_cache(kt_reap_cache, NULL);
	struct page_stats ps;
	struct thread_stats ts;
	irqflags_t f = arch_irq_save();
	page_alloc_stats(&ps);
	thread_stats(&ts);
	arch_irq_restore(f);
	return ps.free_pages + ts.stacks_cached * (KSTACK_SIZE / PAGE_SIZE);
}

static inline void kt_return_at_once(void *unused)
{
}

/* The first address space ever made also makes some state that stays for
 * good (the VM's empty "kernel only" space, slab caches): make and end
 * one task before taking a baseline of free pages. */
static inline void kt_warm_up_tasks(void)
{
	struct task *task = task_create("kt-warm-up");
	if (!task)
		return;
	struct thread *t = thread_create_task_kernel(task, kt_return_at_once, NULL,
						     SCHED_PRIO_KERNEL);
	if (t)
		thread_start(t);
	else
		task_terminate(task, 0, NULL);
	task_wait(task);
}

#endif
