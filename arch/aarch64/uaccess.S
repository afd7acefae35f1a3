/* Copies between kernel and user memory.
 *
 * Every access to the user side is an unprivileged load or store (ldtr,
 * sttr): the MMU checks it with EL0's permissions, so it works with
 * PSTATE.PAN set (PAN only stops privileged accesses), it cannot write a
 * page the user may only read, and it cannot reach kernel memory even if a
 * caller's range check were wrong.  The kernel side uses plain loads and
 * stores.
 *
 * Each user access has an exception-table entry to the routine's fault
 * exit.  traps.c recognises faults inside [aarch64_uaccess_start,
 * aarch64_uaccess_end): one on a user address first goes to uaccess_fault()
 * (a page not faulted in yet) and the instruction is retried; a fault that
 * cannot be resolved resumes at the fault exit, which returns K_EFAULT. */
#include <kern/errno.h>

/* \insn with an exception-table entry to \fixup. */
.macro USER insn:vararg
9999:	\insn
	.pushsection .extable, "a"
	.balign 8
	.quad	9999b, .Luaccess_fault
	.popsection
.endm

	.section .text
	.balign 16
	.globl aarch64_uaccess_start
aarch64_uaccess_start:

/* int arch_copy_from_user(void *dst, const void *usrc, size_t len) */
	.globl arch_copy_from_user
	.type arch_copy_from_user, %function
arch_copy_from_user:
1:	cmp	x2, #32
	b.lo	2f
	USER ldtr x3, [x1]
	USER ldtr x4, [x1, #8]
	USER ldtr x5, [x1, #16]
	USER ldtr x6, [x1, #24]
	stp	x3, x4, [x0]
	stp	x5, x6, [x0, #16]
	add	x0, x0, #32
	add	x1, x1, #32
	sub	x2, x2, #32
	b	1b
2:	cmp	x2, #8
	b.lo	3f
	USER ldtr x3, [x1]
	str	x3, [x0], #8
	add	x1, x1, #8
	sub	x2, x2, #8
	b	2b
3:	cbz	x2, 4f
	USER ldtrb w3, [x1]
	strb	w3, [x0], #1
	add	x1, x1, #1
	sub	x2, x2, #1
	b	3b
4:	mov	w0, #0
	ret
	.size arch_copy_from_user, . - arch_copy_from_user

/* int arch_copy_to_user(void *udst, const void *src, size_t len) */
	.globl arch_copy_to_user
	.type arch_copy_to_user, %function
arch_copy_to_user:
1:	cmp	x2, #32
	b.lo	2f
	ldp	x3, x4, [x1]
	ldp	x5, x6, [x1, #16]
	USER sttr x3, [x0]
	USER sttr x4, [x0, #8]
	USER sttr x5, [x0, #16]
	USER sttr x6, [x0, #24]
	add	x0, x0, #32
	add	x1, x1, #32
	sub	x2, x2, #32
	b	1b
2:	cmp	x2, #8
	b.lo	3f
	ldr	x3, [x1], #8
	USER sttr x3, [x0]
	add	x0, x0, #8
	sub	x2, x2, #8
	b	2b
3:	cbz	x2, 4f
	ldrb	w3, [x1], #1
	USER sttrb w3, [x0]
	add	x0, x0, #1
	sub	x2, x2, #1
	b	3b
4:	mov	w0, #0
	ret
	.size arch_copy_to_user, . - arch_copy_to_user

.Luaccess_fault:
	mov	w0, #K_EFAULT
	ret

	.globl aarch64_uaccess_end
aarch64_uaccess_end:
