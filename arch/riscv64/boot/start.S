/* riscv64 entry: the Linux RISC-V boot protocol, from any loader.
 *
 * The loader (OpenSBI's fw_dynamic under QEMU -kernel, U-Boot's booti...)
 * enters at the image's first byte in S-mode with the MMU off, interrupts
 * off, a0 = this hart's id (any value: the booting hart need not be 0) and
 * a1 = the physical address of the device tree.  The image may have been
 * loaded at any 2 MiB-aligned address, so until the MMU is on only
 * PC-relative addressing is used (lla = auipc + addi).
 *
 * Boot page tables (all in .bss, 4 KiB each):
 *   boot_pt_high   the 1 GiB-entry table of the top 512 GiB: direct map of
 *                  physical 0..BOOT_DIRECT_MAP_END with 1 GiB pages, and the
 *                  kernel image at KERNEL_VBASE through boot_pt_image.
 *                  It is the root under Sv39 and the last entry of
 *                  boot_pt_root under Sv48 (the indices are the same).
 *   boot_pt_image  2 MiB pages: KERNEL_VBASE + n -> load address + n
 *   boot_pt_low    Sv48 only: the identity 1 GiB page holding the image, so
 *                  the instructions right after the satp write still run
 *   boot_pt_root   the Sv48 root
 * Sv48 is tried first: a write of an unsupported mode leaves satp unchanged,
 * which the read-back shows, and then Sv39 is used (its identity page goes
 * in boot_pt_high, below the direct map's entries).  riscv_boot() gets the
 * level count and replaces these tables with the kernel's own (kmap). */
#include <machine/param.h>
#include <machine/csr.h>

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80
#define LEAF_RWX (PTE_V | PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D)
#define LEAF_RW  (PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D)

#define GIB_SHIFT 30
#define MIB2 (1 << 21)
/* Slots of boot_pt_high: bits 38..30 of the virtual address. */
#define SLOT_DIRECT ((DIRECT_MAP_BASE >> GIB_SHIFT) & 511)
#define SLOT_KERNEL ((KERNEL_VBASE >> GIB_SHIFT) & 511)

/* ---- The Linux RISC-V Image header (Documentation/arch/riscv/boot-image-header.rst) ---- */
	.section .head.text, "ax"
	.option push
	.option norvc
	.globl _start
_start:
	j riscv_entry                   /* code0: jump over the header */
	.word 0                         /* code1 */
	.dword 0x200000                 /* text_offset: load 2 MiB into RAM */
	.dword _kernel_end - _start     /* image_size, .bss included */
	.dword 0                        /* flags: bit 0 clear = little endian */
	.word 2                         /* version 0.2 */
	.word 0                         /* res1 */
	.dword 0                        /* res2 */
	.ascii "RISCV\0\0\0"            /* magic (deprecated, still checked by some) */
	.ascii "RSC\x05"                /* magic2 */
	.word 0                         /* res3: no PE/COFF header */
	.option pop

/* ---- Physical-address code ---- */
	.section .text.entry, "ax"
riscv_entry:
	csrw sie, zero
	csrci sstatus, SSTATUS_SIE
	lla t0, early_trap
	csrw stvec, t0
	mv s1, a0                       /* hart id */
	mv s2, a1                       /* device tree */
	lla s3, _start                  /* where we were loaded */

	li t0, MIB2 - 1
	and t0, s3, t0
	beqz t0, 1f
	lla a0, msg_misaligned
	j early_fail
1:
	/* .bss, page tables and boot stack included, starts zeroed. */
	lla t0, _bss
	lla t1, _ebss
2:	bgeu t0, t1, 3f
	sd zero, 0(t0)
	addi t0, t0, 8
	j 2b
3:
	/* boot_pt_image: 2 MiB leaves from the load address to _kernel_end. */
	lla t0, boot_pt_image
	mv t1, s3
	lla t2, _kernel_end
	li t3, LEAF_RWX
4:	srli t4, t1, 12
	slli t4, t4, 10
	or t4, t4, t3
	sd t4, 0(t0)
	addi t0, t0, 8
	li t5, MIB2
	add t1, t1, t5
	bltu t1, t2, 4b

	/* boot_pt_high[SLOT_KERNEL] -> boot_pt_image */
	lla t0, boot_pt_high
	lla t1, boot_pt_image
	srli t1, t1, 12
	slli t1, t1, 10
	ori t1, t1, PTE_V
	li t2, SLOT_KERNEL * 8
	add t2, t0, t2
	sd t1, 0(t2)

	/* boot_pt_high[SLOT_DIRECT + g] = 1 GiB leaf at physical g GiB */
	li t1, SLOT_DIRECT * 8
	add t1, t0, t1
	li t2, 0                        /* g */
	li t3, BOOT_DIRECT_MAP_GIB
