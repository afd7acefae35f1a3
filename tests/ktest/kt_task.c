/* Self-tests of tasks, the trap table and the user-fault policy, driven
 * from kernel-side threads of real tasks (thread_create_task_kernel): the
 * code under test sees a current task with its own map exactly as it would
 * for a user thread, on every arch, without any user code.  (User mode
 * itself is exercised by the boot tests' programs.) */
#include <kern/errno.h>
#include <kern/exception.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <kern/vm_map.h>
#include "kt_threads.h"

#define PRIO_WAITING 9

/* Run fn(arg) in a kernel-side thread of a new task "name"; returns the
 * task (already finished or not) or NULL. */
static struct task *run_in_task(const char *name, void (*fn)(void *), void *arg)
{
	struct task *task = task_create(name);
	if (!task)
		return NULL;
	struct thread *t = thread_create_task_kernel(task, fn, arg, PRIO_WAITING);
	if (!t) {
		task_terminate(task, 1, NULL);
		task_wait(task);
		return NULL;
	}
	thread_start(t);
	return task;
}

/* --- the life of a task ------------------------------------------------ */

static struct {
	struct waitq wq;
	volatile int first, second;
	volatile uint64_t second_took;
	struct thread *thread;
} life;

static void blocked_forever(void *unused)
{
	life.thread = thread_current();
	life.first = waitq_wait(&life.wq, WAITQ_FOREVER);
	/* The task is ending: no wait may hold this thread any more. */
	uint64_t t0 = clock_ns();
	life.second = waitq_wait(&life.wq, NSEC_PER_SEC);
	life.second_took = clock_ns() - t0;
}

static void exits_with_five(void *unused)
{
	thread_exit(5);
}

KTEST(task_terminate_and_wait)
{
	kt_warm_up_tasks();
	struct task_stats ts0, ts1;
	struct thread_stats th0;
	thread_stats(&th0);
	task_stats(&ts0);
	size_t baseline = kt_settled_free_pages();

	/* Terminated while its thread waits: the wait ends, the thread
	 * cannot wait again, the task ends with the given status. */
	memset(&life, 0, sizeof(life));
	waitq_init(&life.wq);
	life.first = life.second = -1;
	struct task *task = run_in_task("kt-life", blocked_forever, NULL);
	KT_ASSERT(task);
	while (!life.thread)
		thread_sleep(NSEC_PER_MSEC);
	KT_ASSERT(kt_wait_blocked(life.thread));
	task_stats(&ts1);
	KT_EXPECT(ts1.alive == ts0.alive + 1);
	KT_EXPECT(task->nthreads == 1);
	task_terminate(task, 7, NULL);
	KT_EXPECT(task->exiting);
	/* No new threads in an ending task. */
	KT_EXPECT(!thread_create_task_kernel(task, exits_with_five, NULL, PRIO_WAITING));
	KT_EXPECT(task_wait(task) == 7);
	KT_EXPECT(life.first == WAIT_INTERRUPTED);
	KT_EXPECT(life.second == WAIT_INTERRUPTED);
	KT_EXPECT(life.second_took < NSEC_PER_SEC / 2);

	/* The last thread leaving on its own ends the task with its status. */
	task = run_in_task("kt-five", exits_with_five, NULL);
	KT_ASSERT(task);
	KT_EXPECT(task_wait(task) == 5);

	/* A task that never had a thread. */
	task = task_create("kt-empty");
	KT_ASSERT(task);
	task_terminate(task, 9, NULL);
	KT_EXPECT(task_wait(task) == 9);

	/* An unstarted thread dies with its task. */
	task = task_create("kt-embryo");
	KT_ASSERT(task);
	KT_ASSERT(thread_create_user(task, USER_BASE, USER_BASE + PAGE_SIZE, 0, PRIO_WAITING));
	KT_ASSERT(thread_create_task_kernel(task, exits_with_five, NULL, PRIO_WAITING));
	KT_EXPECT(task->nthreads == 2);
	task_terminate(task, 0, NULL);
	KT_EXPECT(task_wait(task) == 0);

	task_stats(&ts1);
	KT_EXPECT(ts1.alive == ts0.alive);
	KT_EXPECT(kt_wait_reaped(th0.alive));
	size_t after = kt_settled_free_pages();
	if (after != baseline)
		ktest_note("free pages: %zu before, %zu after", baseline, after);
	KT_EXPECT(after == baseline);
}

/* --- user faults ------------------------------------------------------- */

#define REGION_VA  (USER_BASE + 0x100000)

static struct {
	volatile bool resolved;
	volatile size_t resident;
} flt;

