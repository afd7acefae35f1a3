/* The user registers of a thread, as thread_get_state/thread_set_state
 * see them.  Each arch defines struct arch_user_state in
 * <machine/thread_state.h>: on x86_64 it is GNU Mach's i386_thread_state
 * (flavour i386_THREAD_STATE), on aarch64 and riscv64 machv's own flavour
 * (docs/abi.md).
 *
 * Where the registers are:
 *   - a user thread not yet in user mode (new, or made by thread_create):
 *     in a kmalloc'd struct arch_user_state its entry code loads;
 *   - a user thread in the kernel (a trap, an interrupt, stopped by a
 *     suspension): in the user frame at the top of its kernel stack, which
 *     the arch's trap entry builds and its return path loads.
 * thread_get/set_user_state reach either, for the calling thread itself or
 * for one that is stopped. */
#ifndef KERN_THREAD_STATE_H
#define KERN_THREAD_STATE_H

#include <kern/types.h>
#include <machine/thread_state.h>

struct thread;

/* --- the arch's part (arch/<arch>/thread_state.c) ----------------------- */

/* Every register zero but pc, the stack pointer and the first argument
 * register (how a program or a spawned thread starts). */
void arch_user_state_init(struct arch_user_state *s, uintptr_t pc, uintptr_t sp,
			  uintptr_t arg);
/* K_OK if s can be loaded (pc and stack pointer in user space), else
 * K_EINVAL.  Bits the user may not set (privilege, interrupt masks) are
 * not errors: loading ignores them. */
int arch_user_state_check(const struct arch_user_state *s);
/* The user frame at the top of t's kernel stack: t is the current thread
 * in a trap from user mode, or one that is switched out at the user
 * boundary.  set also works on a frame not yet built: it builds it. */
void arch_user_frame_get(const struct thread *t, struct arch_user_state *s);
void arch_user_frame_set(struct thread *t, const struct arch_user_state *s);
/* Enter user mode through the frame arch_user_frame_set() built at the top
 * of the current thread's stack (interrupts disabled; the caller has done
 * user_return_check()). */
__noreturn void arch_user_frame_enter(void);

/* --- the portable part (src/kern/thread_state.c) ------------------------- */

/* Read or write t's user registers.  Allowed when t is the calling thread
 * (in a trap from user mode), a user thread that has not entered user mode
 * yet, one blocked in the kernel (a wait: a message, an exception reply;
 * a system call's result register is still written when the wait ends),
 * or a suspended one: if it has not reached the user boundary yet, the
 * caller waits for it to stop there.  K_EINVAL for a
 * kernel thread, a dead thread or (set) a state arch_user_state_check
 * refuses; K_EBUSY for a thread running free (not suspended),
 * slow to stop, or when the caller is interrupted while waiting. */
int thread_get_user_state(struct thread *t, struct arch_user_state *s);
int thread_set_user_state(struct thread *t, const struct arch_user_state *s);

#endif
