/* Exception entry.  VBAR_EL1 points at exception_vectors: 16 entries of
 * 128 bytes (synchronous, IRQ, FIQ, SError from EL1 with SP_EL0, EL1 with
 * SP_EL1, EL0 AArch64, EL0 AArch32).  Each entry makes room for a struct
 * trap_frame, saves x0/x1, puts its index in x0 and joins trap_common,
 * which saves the rest, calls aarch64_trap(frame) and returns with eret to
 * whatever the frame then says (a fixup may have changed elr, a system call
 * x0).
 *
 * The kernel always runs on SP_EL1.  From EL0 that is the top of the
 * thread's kernel stack (arch_enter_user put it there), so the frame of a
 * user thread sits at the top of its stack, and returning pops it back to
 * exactly that top for the next exception. */
#include <machine/trap.h>

.macro VENTRY kind
	.balign 128
	sub	sp, sp, #TF_SIZE
	stp	x0, x1, [sp, #0]
	mov	x0, #\kind
	b	trap_common
.endm

	.section .text.vectors, "ax"
	.balign 2048
	.globl exception_vectors
exception_vectors:
	.set k, 0
	.rept 16
	VENTRY k
	.set k, k + 1
	.endr

	.section .text
	.balign 16
trap_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	str	x0, [sp, #TF_KIND]
	mov	x19, x0                  /* kept across the call */
	tst	x0, #TRAP_FROM_EL0_64    /* from EL0 (entries 8..15)? */
	b.ne	1f
	add	x1, sp, #TF_SIZE
	b	2f
1:	mrs	x1, sp_el0
2:	mrs	x2, elr_el1
	stp	x1, x2, [sp, #TF_SP]
	mrs	x3, spsr_el1
	mrs	x4, esr_el1
	stp	x3, x4, [sp, #TF_SPSR]
	mrs	x5, far_el1
	str	x5, [sp, #TF_FAR]
	/* A frame record for the interrupted code, so that a backtrace from
	 * the handler walks on into what was interrupted; from EL0 it stops
	 * there (the user's x29 means nothing to the kernel). */
	tst	x19, #TRAP_FROM_EL0_64
	csel	x6, xzr, x29, ne
	stp	x6, x2, [sp, #-16]!
	mov	x29, sp
	add	x0, sp, #16
	bl	aarch64_trap
	add	sp, sp, #16

	ldp	x1, x2, [sp, #TF_SP]
	ldr	x3, [sp, #TF_SPSR]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	tst	x19, #TRAP_FROM_EL0_64
	b.eq	3f
	msr	sp_el0, x1
3:	FRAME_POP_ERET
