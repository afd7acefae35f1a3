/* Self-tests of gnumach.defs's gsync routines (src/kobj/gsync.c), called
 * directly by kernel threads on a word of a kernel-made task's memory:
 * waiting and waking, the value check, timeouts, mutation, requeueing. */
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include <kern/vm_map.h>
#include "src/kobj/routines.h"
#include "kt_threads.h"

#define GSYNC_TIMED     0x04
#define GSYNC_BROADCAST 0x08
#define GSYNC_MUTATE    0x10
#define KERN_TIMEDOUT   27

static struct task *gs_task;
static uintptr_t gs_word;
static volatile kern_return_t gs_result;
static struct kt_group gs_group;

static void waiter(void *unused)
{
	gs_result = S_gsync_wait(gs_task, gs_word, 0, 0, 0, 0);
	kt_group_done(&gs_group);
}

static bool make_task(void)
{
	gs_task = task_create("kt-gsync");
	if (gs_task == NULL)
		return false;
	vaddr_t va = 0;
	if (vm_allocate(&gs_task->map, &va, PAGE_SIZE, true, PROT_RW) != K_OK)
		return false;
	gs_word = va;
	return true;
}

static void start_waiter(void)
{
	gs_result = -1;
	struct thread *t = thread_create_kernel("kt-gsync-waiter", waiter, NULL,
						SCHED_PRIO_KERNEL + 1);
	thread_start(t);
}

/* A waiter sleeps until woken; a wake on another word does not wake it. */
KTEST(gsync_wait_and_wake)
{
	KT_ASSERT(make_task());
	kt_group_init(&gs_group);
	start_waiter();
	thread_sleep(5 * NSEC_PER_MSEC);
	KT_EXPECT(gs_group.done == 0);                 /* still waiting */
	KT_EXPECT(S_gsync_wake(gs_task, gs_word + 4, 0, 0) == KERN_SUCCESS);
	thread_sleep(5 * NSEC_PER_MSEC);
	KT_EXPECT(gs_group.done == 0);                 /* another word */
	KT_EXPECT(S_gsync_wake(gs_task, gs_word, 0, 0) == KERN_SUCCESS);
	KT_EXPECT(kt_group_wait(&gs_group, 1));
	KT_EXPECT(gs_result == KERN_SUCCESS);
	task_terminate(gs_task, 0, NULL);
	task_wait(gs_task);
}

/* A value that is not the expected one returns at once; a timed wait
 * times out; bad addresses are refused. */
KTEST(gsync_value_timeout_and_errors)
{
	KT_ASSERT(make_task());
	uint32_t seven = 7;
	KT_ASSERT(vm_map_write(&gs_task->map, gs_word, &seven, sizeof(seven)) == K_OK);
	KT_EXPECT(S_gsync_wait(gs_task, gs_word, 0, 0, 0, 0) == KERN_INVALID_ARGUMENT);
	uint64_t t0 = clock_ns();
	KT_EXPECT(S_gsync_wait(gs_task, gs_word, 7, 0, 10, GSYNC_TIMED) == KERN_TIMEDOUT);
	KT_EXPECT(clock_ns() - t0 >= 10 * NSEC_PER_MSEC);
	KT_EXPECT(S_gsync_wait(gs_task, gs_word + 2, 7, 0, 10, GSYNC_TIMED) ==
		  KERN_INVALID_ADDRESS);                      /* unaligned */
	KT_EXPECT(S_gsync_wait(gs_task, 0x1000, 0, 0, 10, GSYNC_TIMED) ==
		  KERN_INVALID_ADDRESS);                      /* not mapped */
	KT_EXPECT(S_gsync_wake(gs_task, USER_END + 0x1000, 0, 0) == KERN_INVALID_ADDRESS);
	KT_EXPECT(S_gsync_wait(NULL, gs_word, 7, 0, 0, 0) == KERN_INVALID_TASK);
	/* GSYNC_MUTATE stores the value even with nobody waiting. */
	KT_EXPECT(S_gsync_wake(gs_task, gs_word, 42, GSYNC_MUTATE) == KERN_SUCCESS);
	uint32_t v = 0;
	KT_EXPECT(vm_map_read(&gs_task->map, gs_word, &v, sizeof(v)) == K_OK && v == 42);
	task_terminate(gs_task, 0, NULL);
	task_wait(gs_task);
}

/* Requeue moves a waiter to another word: a wake of the old word no
 * longer reaches it, one of the new word does. */
KTEST(gsync_requeue)
{
	KT_ASSERT(make_task());
	kt_group_init(&gs_group);
	start_waiter();
	thread_sleep(5 * NSEC_PER_MSEC);
	KT_EXPECT(S_gsync_requeue(gs_task, gs_word, gs_word + 16, false, GSYNC_BROADCAST) ==
		  KERN_SUCCESS);
	KT_EXPECT(S_gsync_wake(gs_task, gs_word, 0, GSYNC_BROADCAST) == KERN_SUCCESS);
	thread_sleep(5 * NSEC_PER_MSEC);
	KT_EXPECT(gs_group.done == 0);
	KT_EXPECT(S_gsync_wake(gs_task, gs_word + 16, 0, 0) == KERN_SUCCESS);
	KT_EXPECT(kt_group_wait(&gs_group, 1));
	KT_EXPECT(gs_result == KERN_SUCCESS);
	task_terminate(gs_task, 0, NULL);
	task_wait(gs_task);
}
