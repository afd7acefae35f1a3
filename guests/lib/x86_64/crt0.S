/* _start for x86_64 user programs.  The kernel enters here with %rsp at
 * GNU Mach's initial stack (docs/abi.md):
 *
 *   (%rsp)      argc
 *   8(%rsp)     argv[0] .. argv[argc-1], NULL
 *               envp[0] .. NULL
 *               the strings
 *
 * main(argc, argv, envp) runs on a 16-byte aligned stack (as the SysV ABI
 * wants before a call) and its return value becomes the exit status. */
	.section .text.start, "ax"
	.globl _start
	.type _start, @function
_start:
	mov %rsp, __machv_initial_sp(%rip)
	xor %ebp, %ebp                  /* the outermost frame */
	mov (%rsp), %rdi                /* argc */
	lea 8(%rsp), %rsi               /* argv */
	lea 8(%rsi,%rdi,8), %rdx        /* envp: past argv's NULL */
	and $-16, %rsp
	call main
	mov %eax, %edi
	call exit
	ud2
	.size _start, . - _start

	.bss
	.balign 8
	.globl __machv_initial_sp
__machv_initial_sp:
	.quad 0
