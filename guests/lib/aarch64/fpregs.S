/* unsigned fp_load_spin_store(const void *in, void *out, uint64_t spins)
 *
 * For fpcheck: load v0..v31 from in (a 32-byte slot per register), spin
 * spins times on integer work only, store them to out, and return
 * (registers << 8) | bytes per register.  d8..d15 are callee-saved
 * (AAPCS64) and restored before returning. */
	.text
	.globl fp_load_spin_store
	.type fp_load_spin_store, %function
fp_load_spin_store:
	stp d8, d9, [sp, #-64]!
	stp d10, d11, [sp, #16]
	stp d12, d13, [sp, #32]
	stp d14, d15, [sp, #48]
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ldr q\i, [x0, #32*\i]
	.endr
1:	subs x2, x2, #1
	b.ne 1b
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	str q\i, [x1, #32*\i]
	.endr
	ldp d10, d11, [sp, #16]
	ldp d12, d13, [sp, #32]
	ldp d14, d15, [sp, #48]
	ldp d8, d9, [sp], #64
	mov x0, #(32 << 8 | 16)
	ret
	.size fp_load_spin_store, . - fp_load_spin_store
