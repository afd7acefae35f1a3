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
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #TF_SIZE
	eret
	/* Nothing after an eret may run, even speculatively. */
	dsb	nsh
	isb
	.size aarch64_user_frame_enter, . - aarch64_user_frame_enter
