/* aarch64 entry: from a Linux-arm64-style loader to the higher-half kernel.
 *
 * Loaders (QEMU -kernel, U-Boot booti, Xen) load the Image at any 2 MiB
 * aligned address (the header below says so) and enter its first byte with
 * the MMU and D-cache off, x0 = the device tree's physical address, at EL1
 * or EL2.  This code drops from EL2 to EL1, builds the boot page tables,
 * turns the MMU on and jumps to the link address:
 *
 *   TTBR0  identity map of the gigabyte holding the image (for the switch)
 *   TTBR1  the image at KERNEL_VBASE in 2 MiB blocks, and the gigabytes
 *          holding the image and the device tree in the direct map
 *          (aarch64_boot() adds the rest of RAM once it has read the tree)
 *
 * Until the MMU is on, only PC-relative addressing (adr/adrp) is used: the
 * image runs wherever it was put.  Then TTBR0 walks are switched off, so
 * that nothing is mapped at low addresses, and aarch64_boot(dtb, load
 * address, entry EL) runs on the boot stack. */
#include <machine/param.h>
#include <machine/cpu.h>

/* Image header flags: little endian (bit 0 = 0), 4 KiB pages (bits 1-2 =
 * 1), placed anywhere 2 MiB aligned (bit 3). */
#define IMAGE_FLAGS ((1 << 1) | (1 << 3))

/* Block descriptors: valid, normal memory (attribute 0), inner shareable,
 * access flag set; the image executable, everything else not. */
#define BLOCK_NORMAL 0x701
#define BLOCK_PXN    (1 << 53)
#define BLOCK_UXN    (1 << 54)
#define DESC_TABLE   3

	.section .text.head, "ax"
	.globl _head
_head:
	b	primary_entry            /* code0 */
	.long	0                        /* code1 */
	.quad	0                        /* text_offset */
	.quad	_kernel_end - _head      /* image_size: bss and symbols included */
	.quad	IMAGE_FLAGS
	.quad	0, 0, 0                  /* res2..res4 */
	.ascii	"ARM\x64"                /* magic */
	.long	0                        /* res5: no PE/COFF header */

/* Register use until C: x19 DTB, x20 load address, x21/x22 bss start/end,
 * x23 D-cache line size, x24 the exception level we were entered at. */
primary_entry:
	mov	x19, x0
	msr	daifset, #0xf
	mrs	x24, CurrentEL
	lsr	x24, x24, #2
	cmp	x24, #2
	b.ne	1f
	bl	el2_to_el1
1:	cmp	x24, #2
	b.hi	boot_hang                /* EL3: secure firmware's job, not ours */
	ldr	x0, =SCTLR_MMU_OFF
	msr	sctlr_el1, x0
	isb

	adr	x20, _head
	tst	x20, #0x1fffff
	b.ne	boot_hang                /* the 2 MiB blocks need 2 MiB alignment */

	adrp	x21, _bss
	add	x21, x21, :lo12:_bss
	adrp	x22, _ebss
	add	x22, x22, :lo12:_ebss
	mrs	x0, ctr_el0
	ubfx	x0, x0, #16, #4          /* DminLine: log2 of words */
	mov	x23, #4
	lsl	x23, x23, x0

	/* With the MMU off our stores go straight to memory; stale lines for
	 * the same addresses must neither be written back over them nor be
	 * what the cached walks and loads see once the MMU is on. */
	bl	inval_bss
	mov	x0, x21
2:	stp	xzr, xzr, [x0], #16
	cmp	x0, x22
	b.lo	2b
	bl	build_boot_tables
	bl	inval_bss

	ldr	x0, =MAIR_VALUE
	msr	mair_el1, x0
	ldr	x0, =TCR_VALUE
	mrs	x1, id_aa64mmfr0_el1
	and	x1, x1, #0xf             /* PARange, capped at 48 bits */
	mov	x2, #5
	cmp	x1, x2
	csel	x1, x1, x2, ls
	bfi	x0, x1, #TCR_IPS_SHIFT, #3
	msr	tcr_el1, x0
	adrp	x0, boot_idmap_l0
	msr	ttbr0_el1, x0
	adrp	x0, boot_root
	msr	ttbr1_el1, x0
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	ldr	x0, =SCTLR_MMU_ON
	msr	sctlr_el1, x0
	isb
	ic	iallu
	dsb	nsh
	isb
	ldr	x0, =primary_high
	br	x0

primary_high:
	adrp	x0, boot_stack_top
	add	sp, x0, :lo12:boot_stack_top
	ldr	x0, =_head                /* link address - load address */
	sub	x0, x0, x20
	adrp	x1, kernel_va_offset
	str	x0, [x1, :lo12:kernel_va_offset]
	mrs	x0, tcr_el1
	orr	x0, x0, #TCR_EPD0
	msr	tcr_el1, x0
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	mov	x29, xzr                 /* the end of every backtrace */
	mov	x30, xzr
	mov	x0, x19
	mov	x1, x20
	mov	x2, x24
	bl	aarch64_boot
boot_hang:
	wfe
	b	boot_hang

/* Entered at EL2 (QEMU -M virt,virtualization=on, or a hypervisor-less
 * board): give EL1 the machine and return to x30 at EL1 with everything
 * masked.  Nothing is trapped to EL2, which stays empty. */
