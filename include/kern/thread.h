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
};

/* The running thread. */
struct thread *thread_current(void);

/* A kernel thread that will run fn(arg) at prio; not started yet. */
struct thread *thread_create_kernel(const char *name, void (*fn)(void *), void *arg, unsigned prio);
/* Make a created thread runnable. */
void thread_start(struct thread *t);
/* End the calling thread; its stack and struct are reclaimed later. */
__noreturn void thread_exit(int status);
/* Wake a blocked thread with WAIT_INTERRUPTED (and make future waits fail
 * at once until it has noticed). */
void thread_interrupt(struct thread *t);

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