/* A fault inside a region is resolved; one outside kills the task (the
 * thread goes on until it next waits or returns, like a user thread that
 * would not return to user mode). */
static void faults(void *unused)
{
	struct task *task = task_current();
	vaddr_t va = REGION_VA;
	if (vm_allocate(&task->map, &va, 4 * PAGE_SIZE, false, PROT_R | PROT_W) != K_OK)
		return;
	user_page_fault(REGION_VA + PAGE_SIZE + 8, VM_FAULT_WRITE, 0x401000);
	flt.resolved = !task->exiting;
	flt.resident = task->map.resident_pages;
	user_page_fault(REGION_VA + 64 * PAGE_SIZE, VM_FAULT_READ, 0x401234);
}

static void protection_fault(void *unused)
{
	struct task *task = task_current();
	vaddr_t va = REGION_VA;
	if (vm_allocate(&task->map, &va, PAGE_SIZE, false, PROT_R) != K_OK)
		return;
	user_page_fault(REGION_VA, VM_FAULT_WRITE, 0x402000);
}

static void bad_instruction(void *unused)
{
	user_exception(MACH_EXC_BAD_INSTRUCTION, MACH_EXC_I386_INVOP, 0, "illegal instruction",
		       0x403000);
}

KTEST(user_faults_kill_only_the_task)
{
	memset((void *)&flt, 0, sizeof(flt));
	struct task *task = run_in_task("kt-fault", faults, NULL);
	KT_ASSERT(task);
	KT_EXPECT(task_wait(task) == TASK_STATUS_KILLED);
	KT_EXPECT(flt.resolved);
	KT_EXPECT(flt.resident == 1);

	task = run_in_task("kt-prot", protection_fault, NULL);
	KT_ASSERT(task);
	KT_EXPECT(task_wait(task) == TASK_STATUS_KILLED);

	task = run_in_task("kt-ill", bad_instruction, NULL);
	KT_ASSERT(task);
	KT_EXPECT(task_wait(task) == TASK_STATUS_KILLED);
}

/* --- the trap table ---------------------------------------------------- */

#define MSG_VA (USER_BASE + 0x200000)

static struct {
	long task_self, task_self_again, host_self, thread_self, msg, reply_port, clock, print_bad,
	     print_ok, print_long, swtch, swtch_pri, thread_switch_bad, thread_switch_wait,
	     terminate_other, exit;
	unsigned id;
	uint64_t clock_before, clock_after, waited;
} trap;

static long call(long num, uint64_t a0, uint64_t a1, uint64_t a2)
{
	const uint64_t args[SYSCALL_ARGS] = { a0, a1, a2 };
	return syscall_dispatch(num, args);
}

static void traps(void *unused)
{
	struct task *task = task_current();
	trap.id = thread_current()->id;
	/* (An unknown trap number is an exception now: kt_exception.c.) */
	trap.task_self = call(TRAP_MACH_TASK_SELF, 0, 0, 0);
	trap.host_self = call(TRAP_MACH_HOST_SELF, 0, 0, 0);
	trap.thread_self = call(TRAP_MACH_THREAD_SELF, 0, 0, 0);
	trap.task_self_again = call(TRAP_MACH_TASK_SELF, 0, 0, 0);
	/* msg, option MACH_SEND_MSG, send_size 32: an unmapped buffer. */
	trap.msg = call(TRAP_MACH_MSG, 0xdead0000, 1, 32);
	trap.reply_port = call(TRAP_MACH_REPLY_PORT, 0, 0, 0);
	trap.clock_before = clock_ns();
	trap.clock = call(TRAP_MACHV_CLOCK_NS, 0, 0, 0);
	trap.clock_after = clock_ns();
	trap.print_bad = call(TRAP_MACH_PRINT, 0xdead0000, 0, 0);
	trap.swtch = call(TRAP_SWTCH, 0, 0, 0);
	trap.swtch_pri = call(TRAP_SWTCH_PRI, 0, 0, 0);
	trap.thread_switch_bad = call(TRAP_THREAD_SWITCH, 0, 99, 0);
	uint64_t t0 = clock_ns();
	trap.thread_switch_wait = call(TRAP_THREAD_SWITCH, 0, 2, 3);
	trap.waited = clock_ns() - t0;
	trap.terminate_other = call(TRAP_TASK_TERMINATE, 12345, 0, 0);

	/* A string in the task's memory, through copyinstr. */
	static const char text[] = "# mach_print from a task's memory\n";
	char big[64];
	memset(big, 'x', sizeof(big));
	vaddr_t va = MSG_VA;
	if (vm_allocate(&task->map, &va, 2 * PAGE_SIZE, false, PROT_R | PROT_W) == K_OK &&
	    vm_map_write(&task->map, MSG_VA, text, sizeof(text)) == K_OK) {
		trap.print_ok = call(TRAP_MACH_PRINT, MSG_VA, 0, 0);
		/* 2 pages without a NUL: longer than mach_print takes. */
		for (vaddr_t p = MSG_VA; p < MSG_VA + 2 * PAGE_SIZE; p += sizeof(big))
			vm_map_write(&task->map, p, big, sizeof(big));
		trap.print_long = call(TRAP_MACH_PRINT, MSG_VA, 0, 0);
	}
	trap.exit = call(TRAP_MACHV_EXIT, 0x1203, 0, 0);
}

