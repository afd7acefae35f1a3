/* The scheduler: preemptive, SCHED_PRIO_COUNT priority levels, round robin
 * within a level, a time quantum armed on the pv one-shot timer, an idle
 * thread that halts the vCPU, and no timer interrupt at all while idle
 * (tickless).
 *
 * All of it runs with interrupts disabled on this CPU (one CPU for now; SMP
 * adds a lock here). */
#ifndef KERN_SCHED_H
#define KERN_SCHED_H

#include <kern/thread.h>

#define SCHED_QUANTUM_NS (10 * NSEC_PER_MSEC)

/* Turn the boot context into the first thread and create the idle thread. */
void sched_init(void);

/* Give up the CPU to a ready thread of equal or higher urgency, if any;
 * returns true if another thread ran. */
bool sched_yield(void);
/* The calling thread stops running until sched_wakeup(); the caller set its
 * state to THREAD_BLOCKED with interrupts disabled.  With a continuation,
 * the stack is given up and the thread restarts at cont() when woken. */
void sched_block(void);
__noreturn void sched_block_continue(thread_continue_t cont);
/* sched_block, handing the CPU straight to `to`: a blocked thread whose
 * wait the caller has just ended without making it ready
 * (waitq_claim).  No run-queue pass and no quantum bookkeeping: what an
 * RPC client does when its server is already waiting (the IPC fast path).
 * If `to` could not run at once anyway (no kernel stack, or a thread at
 * least as urgent is ready) it is queued and the usual choice is made. */
void sched_block_handoff(struct thread *to);
/* Make a blocked (or embryo) thread ready; may preempt the caller. */
void sched_wakeup(struct thread *t);
void sched_set_priority(struct thread *t, unsigned prio);

/* The arch calls this on the way out of every interrupt and exception
 * (with interrupts disabled): switches if the quantum ran out or a more
 * urgent thread became ready. */
void sched_preempt_point(void);

struct sched_stats {
	uint64_t switches, preemptions, handoffs, idle_ns;
	unsigned ready;
};
void sched_stats(struct sched_stats *out);

#endif
