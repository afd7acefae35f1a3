/* floor-aarch64.S: the smallest kernel QEMU's aarch64 virt board boots
 * with -kernel: a Linux arm64 Image that prints one line on the PL011 and
 * powers off through PSCI at once, so the times measured on it are QEMU's
 * own (start-up to the guest's first output, and tear-down).  They are the
 * floor any real kernel's boot time on that machine sits on.
 *
 * Build:  clang --target=aarch64-unknown-none-elf -c -o floor.o floor-aarch64.S
 *         ld.lld -static -nostdlib --build-id=none -Ttext=0x40200000 \
 *                -e image_start --oformat=binary -o floor.Image floor.o
 * Run:    qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a72 \
 *                -serial stdio -display none -kernel floor.Image
 *         (exit status 0: PSCI SYSTEM_OFF powers the board off) */

#define PL011_BASE      0x09000000      /* virt's UART0 */
#define PL011_DR        0x00            /* data register */
#define PL011_CR        0x30            /* control register */
#define PL011_CR_ON     0x301           /* UARTEN | TXE */
#define PSCI_SYSTEM_OFF 0x84000008      /* SMC32 function id, PSCI 0.2+ */

	.text
	.globl image_start
image_start:
/* The 64-byte header of Linux's arm64 boot protocol, which QEMU's loader
 * recognises by its magic at offset 56 and loads as an arm64 kernel.  Every
 * reference below is PC-relative, so the load address does not matter. */
	b entry                 /* code0 */
	.long 0                 /* code1 */
	.quad 0                 /* text_offset from the 2 MiB-aligned base */
	.quad image_end - image_start   /* image_size */
	.quad 0x8               /* flags: little-endian, page size unspecified,
	                         * placeable anywhere in RAM */
	.quad 0, 0, 0           /* reserved */
	.ascii "ARM\x64"        /* magic */
	.long 0                 /* no PE/COFF header */

entry:
	/* A PL011 transmits once enabled (UARTEN, TXE): one store, with no
	 * baud-rate set-up, which does not matter to QEMU's. */
	mov x2, #PL011_BASE
	mov w3, #PL011_CR_ON
	str w3, [x2, #PL011_CR]
	adr x1, line
1:	ldrb w0, [x1], #1
	cbz w0, 2f
	str w0, [x2, #PL011_DR]
	b 1b

	/* -M virt without EL2/EL3 enters at EL1 and offers PSCI through HVC. */
2:	movz x0, #(PSCI_SYSTEM_OFF & 0xffff)
	movk x0, #(PSCI_SYSTEM_OFF >> 16), lsl #16
	hvc #0
	/* Only reached if PSCI is not there: stop here. */
3:	wfi
	b 3b

line:	.asciz "floor: first line\r\n"
	.balign 8
image_end:
