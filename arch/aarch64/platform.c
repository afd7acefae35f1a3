/* Bringing up the aarch64 platform from the device tree, in dependency
 * order: the GIC, the SGI behind arch_self_interrupt, the generic timer's
 * interrupt, the PL011's receive interrupt; then the devices (virtio-mmio
 * nodes). */
#include <kern/arch.h>
#include <kern/boot_info.h>
#include <kern/errno.h>
#include <kern/printf.h>
#include "virtio/virtio.h"
#include "platform.h"

/* --- self-interrupts ---------------------------------------------------
 * One SGI serves every arch_self_interrupt() call: requests wait in a small
 * ring and the SGI's handler runs them in order. */

#define SELF_SGI  1
#define SELF_RING 16

static struct { irq_handler_t fn; void *arg; } self_ring[SELF_RING];
static unsigned self_head, self_tail;    /* free-running; tail - head = queued */
static bool self_ready;

static void self_interrupt_handler(void *unused)
{
	while (self_head != self_tail) {
		unsigned i = self_head++ % SELF_RING;
		self_ring[i].fn(self_ring[i].arg);
	}
}

void self_interrupt_init(void)
{
	int rc = gic_attach_sgi(SELF_SGI, self_interrupt_handler, NULL);
	if (rc < 0)
		kprintf("gic: no SGI for self-interrupts (error %d)\n", rc);
	self_ready = rc == K_OK;
}

int arch_self_interrupt(irq_handler_t handler, void *arg)
{
	if (!handler)
		return K_EINVAL;
	if (!self_ready)
		return K_ENODEV;
	irqflags_t f = arch_irq_save();
	if (self_tail - self_head == SELF_RING) {
		arch_irq_restore(f);
		return K_EBUSY;
	}
	unsigned i = self_tail++ % SELF_RING;
	self_ring[i].fn = handler;
	self_ring[i].arg = arg;
	gic_send_self_sgi(SELF_SGI);
	arch_irq_restore(f);
	return K_OK;
}

/* --- bring-up ------------------------------------------------------------ */

void arch_init_platform(void)
{
	const void *dtb = boot_dtb();
	gic_init(dtb);
	self_interrupt_init();
	generic_timer_init(dtb);
	pl011_enable_input(dtb);
}

void arch_probe_devices(void)
{
	virtio_mmio_probe_dt(boot_dtb());
}

/* PCI: the virt machine's ECAM host bridge is not driven yet (pci.c's
 * BAR window is x86's); every function reads as absent. */
uint32_t arch_pci_cfg_read(unsigned bus, unsigned dev, unsigned fn, unsigned off, unsigned width)
{
	return ~0u;
}

void arch_pci_cfg_write(unsigned bus, unsigned dev, unsigned fn, unsigned off, unsigned width,
			uint32_t val)
{
}
