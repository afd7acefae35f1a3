/* _start for aarch64 user programs.  The kernel enters here with sp at
 * GNU Mach's initial stack (docs/abi.md):
 *
 *   [sp]        argc
 *   [sp, #8]    argv[0] .. argv[argc-1], NULL
 *               envp[0] .. NULL
 *               the strings
 *
 * main(argc, argv, envp) runs on a 16-byte aligned stack and its return
 * value becomes the exit status. */
	.section .text.start, "ax"
	.globl _start
	.type _start, %function
_start:
	mov x9, sp
	adrp x10, __machv_initial_sp
	str x9, [x10, :lo12:__machv_initial_sp]
	mov x29, #0                     /* the outermost frame */
	mov x30, #0
	ldr x0, [x9]                    /* argc */
	add x1, x9, #8                  /* argv */
	add x2, x1, x0, lsl #3
	add x2, x2, #8                  /* envp: past argv's NULL */
	and x9, x9, #~15
	mov sp, x9
	bl main
	bl exit
	brk #0
	.size _start, . - _start

	.bss
	.balign 8
	.globl __machv_initial_sp
__machv_initial_sp:
	.quad 0
