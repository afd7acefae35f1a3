/* unsigned fp_load_spin_store(const void *in, void *out, uint64_t spins)
 *
 * For fpcheck: load every SIMD register from in (a 32-byte slot per
 * register), spin spins times on integer work only, store every register
 * to out, and return (registers << 8) | bytes per register.  The ymm
 * registers (32 bytes) when the CPU has AVX and the kernel enabled it in
 * XCR0; else xmm (16 bytes).  xmm/ymm are all caller-saved in the SysV ABI. */
	.text
	.globl fp_load_spin_store
	.type fp_load_spin_store, @function
fp_load_spin_store:
	push %rbx
	mov %rdx, %r8                   /* spins */
	mov %rdi, %r9                   /* in */
	mov $1, %eax
	cpuid
	bt $27, %ecx                    /* OSXSAVE: the kernel uses XSAVE */
	jnc .Lsse
	bt $28, %ecx                    /* AVX */
	jnc .Lsse
	xor %ecx, %ecx
	xgetbv
	and $6, %eax                    /* XCR0: SSE and AVX state enabled */
	cmp $6, %eax
	jne .Lsse

	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu 32*\i(%r9), %ymm\i
	.endr
1:	dec %r8
	jnz 1b
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu %ymm\i, 32*\i(%rsi)
	.endr
	vzeroupper
	mov $(16 << 8 | 32), %eax
	pop %rbx
	ret

.Lsse:
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu 32*\i(%r9), %xmm\i
	.endr
2:	dec %r8
	jnz 2b
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu %xmm\i, 32*\i(%rsi)
	.endr
	mov $(16 << 8 | 16), %eax
	pop %rbx
	ret
	.size fp_load_spin_store, . - fp_load_spin_store
