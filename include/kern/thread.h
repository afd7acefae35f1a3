/* Threads: the unit the scheduler runs.  Every thread has its own kernel
 * stack; a user thread also belongs to a task and, while in user mode, has
 * its user registers saved in a frame at the top of that stack (the arch
 * builds and reads it).
 *
 * Mach-style continuations: a thread that blocks with a continuation gives
 * up its kernel stack (nothing on it is needed any more) and is restarted
 * at the continuation, on a fresh stack, when it wakes.  That is what lets
 * thousands of blocked threads cost little more than their struct thread. */
#ifndef KERN_THREAD_H
#define KERN_THREAD_H

#include <kern/list.h>
#include <kern/timer.h>
#include <kern/types.h>
#include <machine/thread.h>   /* struct arch_thread: saved context, FPU area */

struct task;
struct waitq;

enum thread_state {
	THREAD_EMBRYO,     /* created, not yet started */
	THREAD_READY,      /* on a run queue */
	THREAD_RUNNING,    /* the current thread */
	THREAD_BLOCKED,    /* waiting on a wait queue (or suspended) */
	THREAD_DEAD,       /* finished; resources reclaimed by the reaper */
};

/* Results of a wait (thread->wait_result). */
#define WAIT_AWAKENED     0   /* woken by waitq_wake_* */
#define WAIT_TIMED_OUT    1   /* the timeout passed first */
#define WAIT_INTERRUPTED  2   /* thread_interrupt() (abort, termination) */

/* Priorities follow Mach: 0 is the most urgent, SCHED_PRIO_COUNT-1 the
 * least.  The idle thread runs below all of them. */
#define SCHED_PRIO_COUNT   32
#define SCHED_PRIO_KERNEL  8
#define SCHED_PRIO_USER    16

#define KSTACK_SIZE (2 * PAGE_SIZE)

typedef void (*thread_continue_t)(void);

struct thread {
	struct arch_thread arch;      /* must stay first: switch code finds it here */
	void *kstack;                 /* lowest address of the kernel stack, or NULL */
	struct task *task;            /* NULL for kernel threads */
	enum thread_state state;
	unsigned priority;            /* current (may be depressed by swtch_pri) */
	unsigned base_priority;
	uint64_t quantum_end_ns;      /* when its time slice ends */

	struct list run_link;         /* run queue */
	struct list task_link;        /* task->threads */
	struct list all_link;         /* every thread (ps, the reaper) */

	struct waitq *waitq;          /* what it waits on, if BLOCKED */
	struct list wait_link;
	int wait_result;
	struct timer_event wait_timer;
	thread_continue_t continuation;  /* set while blocked without a stack */

	void (*kentry)(void *);       /* kernel entry point and argument */
	void *karg;

	unsigned id;
	char name[24];
	int exit_status;
	uint64_t cpu_ns;              /* time spent running */
	uint64_t switches;            /* times switched in */
	bool interrupt_pending;       /* set by thread_interrupt() */
	struct ipc_port *ith_self;    /* its kernel-object port, made on first use */
	struct ipc_port *ith_exception;  /* its exception port (a send right), or NULL */

	/* Life and control (task_server/thread_server semantics, GNU Mach's). */
	uint32_t refs;                /* thread_reference(); one is the thread's own until reaped */
	uint32_t suspend_count;       /* thread_suspend() minus thread_resume() */
	bool stopped;                 /* parked at the user boundary by a suspension */
	bool terminating;             /* thread_terminate(): ends at the user boundary */
	uint64_t created_ns;          /* when it was made (thread_info) */
};

/* The running thread. */
extern struct thread *sched_current;
static inline struct thread *thread_current(void)
{
	return sched_current;
}

/* A kernel thread that will run fn(arg) at prio; not started yet. */
struct thread *thread_create_kernel(const char *name, void (*fn)(void *), void *arg, unsigned prio);
/* Make a created thread runnable. */
void thread_start(struct thread *t);
/* End the calling thread; its stack and struct are reclaimed later. */
__noreturn void thread_exit(int status);
/* Wake a blocked thread with WAIT_INTERRUPTED (and make future waits fail
 * at once until it has noticed). */
void thread_interrupt(struct thread *t);

/* References: a kernel routine that holds one may look at the struct
 * (not at a task it has left) after the thread has died; the struct goes
 * when the reaper has taken the thread and the last reference is dropped.
 * thread_deallocate(NULL) does nothing. */
void thread_reference(struct thread *t);
void thread_deallocate(struct thread *t);

/* Suspension (GNU Mach's thread_suspend/resume): while the thread's own
 * count or its task's is above zero, the thread does not return to user
 * mode: it stops on its way out of the kernel and stays stopped until both
 * counts are zero again (a thread blocked in the kernel stays blocked; it
 * stops when its wait ends).  A user thread not yet started starts when
 * its count drops to zero.  K_EINVAL for a dead or kernel thread; resume
 * of a thread that is not suspended is K_EBUSY (KERN_FAILURE). */
int thread_suspend(struct thread *t);
int thread_resume(struct thread *t);
/* thread_abort: a wait the thread is blocked in inside the kernel ends
 * with WAIT_INTERRUPTED (mach_msg returns MACH_SEND_INTERRUPTED or
 * MACH_RCV_INTERRUPTED); a thread not blocked is left alone.  A stopped
 * thread stays stopped.  K_EINVAL for a dead thread. */
int thread_abort(struct thread *t);
/* thread_terminate: t ends on its way back to user mode (at once if it
 * never started; a wait it is blocked in is interrupted).  On the calling
 * thread, the call returns and the thread ends on its way out of the
 * kernel.  K_EINVAL for a dead or kernel thread. */
int thread_terminate(struct thread *t);
/* t's suspend count plus its task's: does it stop at the user boundary? */
bool thread_should_stop(const struct thread *t);
/* Called by user_return_check(): park the current thread while it is
 * suspended (interrupts disabled). */
void thread_stop_point(void);

/* Where every thread starts: the first switch to a thread (new, or resumed
 * at a continuation on a fresh stack) lands here, on the top of its kernel
 * stack, with interrupts disabled (arch_thread_init arranges it).  It
 * enables interrupts, runs the continuation or t->kentry(t->karg), and
 * ends the thread with thread_exit(0) if that returns. */
__noreturn void thread_bootstrap(void);

/* Statistics for ps/meminfo and the scale tests. */
struct thread_stats {
	size_t alive;          /* struct threads not yet reclaimed */
	size_t with_stack;     /* of those, holding a kernel stack */
	size_t stacks_cached;  /* free stacks kept for reuse */
	size_t bytes_per_thread;   /* struct thread + kernel stack */
};
void thread_stats(struct thread_stats *out);

#endif
