/* The virtio core: driver table, device list, the initialisation handshake
 * and interrupt dispatch. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/kmem.h>
#include <kern/page_alloc.h>
#include <kern/printf.h>
#include <kern/string.h>
#include "virtio/virtio.h"
#include "virtio/virtio_console.h"

/* Weak: the host unit tests link the core with the console driver only
 * (virtio/drivers/blk.c needs the kernel's device layer). */
extern const struct virtio_driver virtio_blk_driver __attribute__((weak));

#define MAX_DRIVERS 8
#define DEFAULT_QUEUE_SIZE 256

static const struct virtio_driver *drivers[MAX_DRIVERS];
static struct virtio_device *devices;
static unsigned ndevices;

int virtio_register_driver(const struct virtio_driver *drv)
{
	unsigned i;

	if (!drv || !drv->probe)
		return K_EINVAL;
	for (i = 0; i < MAX_DRIVERS && drivers[i]; i++)
		if (drivers[i]->device_id == drv->device_id)
			return K_EEXIST;
	if (i == MAX_DRIVERS)
		return K_ENOSPC;
	drivers[i] = drv;
	return 0;
}

void virtio_init(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	virtio_register_driver(&virtio_console_driver);
	if (&virtio_blk_driver)
		virtio_register_driver(&virtio_blk_driver);
	virtio_pci_init();
}

static const struct virtio_driver *find_driver(uint32_t id)
{
	for (unsigned i = 0; i < MAX_DRIVERS && drivers[i]; i++)
		if (drivers[i]->device_id == id)
			return drivers[i];
	return NULL;
}

static void set_status_bit(struct virtio_device *dev, uint8_t bit)
{
	dev->status |= bit;
	dev->ops->set_status(dev, dev->status);
}

/* Ring memory: one block from the page allocator per queue. */
static unsigned ring_order(unsigned size)
{
	unsigned order = 0;
	while (((size_t)PAGE_SIZE << order) < vq_mem_size(size))
		order++;
	return order;
}

static void free_queue(struct virtqueue *vq)
{
	page_free(virt_to_phys(vq->desc), ring_order(vq->size));
	kfree(vq);
}

static void free_queues(struct virtio_device *dev)
{
	for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		if (dev->queues[i])
			free_queue(dev->queues[i]);
		dev->queues[i] = NULL;
	}
}

/* Give up on a device that has not reached DRIVER_OK.  The device may not
 * touch its queues before DRIVER_OK, so their memory can go back now. */
static int fail(struct virtio_device *dev, int err, const char *why)
{
	kprintf("virtio: %s: %s (error %d); device marked FAILED\n", dev->name, why, err);
	set_status_bit(dev, VIRTIO_CONFIG_S_FAILED);
	free_queues(dev);
	dev->driver = NULL;
	return err;
}

