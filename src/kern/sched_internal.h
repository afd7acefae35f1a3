/* What the scheduler, threads, wait queues and tasks (sched.c, thread.c,
 * waitq.c, task.c) share among themselves and nobody else.  Everything
 * here is called with interrupts disabled. */
#ifndef KERN_SCHED_INTERNAL_H
#define KERN_SCHED_INTERNAL_H

#include <kern/sched.h>
#include <kern/task.h>
#include <kern/thread.h>

/* sched.c */
/* Queue a blocked or embryo thread; asks for a switch if it is more urgent
 * than the running one.  Never switches itself. */
void sched_make_ready(struct thread *t);
/* Run the next thread.  The caller has already taken the current thread
 * out of RUNNING (blocked, dead, or queued). */
void sched_switch(void);
/* After interrupts were restored in thread context: switch now if a more
 * urgent thread became ready meanwhile (interrupt handlers get the same
 * from sched_preempt_point()). */
void sched_preempt_check(void);
/* The first thing a thread does after being switched to (on the stack of
 * the thread it is): reclaim what the previous thread left behind. */
void sched_switch_finish(void);
/* Yield with the priority lowered to the least urgent level for that one
 * yield (swtch_pri, thread_switch's depress option); returns whether any
 * other thread was ready. */
bool sched_yield_depressed(void);

/* thread.c */
void thread_init(void);
void reaper_start(void);
/* The boot context as a thread (no stack of its own to reclaim). */
struct thread *thread_adopt_boot(const char *name, unsigned prio);
/* A thread at any level, including the idle level SCHED_PRIO_COUNT. */
struct thread *thread_create_at(const char *name, void (*fn)(void *), void *arg, unsigned prio);
/* Give t's kernel stack back (t no longer runs on it). */
void thread_release_stack(struct thread *t);
/* Give t a stack and prepare it to start at thread_bootstrap(); false if
 * no memory. */
bool thread_grant_stack(struct thread *t);
/* false if the canary at the bottom of t's stack was overwritten. */
bool thread_stack_intact(const struct thread *t);
/* t has ended (or never started): hand it to the reaper. */
void thread_bury(struct thread *t);
/* A finished task: the reaper destroys its map and releases its waiters. */
void reaper_add_task(struct task *task);

/* waitq.c */
/* End t's wait with result (timer cancelled, off the queue, ready). */
void waitq_end_wait(struct thread *t, int result);

/* task.c */
void task_init(void);
/* t (of a task) is ending: take it off its task; the last one ends it. */
void task_detach_thread(struct thread *t);
/* Called by the reaper for a finished task. */
void task_reap(struct task *task);
/* t runs user code (its user registers live on its kernel stack, so it
 * must never give that stack up). */
bool thread_is_user(const struct thread *t);

#endif