KTEST(trap_table)
{
	memset(&trap, 0, sizeof(trap));
	trap.print_ok = trap.print_long = -1;
	struct task *task = run_in_task("kt-traps", traps, NULL);
	KT_ASSERT(task);
	/* machv_exit keeps the low 8 bits of the status. */
	KT_EXPECT(task_wait(task) == 3);
	/* Real port names in the task's space (ipc/mach_msg.h): distinct,
	 * and the task's one is the same name each time. */
	KT_EXPECT(trap.task_self > 0 && trap.task_self != (long)0xffffffffu);
	KT_EXPECT(trap.task_self_again == trap.task_self);
	KT_EXPECT(trap.host_self > 0 && trap.host_self != trap.task_self);
	KT_EXPECT(trap.thread_self > 0 && trap.thread_self != trap.task_self &&
		  trap.thread_self != trap.host_self);
	KT_EXPECT(trap.msg == 0x10000002);   /* MACH_SEND_INVALID_DATA */
	KT_EXPECT(trap.reply_port > 0 && trap.reply_port != trap.task_self);
	KT_EXPECT((uint64_t)trap.clock >= trap.clock_before);
	KT_EXPECT((uint64_t)trap.clock <= trap.clock_after);
	KT_EXPECT(trap.print_bad == KERN_INVALID_ADDRESS);
	KT_EXPECT(trap.print_ok == KERN_SUCCESS);
	KT_EXPECT(trap.print_long == KERN_INVALID_ARGUMENT);
	KT_EXPECT(trap.swtch == 0 || trap.swtch == 1);
	KT_EXPECT(trap.swtch_pri == 0 || trap.swtch_pri == 1);
	KT_EXPECT(trap.thread_switch_bad == KERN_INVALID_ARGUMENT);
	KT_EXPECT(trap.thread_switch_wait == KERN_SUCCESS);
	KT_EXPECT(trap.waited >= 3 * NSEC_PER_MSEC);
	KT_EXPECT(trap.terminate_other == KERN_INVALID_ARGUMENT);
	KT_EXPECT(trap.exit == KERN_SUCCESS);
}

/* A thread spawned by the trap belongs to the task and runs at the
 * caller's priority; bad addresses are refused. */
static struct {
	long bad_pc, bad_sp, ok;
	unsigned nthreads;
} spawn;

static void spawns(void *unused)
{
	struct task *task = task_current();
	spawn.bad_pc = call(TRAP_MACHV_THREAD_SPAWN, 0, USER_BASE + PAGE_SIZE, 0);
	spawn.bad_sp = call(TRAP_MACHV_THREAD_SPAWN, USER_BASE, USER_END + PAGE_SIZE, 0);
	/* The new thread never reaches user mode (there is no code at its
	 * pc): with interrupts off it cannot run before the task ends, and
	 * then it exits on its way out of the kernel. */
	irqflags_t f = arch_irq_save();
	spawn.ok = call(TRAP_MACHV_THREAD_SPAWN, USER_BASE, USER_BASE + PAGE_SIZE, 0);
	spawn.nthreads = task->nthreads;
	call(TRAP_MACHV_EXIT, 0, 0, 0);
	arch_irq_restore(f);
}

KTEST(trap_thread_spawn)
{
	memset(&spawn, 0, sizeof(spawn));
	struct task *task = task_create("kt-spawn");
	KT_ASSERT(task);
	struct thread *t = thread_create_task_kernel(task, spawns, NULL, PRIO_WAITING);
	KT_ASSERT(t);
	thread_start(t);
	KT_EXPECT(task_wait(task) == 0);
	KT_EXPECT(spawn.bad_pc == K_EINVAL);
	KT_EXPECT(spawn.bad_sp == K_EINVAL);
	KT_EXPECT(spawn.ok > 0);
	KT_EXPECT(spawn.nthreads == 2);
}
