/* The machv trap interface for user programs: trap numbers and one typed
 * wrapper per trap.
 *
 * The numbers are GNU Mach's (negative), so a GNU Mach program finds its
 * traps where it expects them; machv's own extensions live at -200 and
 * below, a range GNU Mach does not use.  How the number and the arguments
 * reach the kernel is the architecture's business: trap-<arch>.h defines
 * machv_trap6() and machv_trap7() with that arch's convention, and
 * docs/abi.md is the reference.  The kernel's side of this contract is
 * include/kern/syscall.h; guests/lib/abi_check.c fails the build if the two
 * ever disagree.
 *
 * The "self" traps return port names in the task's space; mach_msg's
 * message format is in <machv/message.h> (see docs/abi.md). */
#ifndef MACHV_TRAP_H
#define MACHV_TRAP_H

#include <machv/trap-base.h>

/* Mach's return codes (mach/kern_return.h values). */
#define KERN_SUCCESS            0
#define KERN_INVALID_ADDRESS    1
#define KERN_NO_SPACE           3
#define KERN_INVALID_ARGUMENT   4
#define KERN_FAILURE            5
#define KERN_RESOURCE_SHORTAGE  6

/* thread_switch() options (GNU Mach's mach/thread_switch.h). */
#define SWITCH_OPTION_NONE     0
#define SWITCH_OPTION_DEPRESS  1
#define SWITCH_OPTION_WAIT     2

/* The names the self traps returned before IPC (kept for the kernel's
 * boot-module placeholders, see docs/abi.md). */
#define PROVISIONAL_TASK_SELF        1
#define PROVISIONAL_HOST_SELF        2
#define PROVISIONAL_THREAD_SELF_BASE 0x100   /* + thread id */

/* --- GNU Mach traps -------------------------------------------------- */

/* Send and/or receive a message (<machv/message.h>). */
static inline int mach_msg_trap(void *msg, int option, unsigned send_size,
				unsigned rcv_size, unsigned rcv_name,
				unsigned timeout, unsigned notify)
{
	return (int)machv_trap7(SYS_MACH_MSG, (long)msg, option, send_size,
				rcv_size, rcv_name, timeout, notify);
}

static inline unsigned mach_reply_port(void)
{
	return (unsigned)machv_trap0(SYS_MACH_REPLY_PORT);
}

static inline unsigned mach_thread_self(void)
{
	return (unsigned)machv_trap0(SYS_MACH_THREAD_SELF);
}

static inline unsigned mach_task_self(void)
{
	return (unsigned)machv_trap0(SYS_MACH_TASK_SELF);
}

static inline unsigned mach_host_self(void)
{
	return (unsigned)machv_trap0(SYS_MACH_HOST_SELF);
}

/* Print a NUL-terminated string (at most 1024 bytes) on the console, as
 * is.  Returns KERN_SUCCESS, or an error for a string the kernel cannot
 * read (GNU Mach's mach_print returns nothing; machv says why). */
static inline int mach_print(const char *s)
{
	return (int)machv_trap1(SYS_MACH_PRINT, (long)s);
}

/* Yield the CPU; true if another thread was ready and ran. */
static inline bool swtch_pri(int pri)
{
	return machv_trap1(SYS_SWTCH_PRI, pri) != 0;
}

static inline bool swtch(void)
{
	return machv_trap0(SYS_SWTCH) != 0;
}

/* Yield (SWITCH_OPTION_NONE), depress the priority for time_ms
 * (SWITCH_OPTION_DEPRESS), or sleep for time_ms (SWITCH_OPTION_WAIT).
 * The thread name hint is ignored until IPC. */
static inline int thread_switch(unsigned name, int option, unsigned time_ms)
{
	return (int)machv_trap3(SYS_THREAD_SWITCH, name, option, time_ms);
}

/* With mach_task_self(): end this task (status 0).  Returns only on error. */
static inline int task_terminate(unsigned task)
{
	return (int)machv_trap1(SYS_TASK_TERMINATE, task);
}

#endif
