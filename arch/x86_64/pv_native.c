/* Native x86_64 implementations of the pv hooks: COM1 for the early
 * console, invlpg/CR3 reloads for TLB maintenance, sti;hlt for idle, and
 * power-off through QEMU's isa-debug-exit port or ACPI S5. */
#include <kern/arch.h>
#include <machine/cpu.h>
#include "pv/pv.h"
#include "mmu.h"
#include "serial.h"
#include "platform.h"

/* Beyond this many pages a full flush is cheaper than one invlpg each. */
#define TLB_FLUSH_PAGES_MAX 32

/* Both hooks flush the current PCID (invlpg also drops global entries;
 * toggling CR4.PGE drops everything) between the two calls that keep
 * user_space.c's roots and PCIDs honest, with interrupts off so that no
 * switch to another root comes in between. */
static void native_tlb_flush_all(void)
{
	irqflags_t f = arch_irq_save();
	uint64_t cr4 = read_cr4();
	write_cr4(cr4 & ~CR4_PGE);
	write_cr4(cr4);
	x86_tlb_flushed();
	arch_irq_restore(f);
}

static void native_tlb_flush_range(vaddr_t va, size_t len)
{
	if (len > TLB_FLUSH_PAGES_MAX * PAGE_SIZE) {
		native_tlb_flush_all();
		return;
	}
	irqflags_t f = arch_irq_save();
	for (vaddr_t p = ALIGN_DOWN(va, PAGE_SIZE); p < va + len; p += PAGE_SIZE)
		invlpg(p);
	x86_tlb_flushed();
	arch_irq_restore(f);
}

/* sti takes effect after the next instruction, so no interrupt can slip in
 * between it and hlt and leave us asleep with work pending. */
static void native_halt(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}

#define DEBUG_EXIT_PORT 0xf4

static __noreturn void native_shutdown(int status)
{
	arch_irq_disable();
	/* QEMU's isa-debug-exit ends QEMU with (value << 1) | 1: 1 for success,
	 * 3 for failure.  Without the device the write goes nowhere. */
	outl(DEBUG_EXIT_PORT, status ? 1 : 0);
	acpi_poweroff();
	for (;;)
		__asm__ volatile("cli; hlt");
}

static __noreturn void native_reboot(void)
{
	arch_irq_disable();
	acpi_reset();
	outb(0x64, 0xfe);   /* the keyboard controller's reset line */
	for (;;)
		__asm__ volatile("cli; hlt");
}

void arch_pv_native(struct pv_ops *ops)
{
	ops->console_name = "com1";
	ops->early_putc = serial_putc;
	ops->tlb_flush_range = native_tlb_flush_range;
	ops->tlb_flush_all = native_tlb_flush_all;
	ops->halt = native_halt;
	ops->shutdown = native_shutdown;
	ops->reboot = native_reboot;
	native_time_ops(ops);
}
