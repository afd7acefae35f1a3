/* Bringing up the x86_64 platform, in dependency order:
 *
 *   ACPI (tables tell where the APICs are; MP defaults without them)
 *   8259 PICs remapped and masked (the IOAPIC replaces them)
 *   local APIC (EOI, self-IPIs, the timer)
 *   IOAPICs (all lines masked until a driver attaches)
 *   TSC frequency, then the one-shot timer measured against it
 *   COM1 receive interrupt
 *
 * and the native time hooks the pv layer starts with. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/pci.h>
#include <kern/printf.h>
#include <kern/self_irq.h>
#include <machine/trap.h>
#include "pv/pv.h"
#include "virtio/virtio.h"
#include "acpi.h"
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
}

void arch_probe_devices(void)
{
	pci_scan();
	virtio_mmio_probe_cmdline();
	acpi_probe_virtio_mmio();
}
