/* Copying to and from user memory (kern/arch.h):
 *   int arch_copy_from_user(void *dst, const void *usrc, size_t len);
 *   int arch_copy_to_user(void *udst, const void *src, size_t len);
 * Both are a memcpy with the SMAP window open (stac ... clac) around a
 * rep movsq for the 8-byte words and a rep movsb for the rest (a byte at
 * a time would cost one iteration per byte, which is what a message's
 * header and body mostly are).  Both instructions are in the exception
 * table: a page fault on either first goes to uaccess_fault() (traps.c),
 * and the copy resumes where it stopped (a rep string instruction keeps
 * its progress in rcx/rsi/rdi); a fault that cannot be resolved continues
 * at the fixup, which returns K_EFAULT.  Callers (src/kern/uaccess.c)
 * have checked the user range already.
 *
 * stac and clac fault on a CPU without SMAP, hence the test of
 * x86_smap_enabled (cpu.c). */
#include <kern/errno.h>

	.section .text
	.code64

	.globl arch_copy_from_user, arch_copy_to_user
	.globl x86_uaccess_copy_insn, x86_uaccess_copy_tail
	.type arch_copy_from_user, @function
	.type arch_copy_to_user, @function
arch_copy_from_user:
arch_copy_to_user:
	movq %rdx, %rcx
	shrq $3, %rcx
	andl $7, %edx
	testb $1, x86_smap_enabled(%rip)
	jz x86_uaccess_copy_insn
	stac
x86_uaccess_copy_insn:
	rep movsq
	movl %edx, %ecx
x86_uaccess_copy_tail:
	rep movsb
	xorl %eax, %eax
	jmp 2f
1:	movl $K_EFAULT, %eax
2:	testb $1, x86_smap_enabled(%rip)
	jz 3f
	clac
3:	ret
	.size arch_copy_from_user, . - arch_copy_from_user
	.size arch_copy_to_user, . - arch_copy_to_user

	.pushsection .extable, "a"
	.balign 8
	.quad x86_uaccess_copy_insn, 1b
	.quad x86_uaccess_copy_tail, 1b
	.popsection
