/* void riscv_user_frame_enter(struct trap_frame *tf)
 *
 * Enter user mode through the user frame tf at the top of the running
 * thread's kernel stack (arch_user_frame_set built it, its sstatus is the
 * user's): the same exit as trap_entry.S's return to user mode, which
 * leaves sscratch at the top of the stack for the next trap.  Interrupts
 * are off (the caller). */
#include <machine/csr.h>
#include <machine/trap.h>

	.section .text
	.balign 4
	.globl riscv_user_frame_enter
riscv_user_frame_enter:
	csrci sstatus, SSTATUS_SIE
	mv sp, a0
	ld t1, TF_SEPC(sp)
	ld t2, TF_SSTATUS(sp)
	csrw sepc, t1
	csrw sstatus, t2
	addi t0, sp, TF_STACK_ALLOC
	csrw sscratch, t0
	ld x1, 1*8(sp)
	.irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld x\n, \n*8(sp)
	.endr
	ld sp, 2*8(sp)
	sret
