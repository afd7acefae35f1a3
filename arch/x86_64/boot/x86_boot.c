/* x86_boot: the first C code.  Called from start.S on the boot stack with
 * the boot page tables, it brings up the early console and the trap tables,
 * turns the loader's structures into boot_info, reserves what must never be
 * allocated, and enters the portable kernel. */
#include <kern/arch.h>
#include <kern/boot_info.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <machine/cpu.h>
#include <machine/trap.h>
#include "boot.h"
#include "../platform.h"
#include "../serial.h"
#include "pv/pv.h"

#define PVH_MAGIC 0x336ec578u
#define MB2_LOADER_MAGIC 0x36d76289u

extern char _kernel_phys_start[], _kernel_end[];
void x86_boot(uint32_t magic, uint32_t info);

void x86_boot(uint32_t magic, uint32_t info)
{
	serial_init();
	arch_pv_native(&pv_ops);    /* early console and shutdown, for panics */
	serial_register_console();  /* COM1 stays a console when others appear */
	gdt_init();
	idt_init();

	int ok = -1;
	if (magic == PVH_MAGIC)
		ok = pvh_parse(info);
	else if (magic == MB2_LOADER_MAGIC)
		ok = multiboot2_parse(info);
	if (ok < 0)
		panic("boot: unrecognised boot information (magic %#x at %#x)", magic, info);

	/* The image from its first byte to the end of the symbol table, and the
	 * real-mode area firmware and BIOS structures live in. */
	paddr_t image = (paddr_t)(uintptr_t)_kernel_phys_start;
	paddr_t image_end = (uintptr_t)_kernel_end - KERNEL_VBASE;
	boot_info_reserve(image, image_end - image);
	boot_info_reserve(0, 0x100000);

	tsc_boot_start();
	kmain();
}
