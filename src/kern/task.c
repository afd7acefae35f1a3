/* Tasks (see kern/task.h): an address space and its threads.
 *
 * The life of a task:
 *   alive     task_create(); threads come and go;
 *   exiting   task_terminate() (or its last thread ended by itself):
 *             no new threads, every thread is interrupted, and each one
 *             exits at its next return to user mode or failed wait;
 *   finished  the last thread has gone: the reaper destroys the map and
 *             takes the task off the task list ("gone"), waking waiters;
 *   freed     task_wait() read the status and freed the struct.
 * A killed task reports why on the console; a task ended through
 * task_terminate() prints its status; a task whose last thread returned
 * by itself (kernel-side threads only) ends silently with that thread's
 * exit status. */
#include <ipc/mach_msg.h>
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/kmem.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <kern/task.h>
#include "sched_internal.h"

static struct kmem_cache *task_cache;
static struct list all_tasks = LIST_INIT(all_tasks);
static size_t ntasks;
static unsigned next_task_id = 1;

/* Where a user thread enters user mode; freed when it gets there. */
struct user_start {
	uintptr_t pc, sp, arg;
};

void task_init(void)
{
	task_cache = kmem_cache_create("task", sizeof(struct task), _Alignof(struct task));
}

struct task *task_create(const char *name)
{
	struct task *task = task_cache ? kmem_cache_alloc(task_cache) : NULL;
	if (!task)
		return NULL;
	memset(task, 0, sizeof(*task));
	if (vm_map_init(&task->map) != K_OK) {
		kmem_cache_free(task_cache, task);
		return NULL;
	}
	if (ipc_task_init(task) != K_OK) {
		vm_map_destroy(&task->map);
		kmem_cache_free(task_cache, task);
		return NULL;
	}
	list_init(&task->threads);
	list_init(&task->reap_link);
	waitq_init(&task->exited);
	strlcpy(task->name, name ? name : "task", sizeof(task->name));

	irqflags_t f = arch_irq_save();
	task->id = next_task_id++;
	list_push_back(&all_tasks, &task->all_link);
	ntasks++;
	arch_irq_restore(f);
	return task;
}

static bool task_gone(const struct task *task)
{
	return list_empty(&task->all_link);
}

/* --- threads of a task ------------------------------------------------- */

static void user_thread_start(void *arg)
{
	struct user_start start = *(struct user_start *)arg;
	struct thread *t = thread_current();
	t->karg = NULL;
	kfree(arg);
	vm_map_activate(&t->task->map);
	arch_irq_disable();
	user_return_check();   /* ended or preempted before the first instruction? */
	arch_enter_user(start.pc, start.sp, start.arg);
}

bool thread_is_user(const struct thread *t)
{
	return t->kentry == user_thread_start;
}

/* Join t (new, unstarted) to task; if the task is ending, t is buried
 * instead and NULL returned. */
static struct thread *task_attach(struct task *task, struct thread *t)
{
	irqflags_t f = arch_irq_save();
	bool ok = !task->exiting;
	if (ok) {
		t->task = task;
		list_push_back(&task->threads, &t->task_link);
		task->nthreads++;
	} else {
		thread_bury(t);
	}
	arch_irq_restore(f);
	return ok ? t : NULL;
}

struct thread *thread_create_user(struct task *task, uintptr_t pc, uintptr_t sp,
				  uintptr_t arg, unsigned prio)
{
	if (!task || prio >= SCHED_PRIO_COUNT)
		return NULL;
	struct user_start *start = kmalloc(sizeof(*start));
	if (!start)
		return NULL;
	*start = (struct user_start){ pc, sp, arg };
	struct thread *t = thread_create_kernel(task->name, user_thread_start, start, prio);
	if (!t) {
		kfree(start);
		return NULL;
	}
	t = task_attach(task, t);
	if (!t)
		kfree(start);
	return t;
}

struct thread *thread_create_task_kernel(struct task *task, void (*fn)(void *), void *arg,
					 unsigned prio)
{
	if (!task)
		return NULL;
	struct thread *t = thread_create_kernel(task->name, fn, arg, prio);
	return t ? task_attach(task, t) : NULL;
}

/* The task has no threads left and is ending: over to the reaper (once). */
static void task_finish(struct task *task)
{
	if (task->nthreads == 0 && task->exiting && list_empty(&task->reap_link) &&
	    !task_gone(task))
		reaper_add_task(task);
}

void task_detach_thread(struct thread *t)
{
	struct task *task = t->task;
	list_remove(&t->task_link);
	task->nthreads--;
	ipc_thread_terminate(t);
	if (task->nthreads == 0 && !task->exiting) {
		task->exiting = true;
		task->exit_status = t->exit_status;
	}
	task_finish(task);
}

/* All of it with interrupts disabled: once the threads can run, the task
 * may be gone (and freed by its waiter) before a preempted terminator
 * would look at it again.  The line comes first, so it always precedes
 * whatever follows from the task's end. */
void task_terminate(struct task *task, int status, const char *reason)
{
	irqflags_t f = arch_irq_save();
	if (task->exiting) {
		arch_irq_restore(f);
		return;
	}
	task->exiting = true;
	task->exit_status = status;
	if (reason)
		kprintf("task %s (%u) killed: %s\n", task->name, task->id, reason);
	else
		kprintf("task %s (%u) exited with status %d\n", task->name, task->id, status);

	struct thread *self = thread_current();
	list_foreach_safe(it, tmp, &task->threads) {
		struct thread *t = list_entry(it, struct thread, task_link);
		if (t->state == THREAD_EMBRYO) {
			/* Never ran: nothing to unwind. */
			if (thread_is_user(t)) {
				kfree(t->karg);
				t->karg = NULL;
			}
			task_detach_thread(t);
			thread_bury(t);
		} else if (t == self) {
			t->interrupt_pending = true;   /* its next wait fails */
		} else {
			thread_interrupt(t);
		}
	}
	task_finish(task);
	arch_irq_restore(f);
	sched_preempt_check();
}

/* --- the end ----------------------------------------------------------- */

void task_reap(struct task *task)
{
	ipc_task_terminate(task);
	vm_map_destroy(&task->map);
	irqflags_t f = arch_irq_save();
	list_remove(&task->all_link);
	ntasks--;
	waitq_wake_all(&task->exited);
	arch_irq_restore(f);
}

int task_wait(struct task *task)
{
	irqflags_t f = arch_irq_save();
	while (!task_gone(task)) {
		if (waitq_wait(&task->exited, WAITQ_FOREVER) == WAIT_INTERRUPTED) {
			arch_irq_restore(f);
			return K_EBUSY;
		}
	}
	int status = task->exit_status;
	arch_irq_restore(f);
	kmem_cache_free(task_cache, task);
	return status;
}

struct task *task_current(void)
{
	struct thread *t = thread_current();
	return t ? t->task : NULL;
}

void task_stats(struct task_stats *out)
{
	irqflags_t f = arch_irq_save();
	/* The struct and the root table of its map; the rest of a map
	 * (tables, pages) grows with use. */
	*out = (struct task_stats){
		.alive = ntasks,
		.bytes_per_task = ALIGN_UP(sizeof(struct task), _Alignof(struct task)) + PAGE_SIZE,
	};
	arch_irq_restore(f);
}

void task_foreach(void (*fn)(struct task *t, void *arg), void *arg)
{
	irqflags_t f = arch_irq_save();
	list_foreach(it, &all_tasks)
		fn(list_entry(it, struct task, all_link), arg);
	arch_irq_restore(f);
}