el2_to_el1:
	mov	x0, #HCR_RW
	msr	hcr_el2, x0
	mrs	x0, cnthctl_el2
	orr	x0, x0, #(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr         /* virtual counter = physical counter */
	mov	x0, #CPTR_EL2_RES1
	msr	cptr_el2, x0
	msr	hstr_el2, xzr
	mrs	x0, midr_el1
	msr	vpidr_el2, x0
	mrs	x0, mpidr_el1
	msr	vmpidr_el2, x0
	/* A GICv3 CPU interface: let EL1 use its system registers. */
	mrs	x0, id_aa64pfr0_el1
	ubfx	x0, x0, #24, #4
	cbz	x0, 1f
	mrs	x0, icc_sre_el2
	orr	x0, x0, #0x1             /* SRE */
	orr	x0, x0, #0x8             /* Enable: EL1 may use ICC_SRE_EL1 */
	msr	icc_sre_el2, x0
	isb
	msr	ich_hcr_el2, xzr
1:	ldr	x0, =SCTLR_MMU_OFF
	msr	sctlr_el1, x0
	mov	x0, #SPSR_EL1H_MASKED
	msr	spsr_el2, x0
	msr	elr_el2, x30
	isb
	eret

/* Invalidate the data cache lines of [x21, x22). */
inval_bss:
	sub	x1, x23, #1
	bic	x0, x21, x1
1:	dc	ivac, x0
	add	x0, x0, x23
	cmp	x0, x22
	b.lo	1b
	dsb	sy
	ret

/* Direct-map entry for the gigabyte holding the physical address in \pa
 * (x0 = the direct map's level-1 table); addresses from 512 GiB up are
 * left for aarch64_boot() to refuse. */
.macro DMAP_GIB pa
	lsr	x2, \pa, #30
	cmp	x2, #512
	b.hs	9f
	lsl	x3, x2, #30
	orr	x3, x3, x4
	str	x3, [x0, x2, lsl #3]
9:
.endm

build_boot_tables:
	/* Identity: the gigabyte holding the image's start, and the one
	 * holding its end if that is another one under the same level-1
	 * table (an image over 2 MiB may cross a gigabyte boundary). */
	adrp	x0, boot_idmap_l0
	adrp	x1, boot_idmap_l1
	ubfx	x2, x20, #39, #9
	orr	x3, x1, #DESC_TABLE
	str	x3, [x0, x2, lsl #3]
	mov	x4, #BLOCK_NORMAL
	lsr	x2, x20, #30
	lsl	x3, x2, #30
	orr	x3, x3, x4
	and	x2, x2, #511
	str	x3, [x1, x2, lsl #3]
	adrp	x5, _kernel_end
	sub	x5, x5, #1
	eor	x6, x5, x20
	lsr	x6, x6, #39
	cbnz	x6, 4f                   /* beyond this level-1 table: unsupported */
	lsr	x2, x5, #30
	lsl	x3, x2, #30
	orr	x3, x3, x4
	and	x2, x2, #511
	str	x3, [x1, x2, lsl #3]
4:

	/* TTBR1: direct map (entry 256) and image (entry 511). */
	adrp	x0, boot_root
	adrp	x1, boot_dmap_l1
	orr	x1, x1, #DESC_TABLE
	str	x1, [x0, #(((DIRECT_MAP_BASE >> 39) & 511) * 8)]
	adrp	x1, boot_kimg_l1
	orr	x1, x1, #DESC_TABLE
	str	x1, [x0, #(((KERNEL_VBASE >> 39) & 511) * 8)]
	adrp	x0, boot_kimg_l1
	adrp	x1, boot_kimg_l2
	orr	x1, x1, #DESC_TABLE
	str	x1, [x0, #(((KERNEL_VBASE >> 30) & 511) * 8)]

	/* The image, in 2 MiB blocks from KERNEL_VBASE. */
	adrp	x0, boot_kimg_l2
	adrp	x1, _kernel_end
	sub	x1, x1, x20
	add	x1, x1, #0x200, lsl #12
	sub	x1, x1, #1               /* round up to whole 2 MiB blocks */
	lsr	x1, x1, #21
	ldr	x2, =(BLOCK_NORMAL | BLOCK_UXN)
	orr	x2, x2, x20
3:	str	x2, [x0], #8
	add	x2, x2, #0x200000
	subs	x1, x1, #1
	b.ne	3b

	/* Direct map: the image's gigabyte, and the device tree's (which may
	 * run into the next one: a tree is at most 2 MiB). */
	adrp	x0, boot_dmap_l1
	ldr	x4, =(BLOCK_NORMAL | BLOCK_PXN | BLOCK_UXN)
	DMAP_GIB x20
	DMAP_GIB x19
	add	x5, x19, #0x200000
	DMAP_GIB x5
	ret

	.ltorg

/* The boot page tables: first in .bss, so page aligned (see kernel.ld). */
	.section .bss.boot_tables, "aw", %nobits
	.balign 4096
	.globl boot_idmap_l0, boot_root, boot_dmap_l1, boot_kimg_l2
boot_idmap_l0:	.skip 4096
boot_idmap_l1:	.skip 4096
boot_root:	.skip 4096
boot_dmap_l1:	.skip 4096
boot_kimg_l1:	.skip 4096
boot_kimg_l2:	.skip 4096

	.section .bss, "aw", %nobits
	.balign 16
boot_stack:	.skip 16384
	.globl boot_stack_top
boot_stack_top:
