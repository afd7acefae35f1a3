/* mach.defs and gnumach.defs routines on threads (src/kobj/routines.h).
 * GNU Mach's semantics, with one rule of machv's for the user registers
 * (kern/thread_state.h): they can be read and written for the calling
 * thread, a thread not yet started, one blocked in the kernel (an
 * exception handler and the faulting thread), or a suspended one (waiting
 * for it to stop if need be); for a thread running free the answer is
 * KERN_FAILURE (suspend it and ask again). */
#include <ipc/port.h>
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/thread_state.h>
#include <kern/timer.h>
#include "routines.h"

/* mach/thread_special_ports.h */
#define THREAD_KERNEL_PORT    1
#define THREAD_EXCEPTION_PORT 3

/* mach/thread_info.h flavours, run states and their LP64 layouts. */
#define THREAD_BASIC_INFO  1
#define THREAD_SCHED_INFO  2
#define TH_STATE_RUNNING   1
#define TH_STATE_STOPPED   2
#define TH_STATE_WAITING   3
#define TH_STATE_HALTED    5
#define TH_FLAGS_SWAPPED   0x1
#define POLICY_TIMESHARE   1

#define THREAD_NAME_MAX    64     /* kernel_debug_name_t */


struct thread_basic_info {
	struct time_value user_time, system_time;
	int32_t cpu_usage, base_priority, cur_priority, run_state, flags, suspend_count;
	int32_t sleep_time;
	int32_t pad;
	struct time_value creation_time;
	struct time_value64 user_time64, system_time64, creation_time64;
};
_Static_assert(sizeof(struct thread_basic_info) == 128, "thread_basic_info");
_Static_assert(__builtin_offsetof(struct thread_basic_info, cpu_usage) == 32, "cpu_usage");
_Static_assert(__builtin_offsetof(struct thread_basic_info, suspend_count) == 52, "suspend_count");
_Static_assert(__builtin_offsetof(struct thread_basic_info, creation_time) == 64, "creation_time");
_Static_assert(__builtin_offsetof(struct thread_basic_info, creation_time64) == 112, "creation_time64");

struct thread_sched_info {
	int32_t policy, data, base_priority, max_priority, cur_priority, depress_priority;
	int32_t last_processor;
	int32_t pad;   /* GNU Mach's count is 8 words: the struct is 32 bytes */
};
_Static_assert(sizeof(struct thread_sched_info) == 32, "thread_sched_info");

static kern_return_t from_k(int rc)
{
	switch (rc) {
	case K_OK: return KERN_SUCCESS;
	case K_EBUSY: return KERN_FAILURE;
	case K_ENOMEM: return KERN_RESOURCE_SHORTAGE;
	default: return KERN_INVALID_ARGUMENT;
	}
}

/* --- life ------------------------------------------------------------------ */

/* The new thread is suspended once, with every user register zero: its
 * creator gives it a state with thread_set_state and starts it with
 * thread_resume. */
kern_return_t S_thread_create(struct task *task, struct thread **child)
{
	if (!task || task->exiting)
		return KERN_INVALID_ARGUMENT;
	struct thread *t = thread_create_user_suspended(task, SCHED_PRIO_USER);
	if (!t)
		return task->exiting ? KERN_INVALID_ARGUMENT : KERN_RESOURCE_SHORTAGE;
	thread_reference(t);      /* consumed by the conversion to a port */
	*child = t;
	return KERN_SUCCESS;
}

/* The thread ends at its next return to user mode (now, if it is the
 * caller: the reply is never seen); a thread not yet started ends at once;
 * one blocked in the kernel is interrupted.  GNU Mach's semantics; the
 * last thread ending ends its task, as it does when it exits. */
kern_return_t S_thread_terminate(struct thread *thread)
{
	if (!thread)
		return KERN_INVALID_ARGUMENT;
	return from_k(thread_terminate(thread));
}

kern_return_t S_thread_suspend(struct thread *thread)
{
	return thread ? from_k(thread_suspend(thread)) : KERN_INVALID_ARGUMENT;
}

kern_return_t S_thread_resume(struct thread *thread)
{
	return thread ? from_k(thread_resume(thread)) : KERN_INVALID_ARGUMENT;
}

kern_return_t S_thread_abort(struct thread *thread)
{
	return thread ? from_k(thread_abort(thread)) : KERN_INVALID_ARGUMENT;
}

/* --- user registers -------------------------------------------------------- */

kern_return_t S_thread_get_state(struct thread *thread, int32_t flavor, uint32_t *state,
				 uint32_t *count)
{
	if (!thread || flavor != ARCH_THREAD_STATE_FLAVOR || *count < ARCH_THREAD_STATE_COUNT)
		return KERN_INVALID_ARGUMENT;
	struct arch_user_state s;
	int rc = thread_get_user_state(thread, &s);
	if (rc != K_OK)
		return from_k(rc);
	memcpy(state, &s, sizeof(s));
	*count = ARCH_THREAD_STATE_COUNT;
	return KERN_SUCCESS;
}

kern_return_t S_thread_set_state(struct thread *thread, int32_t flavor, const uint32_t *state,
				 uint32_t count)
{
	if (!thread || flavor != ARCH_THREAD_STATE_FLAVOR || count < ARCH_THREAD_STATE_COUNT)
		return KERN_INVALID_ARGUMENT;
	struct arch_user_state s;
	memcpy(&s, state, sizeof(s));
	return from_k(thread_set_user_state(thread, &s));
}

/* --- information ------------------------------------------------------------ */