5:	slli t4, t2, GIB_SHIFT - 12 + 10
	ori t4, t4, LEAF_RW
	sd t4, 0(t1)
	addi t1, t1, 8
	addi t2, t2, 1
	bltu t2, t3, 5b

	/* The identity 1 GiB page of the image: t4 = the leaf, t5 = its slot. */
	srli t5, s3, GIB_SHIFT
	slli t4, t5, GIB_SHIFT - 12 + 10
	ori t4, t4, LEAF_RWX
	andi t5, t5, 511
	slli t5, t5, 3

	/* Sv48: boot_pt_low[slot] = identity, root[pa >> 39] -> boot_pt_low,
	 * root[511] -> boot_pt_high. */
	lla t0, boot_pt_low
	add t1, t0, t5
	sd t4, 0(t1)
	srli t0, t0, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V
	lla t1, boot_pt_root
	srli t2, s3, 39
	andi t2, t2, 511
	slli t2, t2, 3
	add t2, t1, t2
	sd t0, 0(t2)
	lla t0, boot_pt_high
	srli t0, t0, 12
	slli t0, t0, 10
	ori t0, t0, PTE_V
	li t2, 511 * 8
	add t2, t1, t2
	sd t0, 0(t2)

	li t0, SATP_MODE_SV48 << SATP_MODE_SHIFT
	srli t1, t1, 12
	or t0, t0, t1
	sfence.vma
	csrw satp, t0
	csrr t1, satp
	li s4, 4
	beq t0, t1, 7f

	/* Sv39: the identity page goes in boot_pt_high itself, which only
	 * works below the direct map's slots (RAM under 256 GiB). */
	srli t0, s3, GIB_SHIFT
	li t1, SLOT_DIRECT
	bltu t0, t1, 6f
	lla a0, msg_sv39_high
	j early_fail
6:	lla t0, boot_pt_high
	add t1, t0, t5
	sd t4, 0(t1)
	li t1, SATP_MODE_SV39 << SATP_MODE_SHIFT
	srli t0, t0, 12
	or t0, t0, t1
	csrw satp, t0
	csrr t1, satp
	li s4, 3
	beq t0, t1, 7f
	lla a0, msg_no_mmu
	j early_fail

7:	sfence.vma
	/* Continue at the same instruction's KERNEL_VBASE alias. */
	li t0, KERNEL_VBASE
	sub s5, t0, s3
	lla t1, high
	add t1, t1, s5
	jr t1

/* Before the kernel's trap handler exists: report and stop. */
	.balign 4
early_trap:
	lla a0, msg_trap
	/* fall through */

/* Print the NUL-terminated string at a0 through the SBI (debug console
 * byte write, else the legacy putchar) and stop. */
early_fail:
	mv s6, a0
8:	lbu s7, 0(s6)
	beqz s7, 10f
	mv a0, s7
	li a6, 2
	li a7, 0x4442434e               /* DBCN write_byte */
	ecall
	beqz a0, 9f
	mv a0, s7
	li a7, 1                        /* legacy console_putchar */
	ecall
9:	addi s6, s6, 1
	j 8b
10:	wfi
	j 10b

	.section .rodata
msg_misaligned: .asciz "machv: the image must be loaded at a 2 MiB-aligned address\r\n"
msg_sv39_high:  .asciz "machv: Sv39 only, and the image is loaded above 256 GiB\r\n"
msg_no_mmu:     .asciz "machv: this hart supports neither Sv48 nor Sv39\r\n"
msg_trap:       .asciz "machv: trap during early boot\r\n"

/* ---- Virtual-address code ---- */
	.section .text.entry, "ax"
high:
	lla t0, trap_entry
	csrw stvec, t0
	csrw sscratch, zero
	lla sp, boot_stack_top
	li s0, 0                        /* terminates backtraces */
	li ra, 0
	mv a0, s1                       /* riscv_boot(hart, dtb, load, levels) */
	mv a1, s2
	mv a2, s3
	mv a3, s4
	call riscv_boot
11:	wfi
	j 11b

	.section .bss
	.balign 4096
	.globl boot_pt_root, boot_pt_high
boot_pt_root:  .space 4096
boot_pt_high:  .space 4096
boot_pt_low:   .space 4096
boot_pt_image: .space 4096
	.balign 16
	.globl boot_stack, boot_stack_top
boot_stack:
	.space 16384
boot_stack_top:
