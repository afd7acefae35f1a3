/* The machv trap interface without GNU Mach's names: how a trap is made
 * (trap-<arch>.h), the trap numbers, and the machv extensions.  Programs
 * built on GNU Mach's own headers and the MIG stubs (guests/lib/mach)
 * include this, not <machv/trap.h>, whose inline mach_task_self() and
 * friends would clash with GNU Mach's function declarations of the same
 * names.  docs/abi.md is the reference. */
#ifndef MACHV_TRAP_BASE_H
#define MACHV_TRAP_BASE_H

#include <stdbool.h>
#include <stdint.h>

#if defined(__x86_64__)
#include <machv/trap-x86_64.h>
#elif defined(__aarch64__)
#include <machv/trap-aarch64.h>
#elif defined(__riscv) && __riscv_xlen == 64
#include <machv/trap-riscv64.h>
#else
#error "machv user space: unsupported architecture"
#endif

/* GNU Mach trap numbers. */
#define SYS_MACH_MSG          (-25)
#define SYS_MACH_REPLY_PORT   (-26)
#define SYS_MACH_THREAD_SELF  (-27)
#define SYS_MACH_TASK_SELF    (-28)
#define SYS_MACH_HOST_SELF    (-29)
#define SYS_MACH_PRINT        (-30)
#define SYS_SWTCH_PRI         (-59)
#define SYS_SWTCH             (-60)
#define SYS_THREAD_SWITCH     (-61)
#define SYS_TASK_TERMINATE    (-69)

/* machv extensions. */
#define SYS_MACHV_EXIT         (-200)  /* end the task with a status */
#define SYS_MACHV_THREAD_SPAWN (-201)  /* (pc, sp, arg): a thread in this task */
#define SYS_MACHV_CLOCK_NS     (-202)  /* monotonic nanoseconds */

static inline long machv_trap0(long n)
{
	return machv_trap6(n, 0, 0, 0, 0, 0, 0);
}

static inline long machv_trap1(long n, long a1)
{
	return machv_trap6(n, a1, 0, 0, 0, 0, 0);
}

static inline long machv_trap3(long n, long a1, long a2, long a3)
{
	return machv_trap6(n, a1, a2, a3, 0, 0, 0);
}

/* --- machv extensions ------------------------------------------------ */

/* End this task, every thread of it, with status. */
static inline __attribute__((noreturn)) void machv_exit(int status)
{
	for (;;)   /* it does not return; if it ever did, asking again is safe */
		machv_trap1(SYS_MACHV_EXIT, status);
}

/* Start a thread in this task at pc with stack pointer sp and arg in the
 * first argument register.  Returns its thread id, or a negative error.
 * guests/lib's thread_spawn() wraps it for C functions. */
static inline long machv_thread_spawn(uintptr_t pc, uintptr_t sp, uintptr_t arg)
{
	return machv_trap3(SYS_MACHV_THREAD_SPAWN, (long)pc, (long)sp, (long)arg);
}

/* The kernel's monotonic clock, in nanoseconds since boot. */
static inline uint64_t machv_clock_ns(void)
{
	return (uint64_t)machv_trap0(SYS_MACHV_CLOCK_NS);
}

#endif
