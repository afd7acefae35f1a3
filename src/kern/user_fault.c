/* Faults and exceptions taken in user mode, and the last look at a thread
 * before it returns to user mode (see kern/syscall.h).
 *
 * A fault the task's map can satisfy (zero fill on demand) is resolved and
 * the instruction retried.  Anything else ends the task with a line that
 * says what happened; only that task suffers.  (The IPC issue turns these
 * into exception messages a server may handle first.) */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/sched.h>
#include <kern/syscall.h>
#include <kern/task.h>
#include <kern/vm_map.h>
#include <kern/vm_region.h>

static const char *access_name(unsigned access)
{
	if (access & VM_FAULT_EXEC)
		return "exec";
	return access & VM_FAULT_WRITE ? "write" : "read";
}

static struct task *faulting_task(const char *what)
{
	struct task *task = task_current();
	if (!task)
		panic("%s in user mode without a task (thread %s)", what,
		      thread_current() ? thread_current()->name : "?");
	return task;
}

void user_page_fault(vaddr_t addr, unsigned access, uintptr_t pc)
{
	struct task *task = faulting_task("page fault");
	int rc = vm_fault(&task->map, addr, access);
	if (rc == K_OK)
		return;

	const char *why = "out of memory";
	if (rc != K_ENOMEM) {
		irqflags_t f = arch_irq_save();
		bool in_region = addr >= USER_BASE && addr < USER_END &&
				 vm_region_lookup(&task->map, ALIGN_DOWN(addr, PAGE_SIZE));
		arch_irq_restore(f);
		why = in_region ? "protection" : "not mapped";
	}
	char reason[128];
	ksnprintf(reason, sizeof(reason), "page fault at %#lx (%s) pc %#lx: %s",
		  (unsigned long)addr, access_name(access), (unsigned long)pc, why);
	task_terminate(task, TASK_STATUS_KILLED, reason);
}

void user_exception(const char *what, uintptr_t pc, uint64_t detail)
{
	struct task *task = faulting_task(what);
	char reason[128];
	ksnprintf(reason, sizeof(reason), "%s at pc %#lx (detail %#llx)", what,
		  (unsigned long)pc, (unsigned long long)detail);
	task_terminate(task, TASK_STATUS_KILLED, reason);
}

void user_return_check(void)
{
	struct thread *t = thread_current();
	if (!t)
		return;
	sched_preempt_point();
	/* Checked after any switch too: the task may have been killed while
	 * this thread waited for the CPU. */
	if (t->task && t->task->exiting)
		thread_exit(t->task->exit_status);
}
