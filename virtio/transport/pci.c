/* virtio-pci transport, modern interface only (virtio 1.x, 4.1): the
 * registers are found through vendor capabilities pointing into memory
 * BARs.  Transitional devices (ids 0x1000-0x103f, QEMU's default) are driven
 * through the same capabilities; their legacy I/O BAR is ignored.
 *
 * Interrupts: one MSI-X vector, table entry 0, shared by the configuration
 * change event and every queue.  The handler lets the core check each queue
 * for used buffers, and reports a configuration change when
 * config_generation moved (with MSI-X the spec does not promise the ISR
 * bit); with a handful of queues per device this is simpler than a vector
 * per queue and costs little.  Without MSI (arch_msi_alloc says K_ENODEV)
 * the wired INTx line from the interrupt-line register is used, level
 * triggered, active low, and the ISR read also acknowledges it. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/kmem.h>
#include <kern/pci.h>
#include <kern/printf.h>
#include <linux/pci_regs.h>
#include <linux/virtio_pci.h>
#include "virtio/virtio.h"

#define VIRTIO_PCI_VENDOR   0x1af4
#define MODERN_DEVICE_BASE  0x1040
#define RESET_SPINS         1000000u
#define MSIX_ENTRY          0        /* the one table entry we use */

struct vpci_region {
	volatile uint8_t *va;
	uint32_t len;
};

struct vpci_dev {
	struct virtio_device vdev;
	struct pci_device *pdev;
	struct vpci_region common, notify, isr, device;
	uint32_t notify_mult;                      /* notify_off_multiplier */
	volatile uint8_t *notify_addr[VIRTIO_MAX_QUEUES];
	struct pci_msix msix;
	bool use_msix;
	uint8_t config_gen;                        /* last config_generation seen */
};

static struct vpci_dev *to_vpci(struct virtio_device *dev) { return dev->transport; }
static volatile uint8_t *common(struct virtio_device *dev, unsigned off)
{
	return to_vpci(dev)->common.va + off;
}

static uint8_t vpci_get_status(struct virtio_device *dev)
{
	return mmio_read8(common(dev, VIRTIO_PCI_COMMON_STATUS));
}

static void vpci_set_status(struct virtio_device *dev, uint8_t status)
{
	mmio_write8(common(dev, VIRTIO_PCI_COMMON_STATUS), status);
}

static int vpci_reset(struct virtio_device *dev)
{
	vpci_set_status(dev, 0);
	for (unsigned i = 0; i < RESET_SPINS; i++) {
		if (vpci_get_status(dev) == 0)
			return 0;
		arch_cpu_relax();
	}
	return K_ETIMEDOUT;
}

static uint64_t vpci_get_features(struct virtio_device *dev)
{
	uint64_t hi, lo;

	mmio_write32(common(dev, VIRTIO_PCI_COMMON_DFSELECT), 1);
	hi = mmio_read32(common(dev, VIRTIO_PCI_COMMON_DF));
	mmio_write32(common(dev, VIRTIO_PCI_COMMON_DFSELECT), 0);
	lo = mmio_read32(common(dev, VIRTIO_PCI_COMMON_DF));
	return hi << 32 | lo;
}

static void vpci_set_features(struct virtio_device *dev, uint64_t features)
{
	mmio_write32(common(dev, VIRTIO_PCI_COMMON_GFSELECT), 1);
	mmio_write32(common(dev, VIRTIO_PCI_COMMON_GF), (uint32_t)(features >> 32));
	mmio_write32(common(dev, VIRTIO_PCI_COMMON_GFSELECT), 0);
	mmio_write32(common(dev, VIRTIO_PCI_COMMON_GF), (uint32_t)features);
}

static int vpci_read_config(struct virtio_device *dev, unsigned off, unsigned width, uint32_t *val)
{
	struct vpci_region *r = &to_vpci(dev)->device;

	if (!r->va || off % width != 0 || (uint64_t)off + width > r->len)
		return K_EINVAL;
	switch (width) {
	case 1: *val = mmio_read8(r->va + off); return 0;
	case 2: *val = mmio_read16(r->va + off); return 0;
	case 4: *val = mmio_read32(r->va + off); return 0;
	}
	return K_EINVAL;
}

static unsigned vpci_queue_max_size(struct virtio_device *dev, unsigned index)
{
	if (index >= mmio_read16(common(dev, VIRTIO_PCI_COMMON_NUMQ)))
		return 0;
	mmio_write16(common(dev, VIRTIO_PCI_COMMON_Q_SELECT), (uint16_t)index);
	return mmio_read16(common(dev, VIRTIO_PCI_COMMON_Q_SIZE));
}

