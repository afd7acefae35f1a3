/* virtio-mmio transport, version 2 ("modern") register layout (virtio 1.x,
 * 4.2.2).  Legacy version-1 devices are refused: QEMU creates those by
 * default for virtio-mmio, so run it with
 *     -global virtio-mmio.force-legacy=false
 * Devices are described by the command line (virtio_mmio.device=..., as QEMU
 * microvm passes them with acpi=off) or by platform code calling
 * virtio_mmio_probe() (device tree, ACPI). */
#include <kern/arch.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/kmem.h>
#include <kern/printf.h>
#include <linux/virtio_mmio.h>
#include "virtio/virtio.h"
#include "virtio/transport/mmio_cmdline.h"

#define MMIO_MAGIC        0x74726976u   /* "virt" */
#define MMIO_MIN_WINDOW   0x100u        /* registers; config space follows */
#define RESET_SPINS       1000000u

struct mmio_dev {
	struct virtio_device vdev;
	volatile uint8_t *regs;
	size_t size;                 /* of the window: bounds config reads */
	unsigned irq;
};

static struct mmio_dev *to_mmio(struct virtio_device *dev) { return dev->transport; }
static uint32_t rd(struct mmio_dev *m, unsigned off) { return mmio_read32(m->regs + off); }
static void wr(struct mmio_dev *m, unsigned off, uint32_t v) { mmio_write32(m->regs + off, v); }

static uint8_t mmio_get_status(struct virtio_device *dev)
{
	return (uint8_t)rd(to_mmio(dev), VIRTIO_MMIO_STATUS);
}

static void mmio_set_status(struct virtio_device *dev, uint8_t status)
{
	wr(to_mmio(dev), VIRTIO_MMIO_STATUS, status);
}

static int mmio_reset(struct virtio_device *dev)
{
	wr(to_mmio(dev), VIRTIO_MMIO_STATUS, 0);
	for (unsigned i = 0; i < RESET_SPINS; i++) {
		if (mmio_get_status(dev) == 0)
			return 0;
		arch_cpu_relax();
	}
	return K_ETIMEDOUT;
}

