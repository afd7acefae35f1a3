/* PCI configuration space through the legacy I/O ports (configuration
 * mechanism #1, PCI Local Bus spec 3.0, 3.2.2.3.2): write the dword address
 * to 0xcf8, then access 0xcfc + (offset & 3).  Every PC-compatible machine
 * QEMU models has it (q35 and pc; microvm has no PCI unless pcie=on, where
 * reads return all ones and the scan finds nothing).
 *
 * Invalid arguments read as all ones (what an absent device returns) and
 * writes with them are dropped. */
#include <kern/arch.h>

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc
#define PCI_ENABLE (1u << 31)

static bool valid(unsigned bus, unsigned dev, unsigned fn, unsigned off, unsigned width)
{
	if (bus > 255 || dev > 31 || fn > 7 || off > 255)
		return false;
	if (width != 1 && width != 2 && width != 4)
		return false;
	return off % width == 0;
}

static void pci_select(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
	outl(PCI_CONFIG_ADDRESS, PCI_ENABLE | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc));
}

uint32_t arch_pci_cfg_read(unsigned bus, unsigned dev, unsigned fn, unsigned off, unsigned width)
{
	if (!valid(bus, dev, fn, off, width))
		return ~0u;
	uint16_t port = (uint16_t)(PCI_CONFIG_DATA + (off & 3));
	/* The address/data pair must not be split by an interrupt handler
	 * doing its own access. */
	irqflags_t f = arch_irq_save();
	pci_select(bus, dev, fn, off);
	uint32_t v = width == 1 ? inb(port) : width == 2 ? inw(port) : inl(port);
	arch_irq_restore(f);
	return v;
}

void arch_pci_cfg_write(unsigned bus, unsigned dev, unsigned fn, unsigned off, unsigned width, uint32_t val)
{
	if (!valid(bus, dev, fn, off, width))
		return;
	uint16_t port = (uint16_t)(PCI_CONFIG_DATA + (off & 3));
	irqflags_t f = arch_irq_save();
	pci_select(bus, dev, fn, off);
	if (width == 1)
		outb(port, (uint8_t)val);
	else if (width == 2)
		outw(port, (uint16_t)val);
	else
		outl(port, val);
	arch_irq_restore(f);
}
