/* Trap entry (stvec, direct mode): every exception and interrupt lands here,
 * from the kernel or from user mode.
 *
 * sscratch tells the two apart.  It is 0 while the kernel runs; on the way
 * out to user mode it is set to the top of the thread's kernel stack.  So
 * the first instruction, csrrw sp, sscratch, sp, gives:
 *   - from the kernel: sp = 0 (swapped straight back, sscratch stays 0);
 *   - from user mode: sp = the kernel stack top, sscratch = the user sp,
 *     which is saved and sscratch zeroed before anything can trap again.
 * Either way the frame (struct trap_frame, machine/trap.h) goes below sp:
 * below the interrupted sp for a kernel trap, at the very top of the
 * thread's kernel stack for a user trap (riscv_user_trap then knows where
 * every user register is, and arch_enter_user builds the same frame there).
 *
 * The live sstatus loses SUM and FS once the interrupted value is saved:
 * whatever was interrupted (a user copy with SUM set, user code with the FP
 * unit on), the handler, and any thread it switches to, run with user
 * memory closed and the FP unit off.  The exit path restores both from the
 * frame.
 *
 * Above the frame sits a frame record, {s0, sepc} of the interrupted kernel
 * code with s0 pointing just above it, so a backtrace taken inside a
 * handler walks through the trap into what was interrupted; for a user trap
 * it is {0, 0}, where backtraces stop. */
#include <machine/csr.h>
#include <machine/trap.h>

#define ALLOC TF_STACK_ALLOC

/* x1 and x3..x31 at 8*n (x2, sp, is stored by the callers). */
.macro SAVE_GPRS
	sd x1, 1*8(sp)
	.irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd x\n, \n*8(sp)
	.endr
.endm

.macro RESTORE_GPRS
	ld x1, 1*8(sp)
	.irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld x\n, \n*8(sp)
	.endr
.endm

/* sepc, sstatus, scause, stval into the frame; sepc stays in t1.  Then
 * close user memory and the FP unit. */
.macro SAVE_CSRS
	csrr t1, sepc
	csrr t2, sstatus
	csrr t3, scause
	csrr t4, stval
	sd t1, TF_SEPC(sp)
	sd t2, TF_SSTATUS(sp)
	sd t3, TF_SCAUSE(sp)
	sd t4, TF_STVAL(sp)
	sd zero, 0(sp)
	li t0, SSTATUS_SUM | SSTATUS_FS
	csrc sstatus, t0
.endm

	.section .text
	.balign 4
	.globl trap_entry
trap_entry:
	csrrw sp, sscratch, sp
	bnez sp, from_user
	csrrw sp, sscratch, sp          /* from the kernel: sscratch is 0 again */

	addi sp, sp, -ALLOC
	SAVE_GPRS
	addi t0, sp, ALLOC
	sd t0, 2*8(sp)                  /* the interrupted sp */
	SAVE_CSRS

	/* Frame record {s0, sepc} at the top; s0 points above it. */
	sd s0, TF_SIZE(sp)
	sd t1, TF_SIZE + 8(sp)
	mv s0, t0

	mv a0, sp
	call riscv_trap

	/* The handler may have changed sepc (exception fixups, ebreak);
	 * sstatus gives back SPP/SPIE and the interrupted SUM. */
	ld t1, TF_SEPC(sp)
	ld t2, TF_SSTATUS(sp)
	csrw sepc, t1
	csrw sstatus, t2
	RESTORE_GPRS
	addi sp, sp, ALLOC
	sret

from_user:
	/* sp = the top of this thread's kernel stack, sscratch = the user sp. */
	addi sp, sp, -ALLOC
	SAVE_GPRS
	csrr t0, sscratch
	sd t0, 2*8(sp)
	csrw sscratch, zero             /* in the kernel now */
	SAVE_CSRS
	sd zero, TF_SIZE(sp)            /* frame record {0, 0}: backtraces end */
	sd zero, TF_SIZE + 8(sp)
	addi s0, sp, ALLOC

	mv a0, sp
	call riscv_user_trap
	/* fall through */

/* Return to user mode from the frame at sp.  Interrupts are off. */
riscv_user_return:
	ld t1, TF_SEPC(sp)
	ld t2, TF_SSTATUS(sp)
	csrw sepc, t1
	csrw sstatus, t2                /* SPP = 0, SPIE = 1, the thread's FS */
	addi t0, sp, ALLOC
	csrw sscratch, t0               /* where the next user trap finds its stack */
	RESTORE_GPRS
	ld sp, 2*8(sp)
	sret

/* arch_enter_user(pc, sp, arg) (kern/arch.h): leave the kernel for good on
 * this stack, entering user mode at pc.  Nothing on the kernel stack is
 * needed any more, so the user frame is built right at its top, with the
 * C half (riscv_user_frame_init) running below it, and left through the
 * ordinary return path. */
	.globl arch_enter_user
arch_enter_user:
	csrci sstatus, SSTATUS_SIE
	mv s1, a0
	mv s2, a1
	mv s3, a2
	call riscv_kstack_top           /* the top of this thread's kernel stack */
	addi sp, a0, -ALLOC
	sd zero, TF_SIZE(sp)            /* frame record {0, 0} */
	sd zero, TF_SIZE + 8(sp)
	li s0, 0
	mv a0, sp
	mv a1, s1
	mv a2, s2
	mv a3, s3
	call riscv_user_frame_init
	j riscv_user_return
