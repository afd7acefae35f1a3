/* Kernel entry from user mode: the trap table.
 *
 * Trap numbers are GNU Mach's (negative), so GNU Mach programs find their
 * traps where they expect them.  machv's own extensions live at -200 and
 * below, a range GNU Mach does not use.  How each arch passes the number
 * and the arguments is in docs/abi.md and guests/include/machv/trap.h:
 *   x86_64   syscall; rax = number; rdi rsi rdx r10 r8 r9, a 7th at
 *            8(%rsp); result in rax (GNU Mach's convention)
 *   aarch64  svc #0; x8 = number; x0..x6; result in x0
 *   riscv64  ecall; a7 = number; a0..a6; result in a0
 * An unknown number is GNU Mach's EXC_BAD_INSTRUCTION / EXC_I386_INVOP
 * exception (kern/exception.h): without a handler the task is killed; a
 * handler that lets the thread go on gets KERN_INVALID_ARGUMENT back. */
#ifndef KERN_SYSCALL_H
#define KERN_SYSCALL_H

#include <kern/types.h>

/* GNU Mach trap numbers. */
#define TRAP_MACH_MSG          (-25)
#define TRAP_MACH_REPLY_PORT   (-26)
#define TRAP_MACH_THREAD_SELF  (-27)
#define TRAP_MACH_TASK_SELF    (-28)
#define TRAP_MACH_HOST_SELF    (-29)
#define TRAP_MACH_PRINT        (-30)
#define TRAP_SWTCH_PRI         (-59)
#define TRAP_SWTCH             (-60)
#define TRAP_THREAD_SWITCH     (-61)
#define TRAP_TASK_TERMINATE    (-69)

/* machv extensions. */
#define TRAP_MACHV_EXIT        (-200)  /* end the task with a status */
#define TRAP_MACHV_THREAD_SPAWN (-201) /* (pc, sp, arg): a thread in this task */
#define TRAP_MACHV_CLOCK_NS    (-202)  /* monotonic ns (benchmarks, tests) */

/* Mach's return codes used by the traps (mach/kern_return.h values). */
#define KERN_SUCCESS            0
#define KERN_INVALID_ADDRESS    1
#define KERN_NO_SPACE           3
#define KERN_INVALID_ARGUMENT   4
#define KERN_FAILURE            5
#define KERN_RESOURCE_SHORTAGE  6

/* The fixed names the self traps returned before IPC; the boot-module
 * variables still use them as placeholders (the self traps now return
 * real port names, ipc/mach_msg.h). */
#define PROVISIONAL_TASK_SELF   1
#define PROVISIONAL_HOST_SELF   2
#define PROVISIONAL_THREAD_SELF_BASE 0x100   /* + thread id */

#define SYSCALL_ARGS 7

/* Run trap num with its arguments for the current (user) thread; the arch
 * puts the result where the convention says. */
long syscall_dispatch(long num, const uint64_t args[SYSCALL_ARGS]);

/* The arch's trap handler calls these for faults and exceptions taken in
 * user mode, with interrupts enabled (they may block).  A page fault is
 * resolved through the task's map; one that cannot be is a Mach exception
 * EXC_BAD_ACCESS (code KERN_INVALID_ADDRESS or KERN_PROTECTION_FAILURE,
 * subcode the address).  user_exception raises exception/code/subcode
 * (kern/exception.h).  Either returns when the thread may go on (a handler
 * took the exception: user_exception returns true) or once the task has
 * been killed with a diagnostic naming what and pc (false; the thread
 * then ends on its way out). */
void user_page_fault(vaddr_t addr, unsigned access, uintptr_t pc);
bool user_exception(int exception, int code, uint64_t subcode, const char *what, uintptr_t pc);
/* Called by the arch on every return to user mode, interrupts disabled:
 * preemption, and the end of a thread whose task is being terminated. */
void user_return_check(void);

#endif
