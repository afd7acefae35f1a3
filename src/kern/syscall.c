/* The trap table (see kern/syscall.h): what a user thread gets when it
 * enters the kernel with a trap number.
 *
 * Every trap returns a value in the thread's result register; none of
 * them can hurt the kernel, whatever the arguments.  A trap that ends the
 * task returns too: the arch's return path then reaches
 * user_return_check(), which ends the thread instead of resuming it. */
#include <ipc/mach_msg.h>
#include <kern/arch.h>
#include <kern/console.h>
#include <kern/errno.h>
#include <kern/exception.h>
#include <kern/printf.h>
#include <kern/sched.h>
#include <kern/syscall.h>
#include <kern/task.h>
#include <kern/thread_state.h>
#include <kern/timer.h>
#include <kern/uaccess.h>
#include <kern/waitq.h>
#include "sched_internal.h"

#define MACH_PRINT_MAX 1024

/* thread_switch options (GNU Mach's mach/thread_switch.h). */
#define SWITCH_OPTION_NONE    0
#define SWITCH_OPTION_DEPRESS 1
#define SWITCH_OPTION_WAIT    2

static long trap_mach_print(uintptr_t ustr)
{
	char buf[MACH_PRINT_MAX];
	int len = copyinstr(buf, ustr, sizeof(buf));
	if (len == K_ENOSPC)
		return KERN_INVALID_ARGUMENT;
	if (len < 0)
		return KERN_INVALID_ADDRESS;
	console_write(buf, (size_t)len);
	return KERN_SUCCESS;
}

static long trap_thread_switch(uint64_t option, uint64_t time_ms)
{
	switch (option) {
	case SWITCH_OPTION_NONE:
		sched_yield();
		return KERN_SUCCESS;
	case SWITCH_OPTION_DEPRESS:
		sched_yield_depressed();
		return KERN_SUCCESS;
	case SWITCH_OPTION_WAIT:
		/* Cut short by an interrupt (the task ending): the return path
		 * takes care of the rest. */
		if (time_ms > UINT64_MAX / NSEC_PER_MSEC)
			time_ms = UINT64_MAX / NSEC_PER_MSEC;
		thread_sleep(time_ms * NSEC_PER_MSEC);
		return KERN_SUCCESS;
	default:
		return KERN_INVALID_ARGUMENT;
	}
}

static long trap_thread_spawn(struct task *task, uintptr_t pc, uintptr_t sp, uintptr_t arg)
{
	if (pc < USER_BASE || pc >= USER_END || sp < USER_BASE || sp > USER_END)
		return K_EINVAL;
	if (task->exiting)
		return K_EBUSY;
	struct thread *self = thread_current();
	struct thread *t = thread_create_user(task, pc, sp, arg, self->base_priority);
	if (!t)
		return task->exiting ? K_EBUSY : K_ENOMEM;
	unsigned id = t->id;   /* t may run, and even end, once started */
	thread_start(t);
	return id;
}

/* mach_msg(msg, option, send_size, rcv_size, rcv_name, timeout, notify):
 * the 32-bit arguments are taken from the low halves of the registers,
 * as GNU Mach's prototypes declare them. */
static long trap_mach_msg(struct task *task, const uint64_t args[SYSCALL_ARGS])
{
	struct ipc_msg_buf buf = { .user = true, .addr = args[0] };
	return ipc_mach_msg(task ? task->itk_space : NULL, buf, (mach_msg_option_t)args[1],
			    (uint32_t)args[2], (uint32_t)args[3], (mach_port_name_t)args[4],
			    (uint32_t)args[5], (mach_port_name_t)args[6]);
}

/* An unknown trap number is GNU Mach's EXC_BAD_INSTRUCTION / EXC_I386_INVOP
 * exception (kern/exception.h): without a handler the task is killed
 * ("unknown trap N at pc PC").  A handler that lets the thread go on gets
 * it back from the trap with KERN_INVALID_ARGUMENT, as before exceptions. */
static long unknown_trap(struct thread *self, long num)
{
	if (self->task == NULL)
		return KERN_INVALID_ARGUMENT;
	struct arch_user_state s;
	uintptr_t pc = thread_get_user_state(self, &s) == K_OK ? ARCH_USER_STATE_PC(&s) : 0;
	char what[48];
	ksnprintf(what, sizeof(what), "unknown trap %ld", num);
	user_exception(MACH_EXC_BAD_INSTRUCTION, MACH_EXC_I386_INVOP, 0, what, pc);
	return KERN_INVALID_ARGUMENT;
}

long syscall_dispatch(long num, const uint64_t args[SYSCALL_ARGS])
{
	struct thread *self = thread_current();
	struct task *task = self->task;

	switch (num) {
	case TRAP_MACH_MSG:
		return trap_mach_msg(task, args);
	case TRAP_MACH_REPLY_PORT:
		return ipc_reply_port(task);
	case TRAP_MACH_THREAD_SELF:
		return ipc_thread_self(self);
	case TRAP_MACH_TASK_SELF:
		return ipc_task_self(task);
	case TRAP_MACH_HOST_SELF:
		return ipc_host_self(task);
	case TRAP_MACH_PRINT:
		return trap_mach_print(args[0]);
	case TRAP_SWTCH_PRI:
		/* The priority argument is advisory in GNU Mach too. */
		return sched_yield_depressed();
	case TRAP_SWTCH:
		return sched_yield();
	case TRAP_THREAD_SWITCH:
		return trap_thread_switch(args[1], args[2]);
	case TRAP_TASK_TERMINATE: {
		/* Any task the caller holds a send right to. */
		struct task *victim = task ? ipc_task_of_name(task->itk_space,
							       (mach_port_name_t)args[0]) : NULL;
		if (!victim)
			return KERN_INVALID_ARGUMENT;
		task_terminate(victim, 0, NULL);
		return KERN_SUCCESS;
	}
	case TRAP_MACHV_EXIT:
		if (!task)
			return KERN_INVALID_ARGUMENT;
		task_terminate(task, (int)(args[0] & 0xff), NULL);
		return KERN_SUCCESS;
	case TRAP_MACHV_THREAD_SPAWN:
		if (!task)
			return KERN_INVALID_ARGUMENT;
		return trap_thread_spawn(task, args[0], args[1], args[2]);
	case TRAP_MACHV_CLOCK_NS:
		return (long)clock_ns();
	default:
		return unknown_trap(self, num);
	}
}
