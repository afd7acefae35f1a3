/* The kernel context switch and a new thread's first instructions.
 *
 * riscv_context_switch(from, to): a0, a1 point at struct arch_thread.  Only
 * what the calling convention asks a callee to preserve is saved (ra, sp,
 * s0-s11): the caller, arch_context_switch(), is an ordinary C function, so
 * the compiler has saved everything else it still needs.  Returning with
 * to's ra and sp resumes to where it called this, or, for a thread that
 * never ran, at riscv_thread_start (arch_thread_init set ra to it). */
#include <machine/thread.h>

	.section .text
	.balign 4
	.globl riscv_context_switch
riscv_context_switch:
	sd ra, CTX_RA(a0)
	sd sp, CTX_SP(a0)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11
	sd s\n, CTX_S(\n)(a0)
	.endr
	ld ra, CTX_RA(a1)
	ld sp, CTX_SP(a1)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11
	ld s\n, CTX_S(\n)(a1)
	.endr
	ret

/* A new thread, on the top of its empty kernel stack.  s0 is 0 so that a
 * backtrace ends here; thread_bootstrap() (kern/thread.h) never returns: it
 * runs the thread's function and then thread_exit(). */
	.globl riscv_thread_start
riscv_thread_start:
	li s0, 0
	call thread_bootstrap
	unimp
