/* _start for riscv64 user programs.  The kernel enters here with sp at
 * GNU Mach's initial stack (docs/abi.md):
 *
 *   0(sp)       argc
 *   8(sp)       argv[0] .. argv[argc-1], NULL
 *               envp[0] .. NULL
 *               the strings
 *
 * main(argc, argv, envp) runs on a 16-byte aligned stack and its return
 * value becomes the exit status.  The programs are linked without
 * relaxation, so nothing is addressed through gp and it is left alone. */
	.section .text.start, "ax"
	.globl _start
	.type _start, @function
_start:
	la t0, __machv_initial_sp
	sd sp, 0(t0)
	li fp, 0                        /* the outermost frame */
	li ra, 0
	ld a0, 0(sp)                    /* argc */
	addi a1, sp, 8                  /* argv */
	slli t1, a0, 3
	add a2, a1, t1
	addi a2, a2, 8                  /* envp: past argv's NULL */
	andi sp, sp, -16
	call main
	call exit
	unimp
	.size _start, . - _start

	.bss
	.balign 8
	.globl __machv_initial_sp
__machv_initial_sp:
	.dword 0
