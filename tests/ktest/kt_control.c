/* Self-tests of task and thread control: references, suspension, abort,
 * termination and the user registers (kern/thread_state.h), on real user
 * threads parked on an instruction that branches to itself
 * (ARCH_SPIN_INSN), so the frame paths of every arch are exercised. */
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include <kern/thread_state.h>
#include <kern/vm_map.h>
#include "kt_threads.h"

#define KT_EXPECT_EQ(a, b) KT_EXPECT((a) == (b))

#define PRIO_TEST_USER 9       /* runs only while the test waits */
#define CODE_SPIN2 16          /* the second spin instruction */
#define MARK1 0x1234abcdULL
#define MARK2 0x5678ef01ULL

struct user_box {
	struct task *task;
	vaddr_t code, stack;
};

static bool user_box_make(struct user_box *b, const char *name)
{
	b->task = task_create(name);
	if (!b->task)
		return false;
	uint32_t insn[PAGE_SIZE / 4];
	for (size_t i = 0; i < ARRAY_SIZE(insn); i++)
		insn[i] = ARCH_SPIN_INSN;
	b->code = b->stack = 0;
	return vm_allocate(&b->task->map, &b->code, PAGE_SIZE, true, PROT_RX) == K_OK &&
	       vm_map_write(&b->task->map, b->code, insn, sizeof(insn)) == K_OK &&
	       vm_allocate(&b->task->map, &b->stack, PAGE_SIZE, true, PROT_RW) == K_OK;
}

static int user_box_end(struct user_box *b)
{
	task_terminate(b->task, 7, NULL);
	return task_wait(b->task);
}

static void state_at(struct arch_user_state *s, uintptr_t pc, uintptr_t sp, uint64_t mark)
{
	arch_user_state_init(s, pc, sp, 0);
	ARCH_USER_STATE_MARK(s) = mark;
}

/* Let lower-priority threads run for a while. */
static void let_run(void)
{
	thread_sleep(20 * NSEC_PER_MSEC);
}

KTEST(control_references)
{
	kt_warm_up_tasks();
	struct task *task = task_create("kt-refs");
	KT_ASSERT(task != NULL);
	task_reference(task);
	task_terminate(task, 3, NULL);
	KT_EXPECT_EQ(task_wait(task), 3);
	/* Our reference keeps the struct: gone, but still readable. */
	KT_EXPECT(task_gone(task));
	KT_EXPECT_EQ(task->refs, 1u);
	KT_EXPECT_EQ(task->exit_status, 3);
	task_deallocate(task);
	task_deallocate(NULL);
	thread_deallocate(NULL);

	struct thread_stats ts0;
	thread_stats(&ts0);
	task = task_create("kt-refs2");
	KT_ASSERT(task != NULL);
	struct thread *t = thread_create_task_kernel(task, kt_return_at_once, NULL, PRIO_TEST_USER);
	KT_ASSERT(t != NULL);
	thread_reference(t);
	thread_start(t);
	KT_EXPECT_EQ(task_wait(task), 0);
	/* Dead, reaped, but held: the struct stays until we let go. */
	KT_EXPECT_EQ(t->state, THREAD_DEAD);
	KT_EXPECT(t->task == NULL);
	KT_EXPECT_EQ(thread_suspend(t), K_EINVAL);
	KT_EXPECT_EQ(thread_abort(t), K_EINVAL);
	thread_deallocate(t);
	KT_EXPECT(kt_wait_reaped(ts0.alive));
}

