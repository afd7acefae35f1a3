/* The aarch64 part of a thread (struct arch_thread, first in struct thread):
 * what arch_context_switch() (context.S) saves and restores.
 *
 * The kernel context is AAPCS64's callee-saved set: x19-x28, the frame
 * pointer x29, the stack pointer and the link register (where the switch
 * returns to).  Everything else is either caller-saved (the C compiler
 * spilled it before calling the switch) or, for a thread in user mode,
 * in the trap frame at the top of its kernel stack.
 *
 * The FP/SIMD registers belong to user space alone: the kernel is built
 * with -mgeneral-regs-only, so whatever is in q0-q31, FPSR and FPCR while
 * the kernel runs is the current thread's user state.  The switch saves it
 * eagerly (no lazy trapping), with TPIDR_EL0, the user's thread pointer.
 *
 * The offsets are what context.S uses; thread.c checks them against the
 * struct. */
#ifndef MACHINE_THREAD_H
#define MACHINE_THREAD_H

#define ARCH_THREAD_X19    0      /* x19..x28, then x29 (fp) */
#define ARCH_THREAD_SP     (11 * 8)
#define ARCH_THREAD_LR     (12 * 8)
#define ARCH_THREAD_TPIDR  (13 * 8)
#define ARCH_THREAD_FP     (14 * 8)   /* struct arch_fpsimd */
#define ARCH_THREAD_SIZE   (ARCH_THREAD_FP + FPSIMD_SIZE)

#define FPSIMD_FPSR        0
#define FPSIMD_FPCR        8
#define FPSIMD_V           16     /* q0..q31, 16 bytes each */
#define FPSIMD_SIZE        (FPSIMD_V + 32 * 16)

#ifndef __ASSEMBLER__
#include <kern/types.h>

struct arch_fpsimd {
	uint64_t fpsr, fpcr;
	uint64_t v[64];               /* q0..q31: low then high doubleword */
};

struct arch_thread {
	uint64_t x19_x29[11];         /* callee-saved registers and frame pointer */
	uint64_t sp;
	uint64_t lr;                  /* where the switch returns */
	uint64_t tpidr_el0;           /* user thread pointer */
	struct arch_fpsimd fp;
};

/* Save the live FP/SIMD registers into fp, or load them from it (context.S;
 * the switch does the same inline, the self-tests use these). */
void aarch64_fpsimd_save(struct arch_fpsimd *fp);
void aarch64_fpsimd_load(const struct arch_fpsimd *fp);

#endif

#endif
