/* Moving the FP registers (f0-f31, fcsr) between the unit and a struct
 * fpu_state (machine/thread.h).
 *
 * The kernel is built for rv64imac, so neither the compiler nor the
 * assembler will emit FP instructions here: fsd and fld are spelled with
 * .insn (S-type and I-type, opcodes STORE-FP 0x27 and LOAD-FP 0x07, width
 * 3 = doubleword) and fcsr by its CSR number, 0x003.  The kernel runs with
 * sstatus.FS off; each routine turns the unit on for its own accesses and
 * off again before returning.  Callers have checked the hart has D. */
#include <machine/csr.h>
#include <machine/thread.h>

#define CSR_FCSR 0x003

	.section .text
	.balign 4

/* riscv_fpu_save(struct fpu_state *a0) */
	.globl riscv_fpu_save
riscv_fpu_save:
	li t0, SSTATUS_FS
	csrs sstatus, t0
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.insn s 0x27, 3, x\n, FPU_F(\n)(a0)          /* fsd f\n */
	.endr
	csrr t1, CSR_FCSR
	sd t1, FPU_FCSR(a0)
	csrc sstatus, t0
	ret

/* riscv_fpu_load(const struct fpu_state *a0) */
	.globl riscv_fpu_load
riscv_fpu_load:
	li t0, SSTATUS_FS
	csrs sstatus, t0
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.insn i 0x07, 3, x\n, FPU_F(\n)(a0)          /* fld f\n */
	.endr
	ld t1, FPU_FCSR(a0)
	csrw CSR_FCSR, t1
	csrc sstatus, t0
	ret
