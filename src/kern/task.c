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
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <kern/task.h>
#include <kern/thread_state.h>
#include <kern/timer.h>
#include "sched_internal.h"

static struct kmem_cache *task_cache;
static struct list all_tasks = LIST_INIT(all_tasks);
static size_t ntasks;
static unsigned next_task_id = 1;

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
	/* One reference for being alive (dropped when reaped), one for the
	 * caller (dropped by task_wait). */
	task->refs = 2;
	task->created_ns = clock_ns();

	irqflags_t f = arch_irq_save();
	task->id = next_task_id++;
	list_push_back(&all_tasks, &task->all_link);
	ntasks++;
	arch_irq_restore(f);
	return task;
}

bool task_gone(const struct task *task)
{
	return list_empty(&task->all_link);
}

void task_reference(struct task *task)
{
	if (!task)
		return;
	irqflags_t f = arch_irq_save();
	task->refs++;
	arch_irq_restore(f);
}

void task_deallocate(struct task *task)
{
	if (!task)
		return;
	irqflags_t f = arch_irq_save();
	bool last = --task->refs == 0;
	if (last && !task_gone(task))
		panic("task %s (%u): last reference dropped while alive", task->name, task->id);
	arch_irq_restore(f);
	if (last)
		kmem_cache_free(task_cache, task);
}

/* --- threads of a task ------------------------------------------------- */

/* A user thread's first steps: its registers (t->karg, where
 * thread_set_state may still have changed them) become the user frame at
 * the top of its stack, so that from here on a suspension, a get or a set
 * of its state find them where they find every trapped thread's. */
static void user_thread_start(void *arg)
{
	struct thread *t = thread_current();
	vm_map_activate(&t->task->map);
	arch_irq_disable();
	arch_user_frame_set(t, arg);
	t->karg = NULL;
	kfree(arg);
	user_return_check();   /* ended, preempted or suspended before the first instruction? */
	arch_user_frame_enter();
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
	struct arch_user_state *start = kmalloc(sizeof(*start));
	if (!start)
		return NULL;
	arch_user_state_init(start, pc, sp, arg);
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

struct thread *thread_create_user_suspended(struct task *task, unsigned prio)
{
	struct thread *t = thread_create_user(task, 0, 0, 0, prio);
	if (t)
		t->suspend_count = 1;   /* nobody else knows t yet */
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
	task->dead_threads_ns += t->cpu_ns;
	ipc_thread_terminate(t);
	if (t->ith_exception) {
		ipc_port_release_send(t->ith_exception);
		t->ith_exception = NULL;
	}
	/* A reference may keep the struct after the task is freed. */
	t->task = NULL;
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
	else if (!task->quiet_exit)
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

/* The send rights the kernel held for the task (itk_sself goes with the
 * task's port, in ipc_task_terminate). */
static void release_special_ports(struct task *task)
{
	struct ipc_port **ports[] = { &task->itk_bootstrap, &task->itk_exception };
	irqflags_t f = arch_irq_save();
	for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
		if (IPC_PORT_VALID(*ports[i]))
			ipc_port_release_send(*ports[i]);
		*ports[i] = NULL;
	}
	arch_irq_restore(f);
}

void task_reap(struct task *task)
{
	release_special_ports(task);
	ipc_task_terminate(task);
	vm_map_destroy(&task->map);
	irqflags_t f = arch_irq_save();
	list_remove(&task->all_link);
	ntasks--;
	waitq_wake_all(&task->exited);
	arch_irq_restore(f);
	task_deallocate(task);   /* its own reference: the struct may go now */
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
	task_deallocate(task);
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
