/* The virtio core: devices found by a transport, drivers that know a device
 * type, and the initialisation handshake between them (virtio 1.x, 3.1.1).
 *
 *   transport (mmio.c, pci.c)  finds a device, fills a struct virtio_device
 *                              with its ops and calls virtio_register_device
 *   core (core/virtio.c)       negotiates features, creates virtqueues,
 *                              routes interrupts to queue callbacks
 *   driver (drivers/)          sets up its queues in probe, then does I/O
 *                              through virtqueue.h; never sees the transport
 *
 * Only modern (virtio 1.x) devices are supported: VIRTIO_F_VERSION_1 is
 * required of every device.  Multi-byte fields are little-endian in virtio
 * 1.x, as on every architecture we run on, so no byte swapping is done. */
#ifndef VIRTIO_VIRTIO_H
#define VIRTIO_VIRTIO_H

#include <kern/types.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include "virtio/virtqueue.h"

#define VIRTIO_MAX_QUEUES 8          /* per device; enough for our drivers */
#define VIRTIO_FEATURE(bit) (1ULL << (bit))

/* What a transport interrupt says happened.  QUEUES means "some queue may
 * have used buffers": the core checks each queue of the device. */
#define VIRTIO_IRQ_QUEUES 0x1u
#define VIRTIO_IRQ_CONFIG 0x2u

struct virtio_device;

/* What every transport provides.  Status and feature words are the
 * registers of the spec; queue_* address the queue selected by index. */
struct virtio_transport_ops {
	/* Write status 0 and wait (bounded) until the device reads back 0. */
	int (*reset)(struct virtio_device *dev);
	uint8_t (*get_status)(struct virtio_device *dev);
	void (*set_status)(struct virtio_device *dev, uint8_t status);
	/* All 64 feature bits the device offers / the driver accepts. */
	uint64_t (*get_features)(struct virtio_device *dev);
	void (*set_features)(struct virtio_device *dev, uint64_t features);
	/* Device-specific configuration: width 1, 2 or 4 bytes at offset.
	 * K_EINVAL outside the device's configuration space. */
	int (*read_config)(struct virtio_device *dev, unsigned offset, unsigned width, uint32_t *val);
	/* Largest size the device allows for queue index; 0 if no such queue. */
	unsigned (*queue_max_size)(struct virtio_device *dev, unsigned index);
	/* Tell the device where the rings of queue index are, and enable it. */
	int (*queue_setup)(struct virtio_device *dev, unsigned index, unsigned size,
			   paddr_t desc, paddr_t avail, paddr_t used);
	void (*queue_notify)(struct virtio_device *dev, unsigned index);
	/* Attach the device's interrupt (wired line or MSI-X) so that it ends in
	 * virtio_interrupt().  Called once, before the driver's probe, because
	 * PCI needs its MSI-X vector before queues are enabled. */
	int (*request_irq)(struct virtio_device *dev);
};

struct virtio_device {
	const struct virtio_transport_ops *ops;
	void *transport;                  /* the transport's own state */
	char name[40];                    /* for messages: "virtio-mmio@0xfeb00e00" */
	uint32_t id;                      /* VIRTIO_ID_* */
	uint64_t features;                /* negotiated */
	uint8_t status;                   /* last status written */
	const struct virtio_driver *driver;
	void *driver_priv;
	struct virtqueue *queues[VIRTIO_MAX_QUEUES];
	uint64_t interrupts;              /* delivered so far (diagnostics, tests) */
	struct virtio_device *next;       /* all registered devices */
};

struct virtio_driver {
	const char *name;
	uint32_t device_id;               /* VIRTIO_ID_* it drives */
	uint64_t features;                /* optional features it can use */
	/* Set up queues and state; may add buffers but must not kick. */
	int (*probe)(struct virtio_device *dev);
	/* Optional: the device is live (DRIVER_OK); e.g. register a console. */
	void (*start)(struct virtio_device *dev);
	/* Optional, interrupt context: device configuration changed. */
	void (*config_changed)(struct virtio_device *dev);
};

/* Register the built-in drivers and transports' bus drivers.  Once, before
 * the arch probes devices. */
void virtio_init(void);
int virtio_register_driver(const struct virtio_driver *drv);

/* Called by a transport for each device it finds: runs the handshake and
 * the driver.  On failure the device is left FAILED and an error returned. */
int virtio_register_device(struct virtio_device *dev);
/* Called by a transport's interrupt handler. */
void virtio_interrupt(struct virtio_device *dev, unsigned why);

/* For drivers, from probe: create queue index with at most max_size
 * entries (0: as many as the device allows, capped at 256).  cb (may be
 * NULL) runs in interrupt context when the queue has used buffers. */
int virtio_queue_setup(struct virtio_device *dev, unsigned index, unsigned max_size,
		       vq_callback_fn cb, void *priv, struct virtqueue **out);
int virtio_config_read(struct virtio_device *dev, unsigned offset, unsigned width, uint32_t *val);
static inline bool virtio_has_feature(const struct virtio_device *dev, unsigned bit)
{
	return (dev->features & VIRTIO_FEATURE(bit)) != 0;
}
/* Number of registered devices (bound to a driver or not). */
unsigned virtio_device_count(void);

/* --- Transports: discovery entry points for the arch ------------------ */

/* Probe one virtio-mmio window.  0 for a device (bound or not) and for an
 * empty slot (device id 0, ignored quietly); K_ENODEV if the window holds
 * no usable virtio-mmio device (a message says why). */
int virtio_mmio_probe(paddr_t base, size_t size, unsigned irq);
/* Probe every "virtio,mmio" node of a device tree (transport/mmio_dt.c). */
void virtio_mmio_probe_dt(const void *dtb);
/* Probe every virtio_mmio.device= entry of the kernel command line. */
void virtio_mmio_probe_cmdline(void);
/* Register the virtio-pci driver with the PCI layer (from virtio_init). */
void virtio_pci_init(void);

#endif
