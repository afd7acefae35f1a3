/* Wait queues: the one blocking primitive of the kernel.  A thread waits on
 * a queue until woken, until a timeout, or until interrupted; wakers wake
 * one (FIFO) or all. */
#ifndef KERN_WAITQ_H
#define KERN_WAITQ_H

#include <kern/list.h>
#include <kern/thread.h>

struct waitq {
	struct list waiters;
};

#define WAITQ_FOREVER UINT64_MAX

void waitq_init(struct waitq *wq);
/* Block the caller on wq until woken or until timeout_ns from now passes
 * (WAITQ_FOREVER: no timeout).  Returns WAIT_AWAKENED, WAIT_TIMED_OUT or
 * WAIT_INTERRUPTED. */
int waitq_wait(struct waitq *wq, uint64_t timeout_ns);
/* The same, but the caller gives up its stack and resumes at cont(), where
 * thread_current()->wait_result holds the result. */
__noreturn void waitq_wait_continue(struct waitq *wq, uint64_t timeout_ns, thread_continue_t cont);
/* Wake the longest waiter; returns false if there was none. */
bool waitq_wake_one(struct waitq *wq);
/* Wake everyone; returns how many. */
unsigned waitq_wake_all(struct waitq *wq);
/* Direct hand-off (the IPC fast path).  waitq_claim ends the wait of the
 * longest waiter of wq for which match(t, arg) holds, with result, but
 * does not make it ready: the caller must pass it to waitq_wait_handoff
 * (or sched_wakeup it).  NULL if no waiter matches.  Interrupts must be
 * disabled from the claim to the hand-off. */
struct thread *waitq_claim(struct waitq *wq, bool (*match)(struct thread *t, void *arg),
			   void *arg, int result);
/* waitq_wait, giving the CPU to `to` (a claimed thread) while waiting. */
int waitq_wait_handoff(struct waitq *wq, uint64_t timeout_ns, struct thread *to);
/* Sleep for ns (a wait on a private queue that nobody wakes): returns
 * WAIT_TIMED_OUT after the full time, WAIT_INTERRUPTED if cut short. */
int thread_sleep(uint64_t ns);

#endif
