/* Scale: 1,000 tasks alive at once, and 10,000 threads each blocking and
 * being woken, on the default 128 MiB guest; every page comes back after.
 * The kernel memory each one costs is printed as a "# scale:" note.
 *
 * Honest about what they are: the 1,000 tasks each have their own address
 * space (a vm_map with its root table) and one thread, but that thread is
 * a kernel-side thread of the task (thread_create_task_kernel) blocked in
 * a wait with its kernel stack, not a user thread: these self-tests run
 * without an initrd or user code.  A user thread costs the same struct and
 * stack, plus the user pages it touches.  The 10,000 threads are kernel
 * threads blocking with continuations, so they hold no stack while
 * blocked. */
#include <kern/ktest.h>
#include <kern/string.h>
#include "kt_threads.h"

#define SCALE_TASKS    1000
#define SCALE_THREADS  10000
#define PRIO_URGENT    4     /* each new thread runs, and blocks, at once */

static size_t page_bytes(size_t pages, size_t per)
{
	return pages * PAGE_SIZE / per;
}

/* --- 1,000 tasks ------------------------------------------------------- */

static struct waitq tasks_wq;
static volatile unsigned tasks_waiting, tasks_woken;

static void task_thread(void *unused)
{
	irqflags_t f = arch_irq_save();
	tasks_waiting++;
	int r = waitq_wait(&tasks_wq, WAITQ_FOREVER);
	if (r == WAIT_AWAKENED)
		tasks_woken++;
	arch_irq_restore(f);
}

KTEST(scale_1000_tasks)
{
	static struct task *tasks[SCALE_TASKS];
	waitq_init(&tasks_wq);
	tasks_waiting = tasks_woken = 0;
	kt_warm_up_tasks();
	struct thread_stats th0;
	struct task_stats ts0, ts1;
	thread_stats(&th0);
	task_stats(&ts0);
	size_t baseline = kt_settled_free_pages();
	uint64_t t0 = clock_ns();

	unsigned made = 0;
	for (; made < SCALE_TASKS; made++) {
		struct task *task = task_create("kt-scale");
		if (!task)
			break;
		struct thread *t = thread_create_task_kernel(task, task_thread, NULL, PRIO_URGENT);
		if (!t) {
			task_terminate(task, 1, NULL);
			task_wait(task);
			break;
		}
		tasks[made] = task;
		thread_start(t);
	}
	uint64_t t1 = clock_ns();
	size_t loaded = kt_settled_free_pages();
	task_stats(&ts1);
	KT_EXPECT(made == SCALE_TASKS);
	KT_EXPECT(tasks_waiting == made);
	KT_EXPECT(ts1.alive == ts0.alive + made);

	if (made) {
		struct thread_stats th1;
		thread_stats(&th1);
		ktest_note("scale: %u tasks alive, each an address space + 1 kernel-side thread "
			   "blocked with its stack: %zu bytes/task measured (struct task + root "
			   "table %zu B, thread %zu B); made in %llu ms", made,
			   page_bytes(baseline - loaded, made), ts1.bytes_per_task,
			   th1.bytes_per_thread, (unsigned long long)((t1 - t0) / NSEC_PER_MSEC));
	}

	/* Each thread returns; each task then ends with it. */
	KT_EXPECT(waitq_wake_all(&tasks_wq) == made);
	for (unsigned i = 0; i < made; i++)
		KT_EXPECT(task_wait(tasks[i]) == 0);
	KT_EXPECT(tasks_woken == made);
	task_stats(&ts1);
	KT_EXPECT(ts1.alive == ts0.alive);
	KT_EXPECT(kt_wait_reaped(th0.alive));
	size_t after = kt_settled_free_pages();
	ktest_note("scale: free pages %zu before, %zu with the tasks, %zu after",
		   baseline, loaded, after);
	KT_EXPECT(after == baseline);
}

/* --- 10,000 threads ---------------------------------------------------- */

static struct {
	struct waitq first, second;
	struct kt_group g;
	volatile unsigned blocked, woke_once, woke_twice, not_awakened;
} st;

static void note_result(void)
{
	if (thread_current()->wait_result != WAIT_AWAKENED)
		st.not_awakened++;
}

static void second_wake(void)
{
	irqflags_t f = arch_irq_save();
	note_result();
	st.woke_twice++;
	arch_irq_restore(f);
	kt_group_done(&st.g);
}

static void first_wake(void)
{
	arch_irq_disable();
	note_result();
	st.woke_once++;
	waitq_wait_continue(&st.second, WAITQ_FOREVER, second_wake);
}

static void scale_thread(void *unused)
{
	arch_irq_disable();
	st.blocked++;
	waitq_wait_continue(&st.first, WAITQ_FOREVER, first_wake);
}

KTEST(scale_10000_threads)
{
	memset(&st, 0, sizeof(st));
	waitq_init(&st.first);
	waitq_init(&st.second);
	kt_group_init(&st.g);
	struct thread_stats th0, th1;
	thread_stats(&th0);
	size_t baseline = kt_settled_free_pages();
	uint64_t t0 = clock_ns();

	unsigned made = 0;
	for (; made < SCALE_THREADS; made++) {
		struct thread *t = thread_create_kernel("kt-many", scale_thread, NULL, PRIO_URGENT);
		if (!t)
			break;
		thread_start(t);
	}
	uint64_t t1 = clock_ns();
	size_t loaded = kt_settled_free_pages();
	thread_stats(&th1);
	KT_EXPECT(made == SCALE_THREADS);
	KT_EXPECT(st.blocked == made);
	KT_EXPECT(th1.alive == th0.alive + made);
	/* Blocked with continuations: not one of them holds a stack. */
	KT_EXPECT(th1.with_stack == th0.with_stack);
	if (made)
		ktest_note("scale: %u threads blocked with continuations: %zu bytes/thread measured "
			   "(%zu B with a stack); %zu threads hold a stack; made in %llu ms",
			   made, page_bytes(baseline - loaded, made), th1.bytes_per_thread,
			   th1.with_stack, (unsigned long long)((t1 - t0) / NSEC_PER_MSEC));

	/* Everyone wakes (and, being more urgent than this test, runs and
	 * blocks again before wake_all's caller goes on), then wakes again
	 * and ends. */
	uint64_t t2 = clock_ns();
	KT_EXPECT(waitq_wake_all(&st.first) == made);
	KT_EXPECT(st.woke_once == made);
	thread_stats(&th1);
	KT_EXPECT(th1.with_stack == th0.with_stack);
	KT_EXPECT(waitq_wake_all(&st.second) == made);
	KT_EXPECT(kt_group_wait(&st.g, made));
	uint64_t t3 = clock_ns();
	KT_EXPECT(st.woke_twice == made);
	KT_EXPECT(st.not_awakened == 0);
	KT_EXPECT(kt_wait_reaped(th0.alive));
	size_t after = kt_settled_free_pages();
	ktest_note("scale: %u threads woken twice and ended in %llu ms; free pages %zu before, "
		   "%zu blocked, %zu after", made, (unsigned long long)((t3 - t2) / NSEC_PER_MSEC),
		   baseline, loaded, after);
	KT_EXPECT(after == baseline);
}
