/* Entry of a program started by GNU Mach's bootstrap (a boot module with
 * $(task-create) $(task-resume)): the initial stack holds argc, then the
 * argv pointers and a NULL, then the environment and a NULL.  main's
 * return value is printed by main itself; the task then asks to be
 * terminated, as GNU Mach has no exit trap. */
	.text
	.globl _start
	.type _start, @function
_start:
	xor %ebp, %ebp
	mov (%rsp), %rdi                /* argc */
	lea 8(%rsp), %rsi               /* argv */
	and $-16, %rsp
	call main
	mov %eax, %edi
	call gm_exit
	ud2
	.size _start, . - _start
