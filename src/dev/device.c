/* The registry of named devices (kern/device.h): a list of drivers'
 * struct device, each with the kernel-object port tasks reach it by.
 *
 * Registry, counts and references are touched with interrupts disabled
 * (one CPU; the IPC core's rule too, since ports are made and killed
 * here).  A device is never freed by the registry: the driver owns the
 * struct, and device_unregister refuses while anyone is using it. */
#include <ipc/port.h>
#include <kern/arch.h>
#include <kern/device.h>
#include <kern/errno.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <kern/time_device.h>

static struct list devices = LIST_INIT(devices);
static size_t ndevices;

/* The registered device called name, or NULL (interrupts disabled). */
static struct device *find(const char *name, size_t len)
{
	list_foreach(it, &devices) {
		struct device *dev = list_entry(it, struct device, link);
		if (strlen(dev->name) == len && memcmp(dev->name, name, len) == 0)
			return dev;
	}
	return NULL;
}

int device_register(struct device *dev)
{
	if (dev == NULL || dev->name == NULL || dev->ops == NULL)
		return K_EINVAL;
	size_t len = strnlen(dev->name, DEVICE_NAME_MAX);
	if (len == 0 || len >= DEVICE_NAME_MAX)
		return K_EINVAL;
	/* Transfers are cut into DEVICE_IO_CHUNK pieces that must start on
	 * a record. */
	uint32_t rs = dev->record_size ? dev->record_size : 1;
	if (DEVICE_IO_CHUNK % rs != 0)
		return K_EINVAL;

	irqflags_t f = arch_irq_save();
	if (find(dev->name, len)) {
		arch_irq_restore(f);
		return K_EEXIST;
	}
	struct ipc_port *port = ipc_port_alloc();
	if (port == NULL) {
		arch_irq_restore(f);
		return K_ENOMEM;
	}
	ipc_port_set_kobject(port, IKOT_DEVICE, dev);
	dev->port = port;
	dev->open_count = 0;
	dev->refs = 1;
	dev->pager = NULL;
	list_push_back(&devices, &dev->link);
	ndevices++;
	arch_irq_restore(f);
	return K_OK;
}

int device_unregister(struct device *dev)
{
	irqflags_t f = arch_irq_save();
	if (dev == NULL || dev->port == NULL) {
		arch_irq_restore(f);
		return K_EINVAL;
	}
	if (dev->open_count > 0 || dev->refs > 1) {
		arch_irq_restore(f);
		return K_EBUSY;
	}
	list_remove(&dev->link);
	ndevices--;
	struct ipc_port *port = dev->port;
	dev->port = NULL;
	dev->refs = 0;
	/* The port dies (its kernel object with it): rights tasks hold
	 * become dead names, and a request already in flight finds no
	 * device. */
	ipc_port_destroy(port);
	ipc_port_release(port);
	if (dev->pager) {
		ipc_port_destroy(dev->pager);
		ipc_port_release(dev->pager);
		dev->pager = NULL;
	}
	arch_irq_restore(f);
	return K_OK;
}

struct ipc_port *device_pager_right(struct device *dev)
{
	if (dev->pager == NULL) {
		struct ipc_port *port = ipc_port_alloc();
		if (port == NULL)
			return NULL;
		ipc_port_set_kobject(port, IKOT_PAGER, dev);
		irqflags_t f = arch_irq_save();
		if (dev->pager == NULL) {
			dev->pager = port;
			port = NULL;
		}
		arch_irq_restore(f);
		if (port) {   /* made twice: keep the first */
			ipc_port_destroy(port);
			ipc_port_release(port);
		}
	}
	irqflags_t f = arch_irq_save();
	struct ipc_port *right = dev->pager->active ? ipc_port_make_send(dev->pager) : NULL;
	arch_irq_restore(f);
	return right;
}

struct device *device_from_pager(struct ipc_port *port)
{
	irqflags_t f = arch_irq_save();
	struct device *dev = NULL;
	if (IPC_PORT_VALID(port) && port->active && port->kotype == IKOT_PAGER) {
		dev = port->kobject;
		dev->refs++;
	}
	arch_irq_restore(f);
	return dev;
}

struct device *device_lookup(const char *name, size_t len)
{
	if (name == NULL || len == 0 || len >= DEVICE_NAME_MAX)
		return NULL;
	irqflags_t f = arch_irq_save();
	struct device *dev = find(name, len);
	if (dev)
		dev->refs++;
	arch_irq_restore(f);
	return dev;
}

struct device *device_from_port(struct ipc_port *port)
{
	irqflags_t f = arch_irq_save();
	struct device *dev = NULL;
	if (IPC_PORT_VALID(port) && port->active && port->kotype == IKOT_DEVICE) {
		dev = port->kobject;
		dev->refs++;
	}
	arch_irq_restore(f);
	return dev;
}

void device_reference(struct device *dev)
{
	irqflags_t f = arch_irq_save();
	dev->refs++;
	arch_irq_restore(f);
}

void device_release(struct device *dev)
{
	if (dev == NULL)
		return;
	irqflags_t f = arch_irq_save();
	if (dev->refs > 0)
		dev->refs--;
	arch_irq_restore(f);
}

int device_open_count(struct device *dev, uint32_t mode)
{
	if ((mode & D_WRITE) && (dev->flags & DEVICE_READ_ONLY))
		return D_READ_ONLY;
	/* The driver's open runs with interrupts on; it may refuse. */
	if (dev->ops->open) {
		int rc = dev->ops->open(dev, mode);
		if (rc != D_SUCCESS)
			return rc;
	}
	irqflags_t f = arch_irq_save();
	dev->open_count++;
	arch_irq_restore(f);
	return D_SUCCESS;
}

int device_close_count(struct device *dev)
{
	irqflags_t f = arch_irq_save();
	if (dev->open_count == 0) {
		arch_irq_restore(f);
		return D_NO_SUCH_DEVICE;
	}
	bool last = --dev->open_count == 0;
	arch_irq_restore(f);
	if (last && dev->ops->close)
		dev->ops->close(dev);
	return D_SUCCESS;
}

bool device_is_open(const struct device *dev)
{
	return dev->open_count > 0;
}

size_t device_count(void)
{
	return ndevices;
}

size_t device_describe(char *buf, size_t size)
{
	size_t used = 0;
	irqflags_t f = arch_irq_save();
	list_foreach(it, &devices) {
		const struct device *dev = list_entry(it, struct device, link);
		int n = ksnprintf(buf + used, size - used, "%s %llu %u %s\n", dev->name,
				  (unsigned long long)dev->size,
				  dev->record_size ? dev->record_size : 1,
				  dev->flags & DEVICE_READ_ONLY ? "ro" : "rw");
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	arch_irq_restore(f);
	return used;
}

void device_init(void)
{
	int rc = console_device_register();
	if (rc != K_OK)
		kprintf("device: the console device was not registered (%d)\n", rc);
	/* The initrd as "rd0" (none without an initrd), the clock as "time". */
	rc = ramdisk_register();
	if (rc != K_OK && rc != K_ENOENT)
		kprintf("device: the RAM disk was not registered (%d)\n", rc);
	rc = time_device_register();
	if (rc != K_OK)
		kprintf("device: the time device was not registered (%d)\n", rc);
	rc = devices_device_register();
	if (rc != K_OK)
		kprintf("device: the device list was not registered (%d)\n", rc);
}
