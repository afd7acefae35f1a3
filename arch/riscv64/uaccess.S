/* Copying between kernel and user memory: arch_copy_from_user and
 * arch_copy_to_user (kern/arch.h).
 *
 * sstatus.SUM, which lets S-mode load and store U pages, is set only for
 * the copy and cleared on every way out, so the kernel never reads or
 * writes user memory by accident.  Every instruction that touches the user
 * side is in the exception table: when it faults the trap handler asks the
 * VM for the page (uaccess_fault) and runs it again, or, if the address is
 * bad, resumes at the fixup, which returns K_EFAULT.  Faults on the kernel
 * side are not covered: they are kernel bugs and reported as such.
 *
 * t5 belongs to the trap handler: it starts at 0 and the handler records
 * there the last address it let the copy retry (traps.c).
 *
 * Doublewords when both pointers are 8-byte aligned, bytes otherwise. */
#include <kern/errno.h>
#include <machine/csr.h>

/* One user access, allowed to fault (resuming at fixup). */
.macro USER fixup, insn:vararg
99:	\insn
	.pushsection .extable, "a"
	.balign 8
	.dword 99b, \fixup
	.popsection
.endm

/* copy a2 bytes from a1 to a0; LD/SD and LB/SB say which side is user. */
.macro COPY name, uload, ustore
	.globl \name
\name:
	li t5, 0
	li t6, SSTATUS_SUM
	csrs sstatus, t6
	or t0, a0, a1
	andi t0, t0, 7
	bnez t0, 2f
	li t1, 8
1:	bltu a2, t1, 2f
	.if \uload
	USER 4f, ld t2, 0(a1)
	.else
	ld t2, 0(a1)
	.endif
	.if \ustore
	USER 4f, sd t2, 0(a0)
	.else
	sd t2, 0(a0)
	.endif
	addi a0, a0, 8
	addi a1, a1, 8
	addi a2, a2, -8
	j 1b
2:	beqz a2, 3f
	.if \uload
	USER 4f, lbu t2, 0(a1)
	.else
	lbu t2, 0(a1)
	.endif
	.if \ustore
	USER 4f, sb t2, 0(a0)
	.else
	sb t2, 0(a0)
	.endif
	addi a0, a0, 1
	addi a1, a1, 1
	addi a2, a2, -1
	j 2b
3:	csrc sstatus, t6
	li a0, 0
	ret
4:	csrc sstatus, t6
	li a0, K_EFAULT
	ret
.endm

	.section .text
	.balign 4
/* int arch_copy_from_user(void *dst, const void *usrc, size_t len) */
	COPY arch_copy_from_user, 1, 0
	.balign 4
/* int arch_copy_to_user(void *udst, const void *src, size_t len) */
	COPY arch_copy_to_user, 0, 1
