/* x86_64 entry: from a 32-bit loader to the higher-half kernel.
 *
 * Two loaders reach us, both in 32-bit protected mode with paging off:
 *   - PVH (QEMU -kernel, libvirt, Xen, Firecracker): %ebx = hvm_start_info,
 *     found through the XEN_ELFNOTE_PHYS32_ENTRY note below;
 *   - Multiboot2 (GRUB): %eax = 0x36d76289, %ebx = boot information.
 * Both go through the same path: build boot page tables, enable long mode,
 * jump to the higher half, call x86_boot(magic, info). */
#include <machine/param.h>

#define MB2_MAGIC         0xe85250d6
#define MB2_ARCH_I386     0
#define MB2_LOADER_MAGIC  0x36d76289
#define PVH_MAGIC         0x336ec578   /* XEN_HVM_START_MAGIC_VALUE */

#define CR0_PE  (1 << 0)
#define CR0_WP  (1 << 16)
#define CR0_PG  (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_PGE (1 << 7)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

#define PHYS(sym) ((sym) - KERNEL_VBASE)
#define PG_P  0x001
#define PG_W  0x002
#define PG_PS 0x080

/* ---- Multiboot2 header: must sit in the first 32 KiB, 8-byte aligned. ---- */
	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* entry address tag: enter at mb2_entry (physical) */
	.balign 8
	.word 3, 0
	.long 12
	.long mb2_entry
	/* end tag */
	.balign 8
	.word 0, 0
	.long 8
mb2_header_end:

/* ---- Xen PVH note: physical 32-bit entry point. ---- */
	.section .note.Xen, "a"
	.balign 4
	.long 4                 /* name size ("Xen\0") */
	.long 4                 /* descriptor size */
	.long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long pvh_entry

	.section .boot.text, "ax"
	.code32

	.globl pvh_entry
pvh_entry:
	cli
	cld
	movl $PVH_MAGIC, %esi
	movl %ebx, %edi
	jmp common32

	.globl mb2_entry
mb2_entry:
	cli
	cld
	cmpl $MB2_LOADER_MAGIC, %eax
	jne no_long_mode            /* not a Multiboot2 loader: nothing to do */
	movl %eax, %esi
	movl %ebx, %edi

/* %esi = magic, %edi = boot information (physical). */
common32:
	movl $boot_stack_top, %esp

	/* Long mode is required. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz no_long_mode
	movl %edx, %ebp             /* keep the extended feature bits (NX) */

	/* Clear the boot page tables (7 pages). */
	movl $PHYS(boot_pml4), %edx
	pushl %edi
	movl %edx, %edi
	xorl %eax, %eax
	movl $(7 * 4096 / 4), %ecx
	rep stosl
	popl %edi

	/* PD0..PD3: 2 MiB pages covering physical 0..4 GiB. */
	movl $PHYS(boot_pd), %ebx
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $(PG_P | PG_W | PG_PS), %eax
	movl %eax, (%ebx, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax              /* bits 32+ of (ecx << 21) */
	movl %eax, 4(%ebx, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jb 1b

	/* Low PDPT: four entries, one per PD. */
	movl $PHYS(boot_pdpt_low), %ebx
	movl $PHYS(boot_pd), %eax
	orl $(PG_P | PG_W), %eax
	movl %eax, 0(%ebx)
	addl $4096, %eax
	movl %eax, 8(%ebx)
	addl $4096, %eax
	movl %eax, 16(%ebx)
	addl $4096, %eax
	movl %eax, 24(%ebx)

	/* High PDPT: entry 510 maps -2 GiB onto physical 0..1 GiB. */
	movl $PHYS(boot_pdpt_high), %ebx
	movl $PHYS(boot_pd), %eax
	orl $(PG_P | PG_W), %eax
	movl %eax, (510 * 8)(%ebx)

	/* PML4: identity (0), direct map (256) and kernel image (511). */
	movl $PHYS(boot_pml4), %ebx
	movl $PHYS(boot_pdpt_low), %eax
	orl $(PG_P | PG_W), %eax
	movl %eax, 0(%ebx)
	movl %eax, (256 * 8)(%ebx)
	movl $PHYS(boot_pdpt_high), %eax
	orl $(PG_P | PG_W), %eax
	movl %eax, (511 * 8)(%ebx)

	/* Enable PAE and global pages, load CR3, set EFER.LME (+NXE when the
	 * CPU has NX), then turn paging on with write-protect. */
	movl %cr4, %eax
	orl $(CR4_PAE | CR4_PGE), %eax
	movl %eax, %cr4
	movl $PHYS(boot_pml4), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	testl $(1 << 20), %ebp
	jz 2f
	orl $EFER_NXE, %eax
2:	wrmsr
	movl %cr0, %eax
	orl $(CR0_PE | CR0_PG | CR0_WP), %eax
	movl %eax, %cr0

	lgdt boot_gdt_desc
	ljmp $0x08, $long_mode_low

no_long_mode:
	hlt
	jmp no_long_mode

	.code64
long_mode_low:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movabsq $start64, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.balign 16
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff    /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff    /* 0x10: data */
boot_gdt_end:
	.balign 4
	.word 0
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.balign 16
boot_stack:
	.space 1024
boot_stack_top:

/* ---- 64-bit, higher half. ---- */
	.section .text.entry, "ax"
	.code64
start64:
	movabsq $kernel_boot_stack_top, %rsp
	xorl %ebp, %ebp
	pushq $0                    /* terminates backtraces */
	pushq $0
	movq %rsp, %rbp
	/* x86_boot(magic, info) */
	movl %esi, %eax             /* zero-extends both */
	movl %edi, %esi
	movl %eax, %edi
	call x86_boot
1:	cli
	hlt
	jmp 1b

	.section .bss
	.balign 4096
	.globl boot_pml4
boot_pml4:      .space 4096
boot_pdpt_low:  .space 4096
boot_pdpt_high: .space 4096
boot_pd:        .space 4 * 4096
	.globl kernel_boot_stack, kernel_boot_stack_top
kernel_boot_stack:
	.space 16384
kernel_boot_stack_top:
