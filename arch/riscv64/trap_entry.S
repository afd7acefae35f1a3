/* Trap entry (stvec, direct mode): every exception and interrupt lands here.
 *
 * Only the kernel runs for now, so a trap always arrives on a kernel stack:
 * the frame (struct trap_frame, machine/trap.h) goes right below the
 * interrupted sp.  (User mode will add an sscratch swap to find the
 * kernel stack; sscratch is kept 0 while in the kernel for that reason.)
 *
 * Above the frame sits a frame record for the interrupted code, {its s0,
 * sepc}, with s0 pointing just above it, so a backtrace taken inside a
 * handler walks through the trap into what was interrupted. */
#include <machine/trap.h>

#define FRAME_RECORD 16
#define ALLOC (TF_SIZE + FRAME_RECORD)

	.section .text
	.balign 4
	.globl trap_entry
trap_entry:
	addi sp, sp, -ALLOC
	sd x1, 1*8(sp)
	sd x3, 3*8(sp)
	sd x4, 4*8(sp)
	sd x5, 5*8(sp)
	sd x6, 6*8(sp)
	sd x7, 7*8(sp)
	sd x8, 8*8(sp)
	sd x9, 9*8(sp)
	sd x10, 10*8(sp)
	sd x11, 11*8(sp)
	sd x12, 12*8(sp)
	sd x13, 13*8(sp)
	sd x14, 14*8(sp)
	sd x15, 15*8(sp)
	sd x16, 16*8(sp)
	sd x17, 17*8(sp)
	sd x18, 18*8(sp)
	sd x19, 19*8(sp)
	sd x20, 20*8(sp)
	sd x21, 21*8(sp)
	sd x22, 22*8(sp)
	sd x23, 23*8(sp)
	sd x24, 24*8(sp)
	sd x25, 25*8(sp)
	sd x26, 26*8(sp)
	sd x27, 27*8(sp)
	sd x28, 28*8(sp)
	sd x29, 29*8(sp)
	sd x30, 30*8(sp)
	sd x31, 31*8(sp)
	addi t0, sp, ALLOC
	sd t0, 2*8(sp)                  /* the interrupted sp */
	csrr t1, sepc
	csrr t2, sstatus
	csrr t3, scause
	csrr t4, stval
	sd t1, TF_SEPC(sp)
	sd t2, TF_SSTATUS(sp)
	sd t3, TF_SCAUSE(sp)
	sd t4, TF_STVAL(sp)
	sd zero, 0(sp)

	/* Frame record {s0, sepc} at the top; s0 points above it. */
	sd s0, TF_SIZE(sp)
	sd t1, TF_SIZE + 8(sp)
	mv s0, t0

	mv a0, sp
	call riscv_trap

	/* The handler may have changed sepc (exception fixups, ebreak) and
	 * sstatus is restored for SPP/SPIE. */
	ld t1, TF_SEPC(sp)
	ld t2, TF_SSTATUS(sp)
	csrw sepc, t1
	csrw sstatus, t2
	ld x1, 1*8(sp)
	ld x3, 3*8(sp)
	ld x4, 4*8(sp)
	ld x5, 5*8(sp)
	ld x6, 6*8(sp)
	ld x7, 7*8(sp)
	ld x8, 8*8(sp)
	ld x9, 9*8(sp)
	ld x10, 10*8(sp)
	ld x11, 11*8(sp)
	ld x12, 12*8(sp)
	ld x13, 13*8(sp)
	ld x14, 14*8(sp)
	ld x15, 15*8(sp)
	ld x16, 16*8(sp)
	ld x17, 17*8(sp)
	ld x18, 18*8(sp)
	ld x19, 19*8(sp)
	ld x20, 20*8(sp)
	ld x21, 21*8(sp)
	ld x22, 22*8(sp)
	ld x23, 23*8(sp)
	ld x24, 24*8(sp)
	ld x25, 25*8(sp)
	ld x26, 26*8(sp)
	ld x27, 27*8(sp)
	ld x28, 28*8(sp)
	ld x29, 29*8(sp)
	ld x30, 30*8(sp)
	ld x31, 31*8(sp)
	addi sp, sp, ALLOC
	sret
