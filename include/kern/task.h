/* Tasks: an address space (struct vm_map) and the threads running in it.
 * A task ends when its last thread ends, or when it is killed (a fault
 * outside its map, a call to the exit trap); every page it held goes back
 * to the page allocator then. */
#ifndef KERN_TASK_H
#define KERN_TASK_H

#include <kern/list.h>
#include <kern/thread.h>
#include <kern/vm_map.h>
#include <kern/waitq.h>

struct ipc_space;
struct ipc_port;

struct task {
	struct vm_map map;
	struct list threads;          /* struct thread.task_link */
	struct list all_link;         /* every task */
	unsigned nthreads;
	unsigned id;
	char name[32];
	bool exiting;
	int exit_status;
	/* Made by user space (task_create): its normal end is for its maker
	 * to report (spawn's exit message), not the console.  Kills are
	 * always reported; "task.verbose" reports every end. */
	bool quiet_exit;
	struct waitq exited;          /* woken when the task is gone */
	struct list reap_link;        /* private: queued for the reaper */
	struct ipc_space *itk_space;  /* its port names (ipc/space.h) */
	struct ipc_port *itk_self;    /* the task's kernel-object port */
	/* Special ports (naked send rights the kernel holds, or NULL; see
	 * mach/task_special_ports.h): what mach_task_self names (normally a
	 * send right to itk_self), the bootstrap and the exception port. */
	struct ipc_port *itk_sself;
	struct ipc_port *itk_bootstrap;
	struct ipc_port *itk_exception;

	uint32_t refs;                /* task_reference(); see task_deallocate() */
	uint32_t suspend_count;       /* task_suspend() minus task_resume() */
	uint64_t created_ns;          /* when it was made (task_info) */
	uint64_t dead_threads_ns;     /* run time of its threads that have ended */
};

/* The exit status of a task that was killed (a fault, an exception).  The
 * exit trap keeps only the low 8 bits of a status, so no program can end
 * with this value by itself. */
#define TASK_STATUS_KILLED (-1)

/* An empty task (no threads) with a fresh address space; NULL if out of
 * memory. */
struct task *task_create(const char *name);
/* A user thread in task that will enter user mode at pc with stack sp and
 * first argument arg; not started yet. */
struct thread *thread_create_user(struct task *task, uintptr_t pc, uintptr_t sp,
				  uintptr_t arg, unsigned prio);
/* A thread of task that runs fn(arg) in the kernel and never enters user
 * mode (work done on a task's behalf; the scale self-tests); not started
 * yet.  NULL if out of memory or the task is ending. */
struct thread *thread_create_task_kernel(struct task *task, void (*fn)(void *), void *arg,
					 unsigned prio);
/* End task: every thread is interrupted and exits; the map is destroyed
 * when the last one is gone.  Prints "task NAME (ID) exited with status N"
 * (or "killed: REASON" when reason is not NULL). */
void task_terminate(struct task *task, int status, const char *reason);
/* Block until the task has gone (its threads reclaimed, its map
 * destroyed); returns its exit status and drops the reference
 * task_create() gave, so call it exactly once per task created with
 * task_create(), also for a task that never had a thread.  If the
 * waiter is interrupted first, returns K_EBUSY and the task stays. */
int task_wait(struct task *task);

/* References.  A task holds one on itself until it is gone (reaped), and
 * task_create() gives its caller one, which task_wait() drops; a routine
 * holding a reference may look at the struct after the task has ended
 * (task->exiting, task_gone()).  The struct is freed with the last one.
 * task_deallocate(NULL) does nothing. */
void task_reference(struct task *task);
void task_deallocate(struct task *task);
/* True once the task has been reaped (map destroyed, off the task list). */
bool task_gone(const struct task *task);

/* Suspension (GNU Mach's task_suspend/resume): a count; while it is above
 * zero no thread of the task returns to user mode (see thread_suspend()).
 * K_EINVAL for a task that is ending; resume of a task whose count is
 * zero is K_EBUSY (KERN_FAILURE). */
int task_suspend(struct task *task);
int task_resume(struct task *task);

/* A user thread of task with every user register zero, suspended once
 * (thread_create: it starts when thread_resume() brings the count to
 * zero, with whatever thread_set_state() gave it).  NULL if out of memory
 * or the task is ending. */
struct thread *thread_create_user_suspended(struct task *task, unsigned prio);

/* The task of the current thread (NULL in a kernel thread). */
struct task *task_current(void);

struct task_stats { size_t alive; size_t bytes_per_task; };
void task_stats(struct task_stats *out);
/* Visit every task not yet gone (for ps); fn runs with interrupts
 * disabled and must not block. */
void task_foreach(void (*fn)(struct task *t, void *arg), void *arg);

#endif
