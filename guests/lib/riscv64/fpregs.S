/* unsigned fp_load_spin_store(const void *in, void *out, uint64_t spins)
 *
 * For fpcheck: load f0..f31 from in (a 32-byte slot per register), spin
 * spins times on integer work only, store them to out, and return
 * (registers << 8) | bytes per register.
 *
 * User programs are built for rv64imac (no F/D), so the assembler would
 * refuse fld/fsd: they are spelled out as instruction words here.  The
 * hart has D; the kernel must have turned the FP unit on for user mode
 * (sstatus.FS), which is part of what this checks.  The lp64 ABI keeps no
 * value in FP registers across calls, so none is saved. */
	/* fld fN, off(a0):  off[11:0] | rs1=a0(10) | 011 | rd | 0000111 */
	.macro FLD_A0 n, off
	.word (\off << 20) | (10 << 15) | (3 << 12) | (\n << 7) | 0x07
	.endm
	/* fsd fN, off(a1):  off[11:5] | rs2 | rs1=a1(11) | 011 | off[4:0] | 0100111 */
	.macro FSD_A1 n, off
	.word ((\off >> 5) << 25) | (\n << 20) | (11 << 15) | (3 << 12) | ((\off & 31) << 7) | 0x27
	.endm

	.text
	.globl fp_load_spin_store
	.type fp_load_spin_store, @function
fp_load_spin_store:
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	FLD_A0 \i, 32*\i
	.endr
1:	addi a2, a2, -1
	bnez a2, 1b
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	FSD_A1 \i, 32*\i
	.endr
	li a0, (32 << 8 | 8)
	ret
	.size fp_load_spin_store, . - fp_load_spin_store
