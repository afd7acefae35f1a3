/* Exception and interrupt entry.  Each vector has a stub that pushes a dummy
 * error code where the CPU pushes none, then its vector number, and joins
 * trap_common, which saves the general registers (struct trap_frame) and
 * calls x86_trap(frame).  trap_return, the way back, is shared with the
 * syscall entry (user_entry.S) and arch_enter_user(). */
#include <machine/trap.h>

	.section .text
	.code64

.macro STUB vec
	.balign 16
	.if (\vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21 || \vec == 29 || \vec == 30)
	.else
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
.endm

	.balign 16
	.globl trap_vectors_start
trap_vectors_start:
.set i, 0
.rept 256
	STUB i
	.set i, i + 1
.endr

trap_common:
	PUSH_GPRS
	cld
	movq %rsp, %rdi
	/* A frame record pointing at the interrupted kernel code, so backtraces
	 * walk through the trap into what it interrupted; a zero record for an
	 * entry from user mode, whose frames the kernel does not follow. */
	testb $3, TF_CS(%rsp)
	jnz 1f
	pushq TF_RIP(%rsp)
	pushq %rbp
	jmp 2f
1:	pushq $0
	pushq $0
2:	movq %rsp, %rbp
	call x86_trap
	addq $16, %rsp
	jmp trap_return

/* void x86_trap_return(struct trap_frame *tf): leave through tf. */
	.globl x86_trap_return
x86_trap_return:
	movq %rdi, %rsp

/* Restore the frame at %rsp and return to it.  Interrupts are off. */
	.globl trap_return
trap_return:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp              /* vector and error code */
	iretq

	.section .rodata
	.balign 8
	.globl trap_vector_table
trap_vector_table:
.set i, 0
.rept 256
	.quad trap_vectors_start + i * 16
	.set i, i + 1
.endr
