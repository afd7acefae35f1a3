/* Kernel context switch and the first run of a new thread.
 *
 * x86_switch_stacks(uint64_t *save_rsp, uint64_t new_rsp): push the
 * System V callee-saved registers on the current stack, store the stack
 * pointer in *save_rsp, load new_rsp and pop the other thread's registers.
 * The final ret returns into the other thread's own call of this function,
 * or, for a thread that never ran, into x86_thread_start (arch_thread_init
 * builds that first frame).  Interrupts are off throughout (the scheduler
 * calls the switch with them disabled). */

	.section .text
	.code64

	.globl x86_switch_stacks
	.type x86_switch_stacks, @function
x86_switch_stacks:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size x86_switch_stacks, . - x86_switch_stacks

/* A new thread's first instructions, on an empty stack (16-byte aligned,
 * %rbp = 0 so backtraces end here).  thread_bootstrap() (src/kern/thread.c)
 * never returns: it runs the thread's function and ends the thread. */
	.globl x86_thread_start
	.type x86_thread_start, @function
x86_thread_start:
	xorl %ebp, %ebp
	call thread_bootstrap
	ud2
	.size x86_thread_start, . - x86_thread_start
