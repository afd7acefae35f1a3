/* Threads on aarch64: a new thread's first context and the way into user
 * mode (the switch itself is context.S).
 *
 * A thread's kernel stack is also its exception stack from EL0: the kernel
 * runs on SP_EL1, and an exception from EL0 pushes its trap frame at
 * whatever SP_EL1 held at the eret.  Entering user mode therefore resets
 * the stack pointer to the top of the thread's kernel stack, and every
 * return to EL0 (trap_entry.S) leaves it there again. */
#include <kern/arch.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <kern/thread.h>
#include <machine/thread.h>
#include <machine/trap.h>
#include "platform.h"

_Static_assert(__builtin_offsetof(struct thread, arch) == 0, "arch_thread first in struct thread");
_Static_assert(__builtin_offsetof(struct arch_thread, x19_x29) == ARCH_THREAD_X19, "x19");
_Static_assert(__builtin_offsetof(struct arch_thread, sp) == ARCH_THREAD_SP, "sp");
_Static_assert(__builtin_offsetof(struct arch_thread, lr) == ARCH_THREAD_LR, "lr");
_Static_assert(__builtin_offsetof(struct arch_thread, tpidr_el0) == ARCH_THREAD_TPIDR, "tpidr");
_Static_assert(__builtin_offsetof(struct arch_thread, fp) == ARCH_THREAD_FP, "fp");
_Static_assert(__builtin_offsetof(struct arch_fpsimd, fpsr) == FPSIMD_FPSR, "fpsr");
_Static_assert(__builtin_offsetof(struct arch_fpsimd, fpcr) == FPSIMD_FPCR, "fpcr");
_Static_assert(__builtin_offsetof(struct arch_fpsimd, v) == FPSIMD_V, "v");
_Static_assert(sizeof(struct arch_fpsimd) == FPSIMD_SIZE, "fpsimd size");
_Static_assert(sizeof(struct arch_thread) == ARCH_THREAD_SIZE, "arch_thread size");
_Static_assert(KSTACK_SIZE % 16 == 0, "AAPCS64 wants sp 16-byte aligned");

void arch_thread_init(struct thread *t)
{
	/* A fresh context: no FP/SIMD or TLS state carried over from whatever
	 * used this memory before. */
	memset(&t->arch, 0, sizeof(t->arch));
	/* The top TF_SIZE bytes stay free for the user frame: a user thread
	 * builds its first one there (arch_user_frame_set) while it runs. */
	t->arch.sp = (uint64_t)(uintptr_t)t->kstack + KSTACK_SIZE - TF_SIZE;
	t->arch.lr = (uint64_t)(uintptr_t)aarch64_thread_start;
}

__noreturn void arch_enter_user(uintptr_t pc, uintptr_t sp, uintptr_t arg)
{
	struct thread *t = thread_current();
	/* Like every return to EL0: a preemption or a termination that is due
	 * happens before the first user instruction. */
	arch_irq_disable();
	user_return_check();
	aarch64_eret_to_user(pc, sp, arg, (uintptr_t)t->kstack + KSTACK_SIZE);
}
