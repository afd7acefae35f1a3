/* What a riscv64 thread keeps besides its kernel stack (struct arch_thread,
 * first in struct thread: kern/thread.h).
 *
 * The kernel context is what the calling convention makes the callee save:
 * ra, sp and s0-s11.  arch_context_switch() (thread.c, context.S) stores
 * them here and loads the next thread's; everything else a thread was
 * doing is on its own kernel stack, including, for a thread that came in
 * from user mode, the trap frame with all its user registers (at the top of
 * the stack: trap_entry.S).
 *
 * The FP state (f0-f31 and fcsr) exists only for user threads that have
 * used the FP unit: the kernel is built for rv64imac and runs with
 * sstatus.FS off.  A user thread starts with FS off; its first FP
 * instruction traps, and the trap turns the unit on in the initial state
 * (fpu.c).  From then on `fs` follows the hardware's Initial/Clean/Dirty:
 * the registers are saved on a switch only when Dirty, and loaded on a
 * switch in whenever the thread has FP state at all. */
#ifndef MACHINE_THREAD_H
#define MACHINE_THREAD_H

/* Offsets for context.S. */
#define CTX_RA    0
#define CTX_SP    8
#define CTX_S(n)  (16 + 8 * (n))     /* s0 .. s11 */
#define CTX_SIZE  (14 * 8)

/* Offsets of struct fpu_state for fpu.S. */
#define FPU_F(n)  (8 * (n))
#define FPU_FCSR  (32 * 8)

#ifndef __ASSEMBLER__
#include <kern/types.h>

struct fpu_state {
	uint64_t f[32];    /* as fsd stores them (F-only values NaN-boxed) */
	uint64_t fcsr;
};

struct arch_thread {
	uint64_t ra, sp, s[12];   /* kernel context while switched out */
	unsigned fs;              /* FS_OFF/INITIAL/CLEAN/DIRTY (machine/csr.h) */
	struct fpu_state fpu;     /* valid when fs is CLEAN (INITIAL: zero) */
};

_Static_assert(__builtin_offsetof(struct arch_thread, s) == CTX_S(0), "context.S offsets");
_Static_assert(__builtin_offsetof(struct fpu_state, fcsr) == FPU_FCSR, "fpu.S offsets");
#endif

#endif
