/* The syscall instruction's entry (MSR_LSTAR, set by syscall.c).
 *
 * SYSCALL leaves the user's rip in rcx and rflags in r11, clears the
 * RFLAGS bits in MSR_FMASK (interrupts are off from the first instruction)
 * and loads the kernel CS/SS, but keeps the user's rsp.  The entry moves
 * to the running thread's kernel stack and builds the same struct
 * trap_frame an interrupt from user mode would (ss, rsp, rflags, cs, rip,
 * error 0, vector VEC_SYSCALL, then the general registers, in
 * trap_entry.S's order), at the same address, the top of the kernel stack.
 * x86_syscall() reads the number and arguments from that frame and writes
 * the result into its rax; the way out is trap_return, IRETQ like every
 * other return to user mode.
 *
 * One CPU: the user rsp waits in a static word while the stack changes
 * (interrupts are masked, and NMI and double fault run on their own IST
 * stacks and never look at it).  An SMP kernel would swapgs to a per-CPU
 * area here instead. */
#include <machine/trap.h>

	.section .bss
	.balign 8
syscall_user_rsp:
	.quad 0

	.section .text
	.code64

	.globl x86_syscall_entry
	.type x86_syscall_entry, @function
x86_syscall_entry:
	movq %rsp, syscall_user_rsp(%rip)
	movq x86_kernel_rsp(%rip), %rsp
	pushq $SEL_UDATA                /* ss */
	pushq syscall_user_rsp(%rip)    /* rsp */
	pushq %r11                      /* rflags */
	pushq $SEL_UCODE                /* cs */
	pushq %rcx                      /* rip */
	pushq $0                        /* error */
	pushq $VEC_SYSCALL              /* vector */
	PUSH_GPRS
	movq %rsp, %rdi
	pushq $0                        /* a zero frame record ends backtraces */
	pushq $0
	movq %rsp, %rbp
	call x86_syscall
	addq $16, %rsp
	jmp trap_return
	.size x86_syscall_entry, . - x86_syscall_entry