int virtio_register_device(struct virtio_device *dev)
{
	const struct virtio_driver *drv;
	uint64_t offered;
	int err;

	if (!dev || !dev->ops)
		return K_EINVAL;
	dev->next = devices;
	devices = dev;
	ndevices++;

	/* 1. Reset: the device forgets anything a previous owner set up. */
	dev->status = 0;
	if ((err = dev->ops->reset(dev)) < 0)
		return fail(dev, err, "reset did not complete");
	/* 2. ACKNOWLEDGE: we have noticed the device. */
	set_status_bit(dev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	drv = find_driver(dev->id);
	if (!drv) {
		kprintf("virtio: %s: no driver for device type %u\n", dev->name, dev->id);
		return K_ENODEV;
	}
	/* 3. DRIVER: we know how to drive it. */
	set_status_bit(dev, VIRTIO_CONFIG_S_DRIVER);
	/* 4. Read what it offers; we only speak virtio 1.x. */
	offered = dev->ops->get_features(dev);
	if (!(offered & VIRTIO_FEATURE(VIRTIO_F_VERSION_1)))
		return fail(dev, K_ENODEV, "legacy device (no VIRTIO_F_VERSION_1)");
	/* 5. Accept the driver's wanted features that it offers, plus VERSION_1. */
	dev->features = offered & (drv->features | VIRTIO_FEATURE(VIRTIO_F_VERSION_1));
	dev->ops->set_features(dev, dev->features);
	/* 6. FEATURES_OK: our feature set is final. */
	set_status_bit(dev, VIRTIO_CONFIG_S_FEATURES_OK);
	/* 7. Re-read: the device clears FEATURES_OK if it cannot live with it. */
	if (!(dev->ops->get_status(dev) & VIRTIO_CONFIG_S_FEATURES_OK))
		return fail(dev, K_EIO, "device refused our features");
	/* 8. Interrupt routing, needed before queues exist (MSI-X vectors). */
	if ((err = dev->ops->request_irq(dev)) < 0)
		return fail(dev, err, "cannot attach its interrupt");
	/* 9. Driver-specific setup: queues, buffers, configuration reads. */
	dev->driver = drv;
	if ((err = drv->probe(dev)) < 0)
		return fail(dev, err, "driver probe failed");
	/* 10. DRIVER_OK: the device is live. */
	set_status_bit(dev, VIRTIO_CONFIG_S_DRIVER_OK);
	if (dev->ops->get_status(dev) & VIRTIO_CONFIG_S_NEEDS_RESET)
		kprintf("virtio: %s: device reports NEEDS_RESET\n", dev->name);

	/* Buffers added during probe could not be announced before DRIVER_OK.
	 * The device may already be interrupting into the same queues. */
	irqflags_t flags = arch_irq_save();
	for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++)
		if (dev->queues[i])
			vq_kick(dev->queues[i]);
	arch_irq_restore(flags);
	kprintf("virtio: %s: %s driver ready (features 0x%llx)\n", dev->name, drv->name,
		(unsigned long long)dev->features);
	if (drv->start)
		drv->start(dev);
	return 0;
}

static void notify_device(struct virtqueue *vq)
{
	struct virtio_device *dev = vq->owner;
	dev->ops->queue_notify(dev, vq->index);
}

int virtio_queue_setup(struct virtio_device *dev, unsigned index, unsigned max_size,
		       vq_callback_fn cb, void *priv, struct virtqueue **out)
{
	struct virtqueue *vq;
	unsigned limit, size, order;
	paddr_t pa;
	char *mem;
	int err;

	if (index >= VIRTIO_MAX_QUEUES || dev->queues[index] || max_size > VQ_MAX_SIZE)
		return K_EINVAL;
	limit = dev->ops->queue_max_size(dev, index);
	if (limit == 0)
		return K_ENOENT;
	limit = MIN(limit, max_size ? max_size : DEFAULT_QUEUE_SIZE);
	/* Split rings need a power of two. */
	for (size = 1; size * 2 <= limit; size *= 2)
		;

	vq = kzalloc(sizeof(*vq));
	if (!vq)
		return K_ENOMEM;
	order = ring_order(size);
	pa = order < PAGE_ORDER_MAX ? page_alloc(order) : PADDR_NONE;
	if (pa == PADDR_NONE) {
		kfree(vq);
		return K_ENOMEM;
	}
	mem = phys_to_virt(pa);
	if ((err = vq_init(vq, index, size, mem, notify_device, dev)) < 0)
		goto out_free;
	vq->callback = cb;
	vq->priv = priv;
	err = dev->ops->queue_setup(dev, index, size, pa,
				    pa + (paddr_t)((char *)vq->avail - mem),
				    pa + (paddr_t)((char *)vq->used - mem));
	if (err < 0)
		goto out_free;
	dev->queues[index] = vq;
	*out = vq;
	return 0;
out_free:
	page_free(pa, order);
	kfree(vq);
	return err;
}

int virtio_config_read(struct virtio_device *dev, unsigned offset, unsigned width, uint32_t *val)
{
	if (width != 1 && width != 2 && width != 4)
		return K_EINVAL;
	return dev->ops->read_config(dev, offset, width, val);
}

void virtio_interrupt(struct virtio_device *dev, unsigned why)
{
	dev->interrupts++;
	if (why & VIRTIO_IRQ_QUEUES) {
		for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
			struct virtqueue *vq = dev->queues[i];
			if (vq && vq->callback && vq_has_used(vq))
				vq->callback(vq);
		}
	}
	if ((why & VIRTIO_IRQ_CONFIG) && dev->driver && dev->driver->config_changed)
		dev->driver->config_changed(dev);
}

unsigned virtio_device_count(void)
{
	return ndevices;
}