static void write64(struct virtio_device *dev, unsigned lo_off, unsigned hi_off, paddr_t v)
{
	mmio_write32(common(dev, lo_off), (uint32_t)v);
	mmio_write32(common(dev, hi_off), (uint32_t)(v >> 32));
}

static int vpci_queue_setup(struct virtio_device *dev, unsigned index, unsigned size,
			    paddr_t desc, paddr_t avail, paddr_t used)
{
	struct vpci_dev *vp = to_vpci(dev);
	uint64_t off;

	if (index >= VIRTIO_MAX_QUEUES)
		return K_EINVAL;
	mmio_write16(common(dev, VIRTIO_PCI_COMMON_Q_SELECT), (uint16_t)index);
	mmio_write16(common(dev, VIRTIO_PCI_COMMON_Q_SIZE), (uint16_t)size);
	if (vp->use_msix) {
		mmio_write16(common(dev, VIRTIO_PCI_COMMON_Q_MSIX), MSIX_ENTRY);
		if (mmio_read16(common(dev, VIRTIO_PCI_COMMON_Q_MSIX)) == VIRTIO_MSI_NO_VECTOR)
			return K_EIO;   /* the device could not take the vector */
	}
	write64(dev, VIRTIO_PCI_COMMON_Q_DESCLO, VIRTIO_PCI_COMMON_Q_DESCHI, desc);
	write64(dev, VIRTIO_PCI_COMMON_Q_AVAILLO, VIRTIO_PCI_COMMON_Q_AVAILHI, avail);
	write64(dev, VIRTIO_PCI_COMMON_Q_USEDLO, VIRTIO_PCI_COMMON_Q_USEDHI, used);
	off = (uint64_t)mmio_read16(common(dev, VIRTIO_PCI_COMMON_Q_NOFF)) * vp->notify_mult;
	if (off + 2 > vp->notify.len)
		return K_EIO;   /* notify address outside the notify region */
	vp->notify_addr[index] = vp->notify.va + off;
	mmio_write16(common(dev, VIRTIO_PCI_COMMON_Q_ENABLE), 1);
	return 0;
}

static void vpci_queue_notify(struct virtio_device *dev, unsigned index)
{
	volatile uint8_t *addr = index < VIRTIO_MAX_QUEUES ? to_vpci(dev)->notify_addr[index] : NULL;
	if (addr)
		mmio_write16(addr, (uint16_t)index);
}

static void vpci_msix_interrupt(void *arg)
{
	struct vpci_dev *vp = arg;
	unsigned why = VIRTIO_IRQ_QUEUES;
	uint8_t gen = mmio_read8(common(&vp->vdev, VIRTIO_PCI_COMMON_CFGGENERATION));

	if (gen != vp->config_gen) {
		vp->config_gen = gen;
		why |= VIRTIO_IRQ_CONFIG;
	}
	virtio_interrupt(&vp->vdev, why);
}

static void vpci_intx_interrupt(void *arg)
{
	struct vpci_dev *vp = arg;
	uint8_t isr = mmio_read8(vp->isr.va);   /* also lowers the line */

	if (isr == 0)
		return;   /* the line is shared with another device */
	virtio_interrupt(&vp->vdev, (isr & 1 ? VIRTIO_IRQ_QUEUES : 0) |
				    (isr & VIRTIO_PCI_ISR_CONFIG ? VIRTIO_IRQ_CONFIG : 0));
}

static int setup_msix(struct vpci_dev *vp)
{
	uint64_t addr;
	uint32_t data;
	int err;

	if ((err = pci_msix_init(vp->pdev, &vp->msix)) < 0)
		return K_ENODEV;
	if ((err = arch_msi_alloc(vpci_msix_interrupt, vp, &addr, &data)) < 0) {
		pci_msix_disable(&vp->msix);
		return err;
	}
	vp->config_gen = mmio_read8(common(&vp->vdev, VIRTIO_PCI_COMMON_CFGGENERATION));
	pci_msix_set_entry(&vp->msix, MSIX_ENTRY, addr, data);
	pci_msix_unmask(&vp->msix);
	mmio_write16(common(&vp->vdev, VIRTIO_PCI_COMMON_MSIX), MSIX_ENTRY);
	if (mmio_read16(common(&vp->vdev, VIRTIO_PCI_COMMON_MSIX)) == VIRTIO_MSI_NO_VECTOR) {
		pci_msix_disable(&vp->msix);
		return K_EIO;
	}
	vp->use_msix = true;
	return 0;
}