static int32_t run_state(const struct thread *t)
{
	if (t->stopped)
		return TH_STATE_STOPPED;
	switch (t->state) {
	case THREAD_RUNNING:
	case THREAD_READY:
		return TH_STATE_RUNNING;
	case THREAD_BLOCKED:
		return TH_STATE_WAITING;
	case THREAD_EMBRYO:
		return TH_STATE_STOPPED;    /* made suspended, not started */
	default:
		return TH_STATE_HALTED;
	}
}

kern_return_t S_thread_info(struct thread *thread, int32_t flavor, int32_t *info, uint32_t *count)
{
	if (!thread)
		return KERN_INVALID_ARGUMENT;
	union {
		struct thread_basic_info basic;
		struct thread_sched_info sched;
	} u;
	size_t size;
	memset(&u, 0, sizeof(u));
	irqflags_t f = arch_irq_save();
	switch (flavor) {
	case THREAD_BASIC_INFO:
		/* All run time counts as user time (machv does not split it). */
		time_value_from_ns(&u.basic.user_time, thread->cpu_ns);
		time_value64_from_ns(&u.basic.user_time64, thread->cpu_ns);
		time_value_from_ns(&u.basic.creation_time, thread->created_ns);
		time_value64_from_ns(&u.basic.creation_time64, thread->created_ns);
		u.basic.base_priority = (int32_t)thread->base_priority;
		u.basic.cur_priority = (int32_t)thread->priority;
		u.basic.run_state = run_state(thread);
		u.basic.flags = thread->kstack ? 0 : TH_FLAGS_SWAPPED;
		u.basic.suspend_count = (int32_t)thread->suspend_count;
		size = sizeof(u.basic);
		break;
	case THREAD_SCHED_INFO:
		u.sched.policy = POLICY_TIMESHARE;
		u.sched.base_priority = (int32_t)thread->base_priority;
		u.sched.max_priority = 0;     /* no per-thread ceiling yet */
		u.sched.cur_priority = (int32_t)thread->priority;
		u.sched.depress_priority = thread->priority != thread->base_priority
					   ? (int32_t)thread->base_priority : -1;
		size = 7 * 4 + 4;
		break;
	default:
		arch_irq_restore(f);
		return KERN_INVALID_ARGUMENT;
	}
	arch_irq_restore(f);
	uint32_t words = (uint32_t)(size / 4);
	if (flavor == THREAD_SCHED_INFO)
		words = 8;   /* THREAD_SCHED_INFO_COUNT */
	if (*count < words)
		return KERN_INVALID_ARGUMENT;
	memcpy(info, &u, words * 4);
	*count = words;
	return KERN_SUCCESS;
}

/* --- special ports, names, priority ------------------------------------------ */

kern_return_t S_thread_get_special_port(struct thread *thread, int32_t which,
					struct ipc_port **port)
{
	if (!thread)
		return KERN_INVALID_ARGUMENT;
	switch (which) {
	case THREAD_KERNEL_PORT:
		if (thread->state == THREAD_DEAD)
			return KERN_FAILURE;
		thread_reference(thread);
		*port = convert_thread_to_port(thread);
		return KERN_SUCCESS;
	case THREAD_EXCEPTION_PORT: {
		irqflags_t f = arch_irq_save();
		struct ipc_port *p = thread->ith_exception;
		*port = IPC_PORT_VALID(p) ? ipc_port_copy_send(p) : p;
		arch_irq_restore(f);
		return KERN_SUCCESS;
	}
	default:
		return KERN_INVALID_ARGUMENT;
	}
}

/* Only the exception port can be set: machv's thread port is the thread's
 * own kernel-object port, which nothing replaces. */
kern_return_t S_thread_set_special_port(struct thread *thread, int32_t which,
					struct ipc_port *port)
{
	if (!thread || which != THREAD_EXCEPTION_PORT)
		return KERN_INVALID_ARGUMENT;
	irqflags_t f = arch_irq_save();
	kern_return_t kr = KERN_SUCCESS;
	if (thread->state == THREAD_DEAD || !thread->task) {
		kr = KERN_FAILURE;
	} else {
		struct ipc_port *old = thread->ith_exception;
		thread->ith_exception = port;
		if (IPC_PORT_VALID(old))
			ipc_port_release_send(old);
	}
	arch_irq_restore(f);
	return kr;
}

kern_return_t S_thread_set_name(struct thread *thread, const char *name)
{
	if (!thread)
		return KERN_INVALID_ARGUMENT;
	irqflags_t f = arch_irq_save();
	strlcpy(thread->name, name, sizeof(thread->name));
	arch_irq_restore(f);
	return KERN_SUCCESS;
}

kern_return_t S_thread_get_name(struct thread *thread, char *name)
{
	if (!thread)
		return KERN_INVALID_ARGUMENT;
	memset(name, 0, THREAD_NAME_MAX);
	irqflags_t f = arch_irq_save();
	strlcpy(name, thread->name, THREAD_NAME_MAX);
	arch_irq_restore(f);
	return KERN_SUCCESS;
}

/* GNU Mach: set the base priority (and with set_max the ceiling, which
 * machv does not keep).  0 is the most urgent level, as in Mach. */
kern_return_t S_thread_priority(struct thread *thread, int32_t priority, int32_t set_max)
{
	(void)set_max;
	if (!thread || priority < 0 || priority >= SCHED_PRIO_COUNT ||
	    thread->state == THREAD_DEAD || !thread->task)
		return KERN_INVALID_ARGUMENT;
	sched_set_priority(thread, (unsigned)priority);
	return KERN_SUCCESS;
}
