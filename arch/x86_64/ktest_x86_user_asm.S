/* Assembly for the user-mode self-tests (ktest_x86_user.c).
 *
 * x86_smep_probe(code): call a user page from the kernel.  With SMEP the
 * fetch faults; the exception table entry for the page's fixed address
 * resumes at the fixup (the call has pushed its return address already),
 * which returns 0.  Without SMEP the page's ret comes back and it
 * returns 1.
 *
 * kt_user_regs: a position-independent user program.  It gives twelve
 * general registers and all sixteen xmm registers known values, then
 * until arg (rdi) nanoseconds have passed checks them over and over,
 * making a syscall (machv_clock_ns) every 1024 rounds.  Interrupts and
 * preemption land anywhere in the loop, syscalls in a known place; each
 * must hand every register back untouched except rax, rcx and r11 (the
 * syscall's result and what the instruction itself clobbers).  It exits
 * with status 0, or 1 for a general register, 2 for an xmm register,
 * 3 for a zero argument. */
#include <machine/trap.h>

#define SMEP_PROBE_VA 0x3f000000

#define TRAP_MACHV_EXIT     (-200)
#define TRAP_MACHV_CLOCK_NS (-202)

	.section .text
	.code64

	.globl x86_smep_probe
	.type x86_smep_probe, @function
x86_smep_probe:
	call *%rdi
	movl $1, %eax
	ret
smep_fixup:
	addq $8, %rsp               /* the call's return address */
	xorl %eax, %eax
	ret
	.size x86_smep_probe, . - x86_smep_probe

	.pushsection .extable, "a"
	.balign 8
	.quad SMEP_PROBE_VA, smep_fixup
	.popsection

	.section .rodata
	.globl kt_user_regs, kt_user_regs_end
	.balign 16
kt_user_regs:
	testq %rdi, %rdi
	jz 93f
	movq %rdi, %r12             /* how long to run */
	movq $TRAP_MACHV_CLOCK_NS, %rax
	syscall
	addq %r12, %rax
	subq $32, %rsp
	movq %rax, 16(%rsp)         /* the deadline; 0..15(%rsp) is scratch */
	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movq $(0x5a5a0000 + \n), %rax
	movq %rax, %xmm\n
	punpcklqdq %xmm\n, %xmm\n    /* both halves */
	.endr
	movq $0x1001, %rbx
	movq $0x1002, %rbp
	movq $0x1003, %rsi
	movq $0x1004, %rdi
	movq $0x1005, %rdx
	movq $0x1008, %r8
	movq $0x1009, %r9
	movq $0x1010, %r10
	movq $0x1012, %r12
	movq $0x1013, %r13
	movq $0x1014, %r14
	movq $0x1015, %r15
	xorl %ecx, %ecx
1:	cmpq $0x1001, %rbx; jne 91f
	cmpq $0x1002, %rbp; jne 91f
	cmpq $0x1003, %rsi; jne 91f
	cmpq $0x1004, %rdi; jne 91f
	cmpq $0x1005, %rdx; jne 91f
	cmpq $0x1008, %r8; jne 91f
	cmpq $0x1009, %r9; jne 91f
	cmpq $0x1010, %r10; jne 91f
	cmpq $0x1012, %r12; jne 91f
	cmpq $0x1013, %r13; jne 91f
	cmpq $0x1014, %r14; jne 91f
	cmpq $0x1015, %r15; jne 91f
	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu %xmm\n, (%rsp)
	cmpq $(0x5a5a0000 + \n), (%rsp); jne 92f
	cmpq $(0x5a5a0000 + \n), 8(%rsp); jne 92f
	.endr
	incq %rcx
	testq $1023, %rcx
	jnz 1b
	movq $TRAP_MACHV_CLOCK_NS, %rax
	syscall                     /* clobbers rcx: the round count restarts */
	xorl %ecx, %ecx
	cmpq 16(%rsp), %rax
	jb 1b
	xorl %edi, %edi
	jmp 99f
91:	movl $1, %edi
	jmp 99f
92:	movl $2, %edi
	jmp 99f
93:	movl $3, %edi
99:	movq $TRAP_MACHV_EXIT, %rax
	syscall
	ud2
kt_user_regs_end:
