/* Bringing up the x86_64 platform, in dependency order:
 *
 *   ACPI (tables tell where the APICs are; MP defaults without them)
 *   8259 PICs remapped and masked (the IOAPIC replaces them)
 *   local APIC (EOI, self-IPIs, the timer)
 *   IOAPICs (all lines masked until a driver attaches)
 *   TSC frequency, then the one-shot timer measured against it
 *   COM1 receive interrupt
 *   what user mode needs: SSE state, the syscall MSRs, the frozen kernel
 *   half of every address space
 *
 * and the native time hooks the pv layer starts with. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/pci.h>
#include <kern/printf.h>
#include <kern/self_irq.h>
#include <machine/cpu.h>
#include <machine/thread.h>
#include <machine/trap.h>
#include "pv/pv.h"
#include "virtio/virtio.h"
#include "acpi.h"
#include "mmu.h"
#include "platform.h"
#include "serial.h"

void native_time_ops(struct pv_ops *ops)
{
	ops->clock_name = "tsc";
	ops->clock_ns = tsc_clock_ns;
	ops->timer_name = lapic_timer_has_tsc_deadline() ? "tsc-deadline" : "lapic";
	ops->timer_arm = lapic_timer_arm;
	ops->timer_cancel = lapic_timer_cancel;
}

/* --- self-interrupts ---------------------------------------------------
 * One vector serves every self_interrupt() request (kern/self_irq.h). */

static int self_vector = -1;

static void self_interrupt_handler(struct trap_frame *tf, void *unused)
{
	self_interrupt_drain();
}

void self_interrupt_init(void)
{
	self_vector = vector_alloc(self_interrupt_handler, NULL);
	if (self_vector < 0)
		kprintf("lapic: no vector for self-interrupts\n");
}

int arch_raise_self_interrupt(void)
{
	if (self_vector < 0)
		return K_ENODEV;
	lapic_self_ipi((uint8_t)self_vector);
	return K_OK;
}

/* --- user mode ------------------------------------------------------------ */

static void user_mode_init(void)
{
	fpu_init();
	x86_syscall_init();
	x86_kernel_half_freeze();
	uint64_t cr4 = read_cr4();
	kprintf("x86: user mode: syscall, SMEP %s, SMAP %s, PCID %s, %u shared kernel PML4 entries\n",
		cr4 & CR4_SMEP ? "on" : "off", cr4 & CR4_SMAP ? "on" : "off",
		x86_pcid_enabled() ? "on" : "off", x86_kernel_half_shared());
}

/* --- bring-up ------------------------------------------------------------ */

void arch_init_platform(void)
{
	acpi_init();
	pic_disable();
	lapic_init();
	self_interrupt_init();
	ioapic_init();
	tsc_init();
	lapic_timer_init();
	serial_enable_input();
	user_mode_init();
}

void arch_probe_devices(void)
{
	pci_scan();
	virtio_mmio_probe_cmdline();
	acpi_probe_virtio_mmio();
	cmos_rtc_probe();
}
