/* void aarch64_replace_ttbr1(paddr_t root, paddr_t idmap, vaddr_t va_offset)
 *
 * Point TTBR1 at a new kernel tree.  The old and the new tree map the
 * kernel's own addresses with different block sizes (2 MiB boot blocks,
 * 4 KiB pages), which the architecture allows to meet in the TLB only
 * after a break: so the switch runs from the boot identity map (TTBR0 =
 * idmap, re-enabled for the moment), with TTBR1 walks disabled and the TLB
 * emptied between the two trees.  No stack is used while TTBR1 is off. */
#include <machine/cpu.h>

	.section .text
	.globl aarch64_replace_ttbr1
aarch64_replace_ttbr1:
	mrs	x9, daif
	msr	daifset, #0xf
	mrs	x3, tcr_el1
	bic	x4, x3, #TCR_EPD0
	msr	ttbr0_el1, x1
	msr	tcr_el1, x4
	isb
	adr	x5, 1f                   /* continue at our identity alias */
	sub	x5, x5, x2
	br	x5
1:	orr	x6, x4, #TCR_EPD1
	msr	tcr_el1, x6
	isb
	tlbi	vmalle1is
	dsb	ish
	isb
	msr	ttbr1_el1, x0
	msr	tcr_el1, x4
	isb
	ldr	x5, =2f                  /* back to the link address */
	br	x5
2:	msr	tcr_el1, x3              /* TTBR0 walks off again */
	isb
	tlbi	vmalle1is
	dsb	ish
	isb
	msr	daif, x9
	ret
	.ltorg
