/* floor.S: the smallest kernel QEMU can boot through PVH.  It prints one
 * line on COM1 and ends QEMU through isa-debug-exit, so the times measured
 * on it are QEMU's own: start-up to the guest's first output, and tear-down.
 * They are the floor any real kernel's boot time sits on.
 *
 * Build:  clang --target=x86_64-unknown-none-elf -c -o floor.o floor.S
 *         ld.lld -static -nostdlib --build-id=none -z max-page-size=4096 \
 *                -Ttext=0x100000 -e pvh_entry -o floor floor.o
 * Run:    qemu-system-x86_64 -M microvm,acpi=off -bios qboot.rom -serial stdio \
 *                -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel floor
 *         (exit status 1: QEMU reports (value << 1) | 1 for the value 0) */

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define COM1_DATA 0x3f8
#define DEBUG_EXIT_PORT 0xf4

/* The note QEMU's PVH loader looks for: where to enter in 32-bit protected
 * mode with paging off.  Typed as a note so the linker gives it a PT_NOTE
 * program header, which is how loaders find it. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4                 /* name size ("Xen\0") */
	.long 4                 /* descriptor size */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long pvh_entry

	.text
	.code32
	.globl pvh_entry
pvh_entry:
	/* QEMU's UART sends whatever is written to its data register, set up
	 * or not: no initialisation needed for one line. */
	cld                     /* PVH does not promise the direction flag */
	movl $line, %esi
	movw $COM1_DATA, %dx
1:	lodsb
	testb %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b

2:	movw $DEBUG_EXIT_PORT, %dx
	xorl %eax, %eax
	outl %eax, %dx
	/* Without isa-debug-exit the write goes nowhere: stop here. */
3:	cli
	hlt
	jmp 3b

line:	.asciz "floor: first line\r\n"