static uint64_t mmio_get_features(struct virtio_device *dev)
{
	struct mmio_dev *m = to_mmio(dev);
	uint64_t hi, lo;

	wr(m, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	hi = rd(m, VIRTIO_MMIO_DEVICE_FEATURES);
	wr(m, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	lo = rd(m, VIRTIO_MMIO_DEVICE_FEATURES);
	return hi << 32 | lo;
}

static void mmio_set_features(struct virtio_device *dev, uint64_t features)
{
	struct mmio_dev *m = to_mmio(dev);

	wr(m, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(m, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	wr(m, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(m, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
}

static int mmio_read_config(struct virtio_device *dev, unsigned off, unsigned width, uint32_t *val)
{
	struct mmio_dev *m = to_mmio(dev);
	volatile uint8_t *p = m->regs + VIRTIO_MMIO_CONFIG + off;

	if (off % width != 0 || VIRTIO_MMIO_CONFIG + (size_t)off + width > m->size)
		return K_EINVAL;
	switch (width) {
	case 1: *val = mmio_read8(p); return 0;
	case 2: *val = mmio_read16(p); return 0;
	case 4: *val = mmio_read32(p); return 0;
	}
	return K_EINVAL;
}

static unsigned mmio_queue_max_size(struct virtio_device *dev, unsigned index)
{
	struct mmio_dev *m = to_mmio(dev);

	wr(m, VIRTIO_MMIO_QUEUE_SEL, index);
	if (rd(m, VIRTIO_MMIO_QUEUE_READY) != 0)
		return 0;   /* in use already: not ours to set up */
	return rd(m, VIRTIO_MMIO_QUEUE_NUM_MAX);
}

static int mmio_queue_setup(struct virtio_device *dev, unsigned index, unsigned size,
			    paddr_t desc, paddr_t avail, paddr_t used)
{
	struct mmio_dev *m = to_mmio(dev);

	wr(m, VIRTIO_MMIO_QUEUE_SEL, index);
	wr(m, VIRTIO_MMIO_QUEUE_NUM, size);
	wr(m, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(m, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(m, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
	wr(m, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(avail >> 32));
	wr(m, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
	wr(m, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(used >> 32));
	wr(m, VIRTIO_MMIO_QUEUE_READY, 1);
	return rd(m, VIRTIO_MMIO_QUEUE_READY) == 1 ? 0 : K_EIO;
}

static void mmio_queue_notify(struct virtio_device *dev, unsigned index)
{
	wr(to_mmio(dev), VIRTIO_MMIO_QUEUE_NOTIFY, index);
}

static void mmio_interrupt(void *arg)
{
	struct mmio_dev *m = arg;
	uint32_t st = rd(m, VIRTIO_MMIO_INTERRUPT_STATUS);
	unsigned why = 0;

	if (st == 0)
		return;   /* spurious, or a shared line */
	/* Acknowledge first: an event after this raises a fresh interrupt,
	 * and the dispatch below looks at every queue anyway. */
	wr(m, VIRTIO_MMIO_INTERRUPT_ACK, st);
	if (st & VIRTIO_MMIO_INT_VRING)
		why |= VIRTIO_IRQ_QUEUES;
	if (st & VIRTIO_MMIO_INT_CONFIG)
		why |= VIRTIO_IRQ_CONFIG;
	virtio_interrupt(&m->vdev, why);
}

static int mmio_request_irq(struct virtio_device *dev)
{
	struct mmio_dev *m = to_mmio(dev);
	return arch_irq_attach(m->irq, IRQ_EDGE, mmio_interrupt, m);
}

static const struct virtio_transport_ops mmio_ops = {
	.reset = mmio_reset,
	.get_status = mmio_get_status,
	.set_status = mmio_set_status,
	.get_features = mmio_get_features,
	.set_features = mmio_set_features,
	.read_config = mmio_read_config,
	.queue_max_size = mmio_queue_max_size,
	.queue_setup = mmio_queue_setup,
	.queue_notify = mmio_queue_notify,
	.request_irq = mmio_request_irq,
};

/* Map [base, base+size) even when base is not page aligned (QEMU packs
 * 512-byte windows), whatever ioremap does with offsets. */
static volatile uint8_t *map_window(paddr_t base, size_t size)
{
	paddr_t start = ALIGN_DOWN(base, (paddr_t)PAGE_SIZE);
	paddr_t end = ALIGN_UP(base + size, (paddr_t)PAGE_SIZE);
	uint8_t *va = ioremap(start, (size_t)(end - start));
	return va ? va + (base - start) : NULL;
}

int virtio_mmio_probe(paddr_t base, size_t size, unsigned irq)
{
	volatile uint8_t *regs;
	struct mmio_dev *m;
	uint32_t magic, version, id;

	if (size < MMIO_MIN_WINDOW || base + size < base) {
		kprintf("virtio-mmio@0x%llx: window of %zu bytes is too small\n",
			(unsigned long long)base, size);
		return K_EINVAL;
	}
	regs = map_window(base, size);
	if (!regs)
		return K_ENOMEM;
	magic = mmio_read32(regs + VIRTIO_MMIO_MAGIC_VALUE);
	version = mmio_read32(regs + VIRTIO_MMIO_VERSION);
	id = mmio_read32(regs + VIRTIO_MMIO_DEVICE_ID);
	if (magic != MMIO_MAGIC) {
		kprintf("virtio-mmio@0x%llx: bad magic 0x%x, not a virtio device\n",
			(unsigned long long)base, magic);
		return K_ENODEV;
	}
	if (id == 0)
		return 0;   /* an empty slot: QEMU always creates a few */
	if (version == 1) {
		kprintf("virtio-mmio@0x%llx: legacy (version 1) device, not supported; "
			"with QEMU pass -global virtio-mmio.force-legacy=false\n",
			(unsigned long long)base);
		return K_ENODEV;
	}
	if (version != 2) {
		kprintf("virtio-mmio@0x%llx: unknown version %u\n", (unsigned long long)base, version);
		return K_ENODEV;
	}

	m = kzalloc(sizeof(*m));
	if (!m)
		return K_ENOMEM;
	m->regs = regs;
	m->size = size;
	m->irq = irq;
	m->vdev.ops = &mmio_ops;
	m->vdev.transport = m;
	m->vdev.id = id;
	ksnprintf(m->vdev.name, sizeof(m->vdev.name), "virtio-mmio@0x%llx", (unsigned long long)base);
	/* The device stays registered even if no driver takes it; a driver
	 * failure has been reported by the core. */
	virtio_register_device(&m->vdev);
	return 0;
}

static void probe_cmdline_entry(const char *val, size_t len, void *arg)
{
	struct virtio_mmio_slot slot;
	const char *why = "too large";
	char text[64];
	(void)arg;

	if (virtio_mmio_parse_device(val, len, &slot, &why) == 0 && slot.size <= SIZE_MAX) {
		virtio_mmio_probe(slot.base, (size_t)slot.size, slot.irq);
		return;
	}
	/* The value is a slice of the command line, not a C string. */
	len = MIN(len, sizeof(text) - 1);
	for (size_t i = 0; i < len; i++)
		text[i] = val[i];
	text[len] = '\0';
	kprintf("virtio-mmio: ignoring virtio_mmio.device=%s: %s\n", text, why);
}

void virtio_mmio_probe_cmdline(void)
{
	cmdline_foreach("virtio_mmio.device", probe_cmdline_entry, NULL);
}