static int vpci_request_irq(struct virtio_device *dev)
{
	struct vpci_dev *vp = to_vpci(dev);
	int err = setup_msix(vp);

	if (err != K_ENODEV)
		return err;
	/* No MSI-X here: the wired line firmware routed (0 and 0xff: it did
	 * not route one). */
	if (vp->pdev->irq_pin == 0 || vp->pdev->irq_line == 0 || vp->pdev->irq_line == 0xff) {
		kprintf("virtio: %s: no MSI-X and no routed INTx line\n", vp->vdev.name);
		return K_ENODEV;
	}
	return arch_irq_attach(vp->pdev->irq_line, IRQ_LEVEL | IRQ_ACTIVE_LOW,
			       vpci_intx_interrupt, vp);
}

static const struct virtio_transport_ops vpci_ops = {
	.reset = vpci_reset,
	.get_status = vpci_get_status,
	.set_status = vpci_set_status,
	.get_features = vpci_get_features,
	.set_features = vpci_set_features,
	.read_config = vpci_read_config,
	.queue_max_size = vpci_queue_max_size,
	.queue_setup = vpci_queue_setup,
	.queue_notify = vpci_queue_notify,
	.request_irq = vpci_request_irq,
};

/* Find the first capability of each type we use and map what it points at.
 * Capabilities naming a BAR we cannot map are skipped, as the spec asks. */
static void find_regions(struct vpci_dev *vp)
{
	struct pci_device *pd = vp->pdev;

	for (unsigned cap = pci_find_cap(pd, PCI_CAP_ID_VNDR, 0); cap;
	     cap = pci_find_cap(pd, PCI_CAP_ID_VNDR, cap)) {
		unsigned type = pci_cfg_read(pd, cap + VIRTIO_PCI_CAP_CFG_TYPE, 1);
		unsigned bar = pci_cfg_read(pd, cap + VIRTIO_PCI_CAP_BAR, 1);
		uint32_t off = pci_cfg_read(pd, cap + VIRTIO_PCI_CAP_OFFSET, 4);
		uint32_t len = pci_cfg_read(pd, cap + VIRTIO_PCI_CAP_LENGTH, 4);
		struct vpci_region *r;

		switch (type) {
		case VIRTIO_PCI_CAP_COMMON_CFG: r = &vp->common; break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG: r = &vp->notify; break;
		case VIRTIO_PCI_CAP_ISR_CFG: r = &vp->isr; break;
		case VIRTIO_PCI_CAP_DEVICE_CFG: r = &vp->device; break;
		default: continue;   /* PCI_CFG access window, shared memory, ... */
		}
		if (r->va || len == 0)
			continue;
		r->va = pci_map_bar(pd, bar, off, len);
		r->len = len;
		if (r->va && type == VIRTIO_PCI_CAP_NOTIFY_CFG)
			vp->notify_mult = pci_cfg_read(pd, cap + VIRTIO_PCI_NOTIFY_CAP_MULT, 4);
	}
}

static int vpci_probe(struct pci_device *pd)
{
	struct vpci_dev *vp = kzalloc(sizeof(*vp));
	uint32_t id;

	if (!vp)
		return K_ENOMEM;
	vp->pdev = pd;
	ksnprintf(vp->vdev.name, sizeof(vp->vdev.name), "virtio-pci@%02x:%02x.%x",
		  pd->bus, pd->dev, pd->fn);
	id = pd->device >= MODERN_DEVICE_BASE ? pd->device - MODERN_DEVICE_BASE : pd->subsys_id;
	find_regions(vp);
	if (!vp->common.va || vp->common.len < sizeof(struct virtio_pci_common_cfg) ||
	    !vp->notify.va || !vp->isr.va || id == 0) {
		kprintf("virtio: %s: no usable modern virtio capabilities "
			"(legacy-only device, or BARs unassigned)\n", vp->vdev.name);
		kfree(vp);
		return K_ENODEV;
	}
	pci_enable_device(pd);
	pd->driver_priv = vp;
	vp->vdev.ops = &vpci_ops;
	vp->vdev.transport = vp;
	vp->vdev.id = id;
	/* From here the core holds the device (in its list) even if no driver
	 * takes it, so vp is never freed. */
	return virtio_register_device(&vp->vdev);
}

static const struct pci_driver virtio_pci_driver = {
	.name = "virtio-pci",
	.vendor = VIRTIO_PCI_VENDOR,
	.device_min = 0x1000,   /* transitional 0x1000-0x103f, modern 0x1040-0x107f */
	.device_max = 0x107f,
	.probe = vpci_probe,
};

void virtio_pci_init(void)
{
	pci_register_driver(&virtio_pci_driver);
}
