/* floor-riscv64.S: the smallest kernel QEMU's riscv64 virt board boots
 * with -kernel after its default firmware (OpenSBI, fw_dynamic): a Linux
 * RISC-V Image that prints one line through the SBI debug console and
 * shuts the machine down through SBI SRST at once.  Its times are QEMU's
 * own plus OpenSBI's (which runs for every kernel on this machine): the
 * floor any real kernel's boot time there sits on.
 *
 * Build:  clang --target=riscv64-unknown-none-elf -march=rv64gc -mno-relax -c \
 *                -o floor.o floor-riscv64.S
 *         ld.lld -static -nostdlib --build-id=none -Ttext=0x80200000 \
 *                -e image_start --oformat=binary -o floor.Image floor.o
 * Run:    qemu-system-riscv64 -M virt -cpu rv64 -serial stdio -display none \
 *                -kernel floor.Image
 *         (exit status 0: OpenSBI powers off through the test finisher) */

#define SBI_EXT_LEGACY_PUTCHAR  0x01
#define SBI_EXT_DBCN            0x4442434e      /* "DBCN" */
#define SBI_DBCN_WRITE          0
#define SBI_EXT_SRST            0x53525354      /* "SRST" */
#define SBI_SRST_RESET          0
#define SBI_SRST_SHUTDOWN       0

	.text
	.globl image_start
image_start:
/* The 64-byte Image header of Linux's RISC-V boot protocol.  QEMU loads a
 * file that is not ELF as a flat image at 0x80200000 whatever it holds;
 * the header makes this a kernel any Image loader takes. */
	j entry                 /* code0 (4 bytes, uncompressed) */
	.balign 8               /* code1 */
	.quad 0                 /* text_offset */
	.quad image_end - image_start   /* image_size */
	.quad 0                 /* flags: little-endian */
	.long 2                 /* header version 0.2 */
	.long 0                 /* reserved */
	.quad 0                 /* reserved */
	.ascii "RISCV\0\0\0"    /* magic (deprecated) */
	.ascii "RSC\x05"        /* magic2 */
	.long 0                 /* no PE/COFF header */

entry:
	/* One SBI call for the whole line (DBCN, SBI 2.0); with the MMU off
	 * the physical address is the label's. */
	li a7, SBI_EXT_DBCN
	li a6, SBI_DBCN_WRITE
	lla a1, line
	lla a0, line_end
	sub a0, a0, a1
	li a2, 0
	ecall
	beqz a0, 2f
	/* An older SBI without DBCN: the legacy putchar, one call a byte. */
	lla s0, line
	lla s1, line_end
1:	lbu a0, 0(s0)
	li a7, SBI_EXT_LEGACY_PUTCHAR
	ecall
	addi s0, s0, 1
	bltu s0, s1, 1b

2:	li a7, SBI_EXT_SRST
	li a6, SBI_SRST_RESET
	li a0, SBI_SRST_SHUTDOWN
	li a1, 0                /* reason: none */
	ecall
	/* Only reached without SRST: stop here. */
3:	wfi
	j 3b

line:	.ascii "floor: first line\n"   /* OpenSBI adds the \r */
line_end:                       /* (an even length: the assembler pads
	                         * .text with instructions, 2 bytes or more) */
	.balign 8
image_end:
