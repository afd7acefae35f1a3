/* The x86_64 part of a thread (struct arch_thread, first in struct thread):
 * what arch_context_switch() saves and restores.
 *
 * The kernel context is the stack pointer alone: context.S pushes the
 * System V callee-saved registers (rbx, rbp, r12-r15) and the return
 * address on the thread's own stack before saving rsp here.  Everything
 * else is either caller-saved (the compiler spilled it before calling the
 * switch) or, for a thread in user mode, in the trap frame at the top of
 * its kernel stack.
 *
 * The x87/SSE registers belong to user space alone: the kernel is built
 * with -mgeneral-regs-only, so whatever is in them while the kernel runs is
 * the state of the last user thread that ran.  A thread that has entered
 * user mode (user_fpu) has them saved with FXSAVE when it is switched out
 * and restored with FXRSTOR when it is switched in: eager, no lazy CR0.TS
 * trapping, and kernel threads skip both.  FXSAVE covers x87, MMX, SSE and
 * MXCSR; machine/cpu.c does not turn on XSAVE, so AVX stays unavailable to
 * user programs (they get an invalid-opcode exception). */
#ifndef MACHINE_THREAD_H
#define MACHINE_THREAD_H

#define ARCH_THREAD_RSP   0       /* offset of arch_thread.rsp */
#define FXSAVE_AREA_SIZE  512

#ifndef __ASSEMBLER__
#include <kern/types.h>

/* The FXSAVE image: 512 bytes, 16-byte aligned (FXSAVE faults otherwise). */
struct fxsave_area {
	uint16_t fcw, fsw;
	uint8_t ftw, reserved0;
	uint16_t fop;
	uint64_t fip, fdp;
	uint32_t mxcsr, mxcsr_mask;
	uint8_t st[8][16];            /* st0-st7 / mm0-mm7 */
	uint8_t xmm[16][16];          /* xmm0-xmm15 */
	uint8_t reserved1[96];
} __aligned(16);

struct arch_thread {
	uint64_t rsp;                 /* saved kernel stack pointer while switched out */
	bool user_fpu;                /* has entered user mode: save/restore fpu */
	struct fxsave_area fpu;       /* user x87/SSE state while switched out */
};

_Static_assert(sizeof(struct fxsave_area) == FXSAVE_AREA_SIZE, "FXSAVE image");
_Static_assert(__builtin_offsetof(struct arch_thread, rsp) == ARCH_THREAD_RSP, "arch_thread");

/* FXSAVE/FXRSTOR of the live registers (fpu.c). */
void fpu_save(struct fxsave_area *a);
void fpu_restore(const struct fxsave_area *a);
/* The state a new user thread starts with: x87 and MXCSR at their reset
 * defaults (all exceptions masked), every register zero. */
void fpu_init_area(struct fxsave_area *a);
/* Turn on FXSAVE/SSE support (CR0, CR4). */
void fpu_init(void);

#endif

#endif
