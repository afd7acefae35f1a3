/* Thread context: the switch between two kernel stacks, the first-run
 * trampoline, and the way into user mode.
 *
 * The kernel is built with -mgeneral-regs-only, so the FP/SIMD registers
 * always hold the running thread's user state; the switch saves them
 * eagerly, together with TPIDR_EL0.  Offsets: <machine/thread.h>. */
#include <machine/thread.h>

	.arch_extension fp
	.arch_extension simd

/* q0-q31, FPSR and FPCR to or from the struct arch_fpsimd at \base. */
.macro FPSIMD_SAVE base, tmp
	stp	q0, q1, [\base, #FPSIMD_V + 0 * 32]
	stp	q2, q3, [\base, #FPSIMD_V + 1 * 32]
	stp	q4, q5, [\base, #FPSIMD_V + 2 * 32]
	stp	q6, q7, [\base, #FPSIMD_V + 3 * 32]
	stp	q8, q9, [\base, #FPSIMD_V + 4 * 32]
	stp	q10, q11, [\base, #FPSIMD_V + 5 * 32]
	stp	q12, q13, [\base, #FPSIMD_V + 6 * 32]
	stp	q14, q15, [\base, #FPSIMD_V + 7 * 32]
	stp	q16, q17, [\base, #FPSIMD_V + 8 * 32]
	stp	q18, q19, [\base, #FPSIMD_V + 9 * 32]
	stp	q20, q21, [\base, #FPSIMD_V + 10 * 32]
	stp	q22, q23, [\base, #FPSIMD_V + 11 * 32]
	stp	q24, q25, [\base, #FPSIMD_V + 12 * 32]
	stp	q26, q27, [\base, #FPSIMD_V + 13 * 32]
	stp	q28, q29, [\base, #FPSIMD_V + 14 * 32]
	stp	q30, q31, [\base, #FPSIMD_V + 15 * 32]
	mrs	\tmp, fpsr
	str	\tmp, [\base, #FPSIMD_FPSR]
	mrs	\tmp, fpcr
	str	\tmp, [\base, #FPSIMD_FPCR]
.endm

.macro FPSIMD_LOAD base, tmp
	ldp	q0, q1, [\base, #FPSIMD_V + 0 * 32]
	ldp	q2, q3, [\base, #FPSIMD_V + 1 * 32]
	ldp	q4, q5, [\base, #FPSIMD_V + 2 * 32]
	ldp	q6, q7, [\base, #FPSIMD_V + 3 * 32]
	ldp	q8, q9, [\base, #FPSIMD_V + 4 * 32]
	ldp	q10, q11, [\base, #FPSIMD_V + 5 * 32]
	ldp	q12, q13, [\base, #FPSIMD_V + 6 * 32]
	ldp	q14, q15, [\base, #FPSIMD_V + 7 * 32]
	ldp	q16, q17, [\base, #FPSIMD_V + 8 * 32]
	ldp	q18, q19, [\base, #FPSIMD_V + 9 * 32]
	ldp	q20, q21, [\base, #FPSIMD_V + 10 * 32]
	ldp	q22, q23, [\base, #FPSIMD_V + 11 * 32]
	ldp	q24, q25, [\base, #FPSIMD_V + 12 * 32]
	ldp	q26, q27, [\base, #FPSIMD_V + 13 * 32]
	ldp	q28, q29, [\base, #FPSIMD_V + 14 * 32]
	ldp	q30, q31, [\base, #FPSIMD_V + 15 * 32]
	ldr	\tmp, [\base, #FPSIMD_FPSR]
	msr	fpsr, \tmp
	ldr	\tmp, [\base, #FPSIMD_FPCR]
	msr	fpcr, \tmp
.endm

	.section .text
	.balign 16

/* void arch_context_switch(struct thread *from, struct thread *to)
 *
 * struct arch_thread is the first member of struct thread, so x0/x1 point
 * at the save areas.  Called with interrupts disabled; returns in `to`,
 * on its stack, to wherever it last called this (or to its trampoline).
 * Traps from EL0 need no per-CPU stack pointer: an exception from EL0
 * uses SP_EL1, which is the running thread's own stack pointer. */
	.globl arch_context_switch
	.type arch_context_switch, %function
arch_context_switch:
	stp	x19, x20, [x0, #ARCH_THREAD_X19 + 0]
	stp	x21, x22, [x0, #ARCH_THREAD_X19 + 16]
	stp	x23, x24, [x0, #ARCH_THREAD_X19 + 32]
	stp	x25, x26, [x0, #ARCH_THREAD_X19 + 48]
	stp	x27, x28, [x0, #ARCH_THREAD_X19 + 64]
	mov	x9, sp
	stp	x29, x9, [x0, #ARCH_THREAD_X19 + 80]      /* x29, then sp */
	mrs	x10, tpidr_el0
	stp	x30, x10, [x0, #ARCH_THREAD_LR]           /* lr, then tpidr_el0 */
	add	x9, x0, #ARCH_THREAD_FP
	FPSIMD_SAVE x9, x10

	add	x9, x1, #ARCH_THREAD_FP
	FPSIMD_LOAD x9, x10
	ldp	x30, x10, [x1, #ARCH_THREAD_LR]
	msr	tpidr_el0, x10
	ldp	x29, x9, [x1, #ARCH_THREAD_X19 + 80]
	mov	sp, x9
	ldp	x19, x20, [x1, #ARCH_THREAD_X19 + 0]
	ldp	x21, x22, [x1, #ARCH_THREAD_X19 + 16]
	ldp	x23, x24, [x1, #ARCH_THREAD_X19 + 32]
	ldp	x25, x26, [x1, #ARCH_THREAD_X19 + 48]
	ldp	x27, x28, [x1, #ARCH_THREAD_X19 + 64]
	/* An exclusive load of the old thread must not pair with a
	 * store-exclusive of the new one. */
	clrex
	ret
	.size arch_context_switch, . - arch_context_switch

/* Where arch_thread_init() points a new thread's lr: the first switch to
 * it "returns" here, on the top of its stack.  A zero frame record ends
 * backtraces. */
	.globl aarch64_thread_start
	.type aarch64_thread_start, %function
aarch64_thread_start:
	mov	x29, xzr
	mov	x30, xzr
	b	thread_bootstrap
	.size aarch64_thread_start, . - aarch64_thread_start

/* void aarch64_fpsimd_save(struct arch_fpsimd *fp)
 * void aarch64_fpsimd_load(const struct arch_fpsimd *fp) */
	.globl aarch64_fpsimd_save
	.type aarch64_fpsimd_save, %function
aarch64_fpsimd_save:
	FPSIMD_SAVE x0, x9
	ret
	.size aarch64_fpsimd_save, . - aarch64_fpsimd_save

	.globl aarch64_fpsimd_load
	.type aarch64_fpsimd_load, %function
aarch64_fpsimd_load:
	FPSIMD_LOAD x0, x9
	ret
	.size aarch64_fpsimd_load, . - aarch64_fpsimd_load

/* void aarch64_eret_to_user(uintptr_t pc, uintptr_t sp, uintptr_t arg,
 *                           uintptr_t kstack_top)
 *
 * Enter EL0 at pc with SP_EL0 = sp and x0 = arg; every other register the
 * user can see is cleared, so nothing of the kernel or of another thread
 * leaks.  SP_EL1 is left at the top of the kernel stack: the next
 * exception from EL0 builds its trap frame there (trap_entry.S).  SPSR = 0
 * is EL0t with every DAIF bit clear. */
	.globl aarch64_eret_to_user
	.type aarch64_eret_to_user, %function
aarch64_eret_to_user:
	msr	daifset, #0xf
	mov	sp, x3
	msr	sp_el0, x1
	msr	elr_el1, x0
	msr	spsr_el1, xzr
	msr	tpidr_el0, xzr
	msr	tpidrro_el0, xzr
	movi	v0.2d, #0
	movi	v1.2d, #0
	movi	v2.2d, #0
	movi	v3.2d, #0
	movi	v4.2d, #0
	movi	v5.2d, #0
	movi	v6.2d, #0
	movi	v7.2d, #0
	movi	v8.2d, #0
	movi	v9.2d, #0
	movi	v10.2d, #0
	movi	v11.2d, #0
	movi	v12.2d, #0
	movi	v13.2d, #0
	movi	v14.2d, #0
	movi	v15.2d, #0
	movi	v16.2d, #0
	movi	v17.2d, #0
	movi	v18.2d, #0
	movi	v19.2d, #0
	movi	v20.2d, #0
	movi	v21.2d, #0
	movi	v22.2d, #0
	movi	v23.2d, #0
	movi	v24.2d, #0
	movi	v25.2d, #0
	movi	v26.2d, #0
	movi	v27.2d, #0
	movi	v28.2d, #0
	movi	v29.2d, #0
	movi	v30.2d, #0
	movi	v31.2d, #0
	msr	fpsr, xzr
	msr	fpcr, xzr
	mov	x0, x2
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	mov	x4, xzr
	mov	x5, xzr
	mov	x6, xzr
	mov	x7, xzr
	mov	x8, xzr
	mov	x9, xzr
	mov	x10, xzr
	mov	x11, xzr
	mov	x12, xzr
	mov	x13, xzr
	mov	x14, xzr
	mov	x15, xzr
	mov	x16, xzr
	mov	x17, xzr
	mov	x18, xzr
	mov	x19, xzr
	mov	x20, xzr
	mov	x21, xzr
	mov	x22, xzr
	mov	x23, xzr
	mov	x24, xzr
	mov	x25, xzr
	mov	x26, xzr
	mov	x27, xzr
	mov	x28, xzr
	mov	x29, xzr
	mov	x30, xzr
	eret
	/* Nothing after an eret may run, even speculatively. */
	dsb	nsh
	isb
	.size aarch64_eret_to_user, . - aarch64_eret_to_user
