/* void aarch64_user_frame_enter(struct trap_frame *tf)
 *
 * Enter EL0 through the user frame tf at the top of the running thread's
 * kernel stack (arch_user_frame_set built it): the same restore as the
 * end of trap_common for an exception from EL0, leaving SP_EL1 at the top
 * of the stack for the next exception.  Interrupts are masked by the
 * caller; the FP/SIMD registers and TPIDR_EL0 are already the thread's
 * (the switch loads them).  TPIDRRO_EL0 is cleared: nothing of another
 * thread may show through it. */
#include <machine/trap.h>

	.section .text
	.balign 16
	.globl aarch64_user_frame_enter
	.type aarch64_user_frame_enter, %function
aarch64_user_frame_enter:
	msr	daifset, #0xf
	mov	sp, x0
	msr	tpidrro_el0, xzr
	ldp	x1, x2, [sp, #TF_SP]
	ldr	x3, [sp, #TF_SPSR]
	msr	sp_el0, x1
	msr	elr_el1, x2
	msr	spsr_el1, x3
	FRAME_POP_ERET
	.size aarch64_user_frame_enter, . - aarch64_user_frame_enter
