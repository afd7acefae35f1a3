/* Faults and exceptions taken in user mode, and the last look at a thread
 * before it returns to user mode (see kern/syscall.h).
 *
 * A fault the task's map can satisfy (zero fill on demand) is resolved and
 * the instruction retried.  Anything else is a Mach exception
 * (kern/exception.h): the thread's or the task's exception port gets an
 * exception_raise message, and a handler may let the thread go on; with
 * none, the task ends with a line that says what happened and only that
 * task suffers. */
#include <ipc/kern_return.h>
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/exception.h>
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

	/* GNU Mach's codes: the address is not mapped, or the mapping
	 * forbids the access; running out of memory is a shortage. */
	const char *why = "out of memory";
	int code = KERN_RESOURCE_SHORTAGE;
	if (rc != K_ENOMEM) {
		irqflags_t f = arch_irq_save();
		bool in_region = addr >= USER_BASE && addr < USER_END &&
				 vm_region_lookup(&task->map, ALIGN_DOWN(addr, PAGE_SIZE));
		arch_irq_restore(f);
		why = in_region ? "protection" : "not mapped";
		code = in_region ? KERN_PROTECTION_FAILURE : KERN_INVALID_ADDRESS;
	}
	char reason[128];
	ksnprintf(reason, sizeof(reason), "page fault at %#lx (%s) pc %#lx: %s",
		  (unsigned long)addr, access_name(access), (unsigned long)pc, why);
	/* Handled: the instruction runs again (the handler may have mapped
	 * the page, or moved the thread elsewhere). */
	exception_raise_user(MACH_EXC_BAD_ACCESS, code, addr, reason);
}

bool user_exception(int exception, int code, uint64_t subcode, const char *what, uintptr_t pc)
{
	faulting_task(what);   /* panics in a thread without a task */
	char reason[128];
	ksnprintf(reason, sizeof(reason), "%s at pc %#lx (detail %#llx)", what,
		  (unsigned long)pc, (unsigned long long)subcode);
	return exception_raise_user(exception, code, subcode, reason);
}

void user_return_check(void)
{
	struct thread *t = thread_current();
	if (!t)
		return;
	sched_preempt_point();
	/* A suspended thread (its own count or its task's) parks here, with
	 * its user registers in its frame, until resumed or terminated. */
	if (t->task && thread_should_stop(t) && !t->task->exiting && !t->terminating)
		thread_stop_point();
	if (t->terminating)
		thread_exit(0);
	/* Checked after any switch too: the task may have been killed while
	 * this thread waited for the CPU (or was stopped). */
	if (t->task && t->task->exiting)
		thread_exit(t->task->exit_status);
}
