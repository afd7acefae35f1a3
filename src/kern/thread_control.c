/* Controlling threads from outside: suspension (task and thread counts),
 * thread_abort, and reaching a thread's user registers (kern/thread.h,
 * kern/task.h, kern/thread_state.h).
 *
 * One CPU: while the controlling thread runs, every other user thread is
 * in the kernel (switched out in a trap, an interrupt or a wait), so
 * "stop before the next user instruction" needs no interprocessor
 * interrupt: every way back to user mode passes user_return_check(),
 * which parks a suspended thread at thread_stop_point().  There its user
 * registers sit in the frame at the top of its kernel stack, where
 * thread_get/set_user_state read and write them.
 *
 * Stopped threads wait on one queue and are all woken by any resume (each
 * checks its own counts again): suspensions are rare and short, a queue
 * per thread would cost every thread its size. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/kmem.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/thread_state.h>
#include <kern/timer.h>
#include <kern/waitq.h>
#include "sched_internal.h"

/* How long a state access waits for a suspended thread to reach the user
 * boundary.  It gets there as soon as it runs (it is not blocked), so only
 * a busier, more urgent thread can hold it up. */
#define STOP_PATIENCE_NS (2 * NSEC_PER_SEC)

static struct waitq resume_wq = { LIST_INIT(resume_wq.waiters) };  /* stopped threads */
static struct waitq stop_wq = { LIST_INIT(stop_wq.waiters) };      /* waiting for a stop */

bool thread_should_stop(const struct thread *t)
{
	return t->task && (t->suspend_count > 0 || t->task->suspend_count > 0);
}

void thread_stop_point(void)
{
	struct thread *t = thread_current();
	while (thread_should_stop(t) && !t->task->exiting && !t->terminating) {
		t->stopped = true;
		waitq_wake_all(&stop_wq);
		/* An abort aimed at a kernel wait does not end a stop (and
		 * must not make the stop's own wait fail at once). */
		t->interrupt_pending = false;
		waitq_wait(&resume_wq, WAITQ_FOREVER);
	}
	t->stopped = false;
}

/* A thread the control routines accept: alive, in a task. */
static bool controllable(const struct thread *t)
{
	return t && t->state != THREAD_DEAD && t->task != NULL;
}

int thread_suspend(struct thread *t)
{
	irqflags_t f = arch_irq_save();
	int rc = controllable(t) ? K_OK : K_EINVAL;
	if (rc == K_OK)
		t->suspend_count++;
	arch_irq_restore(f);
	return rc;
}

int thread_resume(struct thread *t)
{
	irqflags_t f = arch_irq_save();
	int rc = K_OK;
	bool start = false;
	if (!controllable(t))
		rc = K_EINVAL;
	else if (t->suspend_count == 0)
		rc = K_EBUSY;
	else if (--t->suspend_count == 0) {
		/* A thread made suspended (thread_create) starts now; the
		 * task's own count still stops it before user mode. */
		start = t->state == THREAD_EMBRYO;
		if (!start)
			waitq_wake_all(&resume_wq);
	}
	arch_irq_restore(f);
	if (start)
		thread_start(t);
	else
		sched_preempt_check();
	return rc;
}

int task_suspend(struct task *task)
{
	irqflags_t f = arch_irq_save();
	int rc = task && !task->exiting ? K_OK : K_EINVAL;
	if (rc == K_OK)
		task->suspend_count++;
	arch_irq_restore(f);
	return rc;
}

int task_resume(struct task *task)
{
	irqflags_t f = arch_irq_save();
	int rc = K_OK;
	if (!task || task->exiting)
		rc = K_EINVAL;
	else if (task->suspend_count == 0)
		rc = K_EBUSY;
	else if (--task->suspend_count == 0)
		waitq_wake_all(&resume_wq);
	arch_irq_restore(f);
	sched_preempt_check();
	return rc;
}

int thread_terminate(struct thread *t)
{
	irqflags_t f = arch_irq_save();
	int rc = controllable(t) && thread_is_user(t) ? K_OK : K_EINVAL;
	if (rc == K_OK && t->state == THREAD_EMBRYO) {
		/* Never ran: nothing to unwind. */
		kfree(t->karg);
		t->karg = NULL;
		task_detach_thread(t);
		thread_bury(t);
	} else if (rc == K_OK) {
		t->terminating = true;
		if (t != thread_current())
			thread_interrupt(t);
	}
	arch_irq_restore(f);
	sched_preempt_check();
	return rc;
}

int thread_abort(struct thread *t)
{
	irqflags_t f = arch_irq_save();
	int rc = controllable(t) ? K_OK : K_EINVAL;
	if (rc == K_OK && t->state == THREAD_BLOCKED && !t->stopped) {
		if (t->waitq) {
			waitq_end_wait(t, WAIT_INTERRUPTED);
		} else {
			t->wait_result = WAIT_INTERRUPTED;
			sched_make_ready(t);
		}
	}
	arch_irq_restore(f);
	sched_preempt_check();
	return rc;
}

/* --- user registers ------------------------------------------------------ */

enum state_home { IN_START_BUFFER, IN_FRAME };

/* Where t's user registers are, once they hold still (interrupts
 * disabled; may wait for a suspended thread to stop). */
static int reach(struct thread *t, enum state_home *home)
{
	uint64_t give_up = clock_ns() + STOP_PATIENCE_NS;
	for (;;) {
		if (!controllable(t) || !thread_is_user(t))
			return K_EINVAL;
		if (t->karg) {              /* not in user mode yet */
			*home = IN_START_BUFFER;
			return K_OK;
		}
		/* Blocked in the kernel (a message, an exception reply): its
		 * user registers are in its frame and stay there until its
		 * wait ends, as GNU Mach's threads waiting at a clean point. */
		if (t == thread_current() || t->stopped || t->state == THREAD_BLOCKED) {
			*home = IN_FRAME;
			return K_OK;
		}
		/* Running free: suspend it first. */
		if (!thread_should_stop(t) || t->task->exiting)
			return K_EBUSY;
		uint64_t now = clock_ns();
		if (now >= give_up)
			return K_EBUSY;
		if (waitq_wait(&stop_wq, give_up - now) == WAIT_INTERRUPTED)
			return K_EBUSY;   /* interrupted: the caller is ending */
	}
}

int thread_get_user_state(struct thread *t, struct arch_user_state *s)
{
	irqflags_t f = arch_irq_save();
	enum state_home home;
	int rc = reach(t, &home);
	if (rc == K_OK && home == IN_START_BUFFER)
		*s = *(const struct arch_user_state *)t->karg;
	else if (rc == K_OK)
		arch_user_frame_get(t, s);
	arch_irq_restore(f);
	return rc;
}

int thread_set_user_state(struct thread *t, const struct arch_user_state *s)
{
	if (arch_user_state_check(s) != K_OK)
		return K_EINVAL;
	irqflags_t f = arch_irq_save();
	enum state_home home;
	int rc = reach(t, &home);
	if (rc == K_OK && home == IN_START_BUFFER)
		*(struct arch_user_state *)t->karg = *s;
	else if (rc == K_OK)
		arch_user_frame_set(t, s);
	arch_irq_restore(f);
	return rc;
}