KTEST(control_state_suspend_resume)
{
	struct user_box b;
	KT_ASSERT(user_box_make(&b, "kt-ctl"));
	uintptr_t sp = b.stack + PAGE_SIZE - 64;
	struct thread *t = thread_create_user_suspended(b.task, PRIO_TEST_USER);
	KT_ASSERT(t != NULL);
	thread_reference(t);
	KT_EXPECT_EQ(t->suspend_count, 1u);

	/* Not started: the registers are in its start buffer. */
	struct arch_user_state s, g;
	KT_EXPECT_EQ(thread_get_user_state(t, &g), K_OK);
	KT_EXPECT_EQ(ARCH_USER_STATE_PC(&g), 0u);
	state_at(&s, b.code, sp, MARK1);
	KT_EXPECT_EQ(thread_set_user_state(t, &s), K_OK);
	KT_EXPECT_EQ(thread_get_user_state(t, &g), K_OK);
	KT_EXPECT_EQ(ARCH_USER_STATE_PC(&g), b.code);
	KT_EXPECT_EQ(ARCH_USER_STATE_MARK(&g), MARK1);
	/* A kernel address as pc is refused. */
	struct arch_user_state bad = s;
	ARCH_USER_STATE_PC(&bad) = USER_END + PAGE_SIZE;
	KT_EXPECT_EQ(thread_set_user_state(t, &bad), K_EINVAL);

	/* Resume: it starts, spins in user mode, runs free. */
	KT_EXPECT_EQ(thread_resume(t), K_OK);
	KT_EXPECT_EQ(thread_resume(t), K_EBUSY);
	let_run();
	KT_EXPECT(t->state != THREAD_EMBRYO);
	KT_EXPECT_EQ(thread_get_user_state(t, &g), K_EBUSY);

	/* Suspend: the state access waits for it to stop at the boundary. */
	KT_EXPECT_EQ(thread_suspend(t), K_OK);
	KT_EXPECT_EQ(thread_get_user_state(t, &g), K_OK);
	KT_EXPECT(t->stopped);
	KT_EXPECT_EQ(ARCH_USER_STATE_PC(&g), b.code);
	KT_EXPECT_EQ(ARCH_USER_STATE_SP(&g), sp);
	KT_EXPECT_EQ(ARCH_USER_STATE_MARK(&g), MARK1);

	/* Move it to the second spin with a new mark; it stays stopped
	 * through an abort and while suspended. */
	state_at(&s, b.code + CODE_SPIN2, sp - 16, MARK2);
	KT_EXPECT_EQ(thread_set_user_state(t, &s), K_OK);
	KT_EXPECT_EQ(thread_abort(t), K_OK);
	let_run();
	KT_EXPECT(t->stopped);
	KT_EXPECT_EQ(thread_resume(t), K_OK);
	let_run();
	KT_EXPECT(!t->stopped);
	KT_EXPECT_EQ(thread_suspend(t), K_OK);
	KT_EXPECT_EQ(thread_get_user_state(t, &g), K_OK);
	KT_EXPECT_EQ(ARCH_USER_STATE_PC(&g), b.code + CODE_SPIN2);
	KT_EXPECT_EQ(ARCH_USER_STATE_SP(&g), sp - 16);
	KT_EXPECT_EQ(ARCH_USER_STATE_MARK(&g), MARK2);

	/* The task's count holds it too. */
	KT_EXPECT_EQ(task_suspend(b.task), K_OK);
	KT_EXPECT_EQ(thread_resume(t), K_OK);
	let_run();
	KT_EXPECT(t->stopped);
	KT_EXPECT_EQ(task_resume(b.task), K_OK);
	KT_EXPECT_EQ(task_resume(b.task), K_EBUSY);
	let_run();
	KT_EXPECT(!t->stopped);

	/* Termination of a suspended task's thread ends it. */
	KT_EXPECT_EQ(task_suspend(b.task), K_OK);
	let_run();
	KT_EXPECT(t->stopped);
	KT_EXPECT_EQ(user_box_end(&b), 7);
	KT_EXPECT_EQ(t->state, THREAD_DEAD);
	KT_EXPECT_EQ(thread_get_user_state(t, &g), K_EINVAL);
	thread_deallocate(t);
}

KTEST(control_thread_terminate)
{
	struct user_box b;
	KT_ASSERT(user_box_make(&b, "kt-term"));
	uintptr_t sp = b.stack + PAGE_SIZE - 64;
	/* Never started: ends at once, and its task with it. */
	struct thread *t0 = thread_create_user_suspended(b.task, PRIO_TEST_USER);
	struct thread *t1 = thread_create_user_suspended(b.task, PRIO_TEST_USER);
	KT_ASSERT(t0 != NULL && t1 != NULL);
	KT_EXPECT_EQ(thread_terminate(t0), K_OK);
	KT_EXPECT_EQ(b.task->nthreads, 1u);
	/* Running in user mode: ends at its next kernel exit. */
	struct arch_user_state s;
	state_at(&s, b.code, sp, MARK1);
	thread_reference(t1);
	KT_EXPECT_EQ(thread_set_user_state(t1, &s), K_OK);
	KT_EXPECT_EQ(thread_resume(t1), K_OK);
	let_run();
	KT_EXPECT_EQ(thread_terminate(t1), K_OK);
	/* Its task ends with its last thread. */
	KT_EXPECT_EQ(task_wait(b.task), 0);
	KT_EXPECT_EQ(t1->state, THREAD_DEAD);
	thread_deallocate(t1);
}

static struct {
	struct waitq wq;
	volatile int result;
	volatile bool done;
} ab;

static void waits_for_abort(void *unused)
{
	ab.result = waitq_wait(&ab.wq, WAITQ_FOREVER);
	ab.done = true;
}

KTEST(control_abort)
{
	waitq_init(&ab.wq);
	ab.done = false;
	struct task *task = task_create("kt-abort");
	KT_ASSERT(task != NULL);
	struct thread *t = thread_create_task_kernel(task, waits_for_abort, NULL, PRIO_TEST_USER);
	KT_ASSERT(t != NULL);
	thread_start(t);
	KT_ASSERT(kt_wait_blocked(t));
	KT_EXPECT_EQ(thread_abort(t), K_OK);
	let_run();
	KT_EXPECT(ab.done);
	KT_EXPECT_EQ(ab.result, WAIT_INTERRUPTED);
	/* The thread then returned by itself, ending its task. */
	KT_EXPECT_EQ(task_wait(task), 0);
}

static void waits_a_while(void *unused)
{
	thread_sleep(200 * NSEC_PER_MSEC);
}

KTEST(control_kernel_thread_has_no_user_state)
{
	struct task *task = task_create("kt-kstate");
	KT_ASSERT(task != NULL);
	struct thread *t = thread_create_task_kernel(task, waits_a_while, NULL, PRIO_TEST_USER);
	KT_ASSERT(t != NULL);
	thread_start(t);
	struct arch_user_state g;
	KT_EXPECT_EQ(thread_get_user_state(t, &g), K_EINVAL);
	KT_EXPECT_EQ(thread_terminate(t), K_EINVAL);
	KT_EXPECT_EQ(task_wait(task), 0);
}
