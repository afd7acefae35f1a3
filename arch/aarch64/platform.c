/* Bringing up the aarch64 platform from the device tree, in dependency
 * order: the GIC, the SGI behind arch_self_interrupt, the generic timer's
 * interrupt, the PL011's receive interrupt; then the devices (virtio-mmio
 * nodes). */
#include <kern/arch.h>
#include <kern/boot_info.h>
#include <kern/errno.h>
#include <kern/printf.h>
#include <kern/rtc.h>
#include <kern/self_irq.h>
#include "virtio/virtio.h"
#include "platform.h"

/* --- self-interrupts ---------------------------------------------------
 * One SGI serves every self_interrupt() request (kern/self_irq.h). */

#define SELF_SGI  1

static bool self_ready;

static void self_interrupt_handler(void *unused)
{
	self_interrupt_drain();
}

void self_interrupt_init(void)
{
	int rc = gic_attach_sgi(SELF_SGI, self_interrupt_handler, NULL);
	if (rc < 0)
		kprintf("gic: no SGI for self-interrupts (error %d)\n", rc);
	self_ready = rc == K_OK;
}

int arch_raise_self_interrupt(void)
{
	if (!self_ready)
		return K_ENODEV;
	gic_send_self_sgi(SELF_SGI);
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
	rtc_probe_dt(boot_dtb());
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
