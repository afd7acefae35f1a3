/* device.defs: the device master and device ports (kern/device.h holds
 * the devices themselves).  Semantics and codes follow GNU Mach's
 * ds_routines.c: device_open on anything but the device master is
 * D_INVALID_OPERATION, an unknown name or a device port that is not
 * (or no longer) open D_NO_SUCH_DEVICE, an operation the device lacks
 * D_INVALID_OPERATION.  Every call is answered at once (no D_IO_QUEUED);
 * bytes move through kernel buffers a chunk at a time.
 *
 * The stubs turn the request port into a device with dev_port_lookup,
 * which takes a reference (NULL for a port that is no device), and drop
 * it with device_deallocate after the routine; device_open's result goes
 * back through convert_device_to_port, which consumes its reference. */
#include <kern/arch.h>
#include <kern/device.h>
#include <kern/errno.h>
#include <kern/page_alloc.h>
#include <kern/string.h>
#include "routines.h"

/* ---- conversions ------------------------------------------------------ */

struct device *dev_port_lookup(struct ipc_port *port)
{
	return device_from_port(port);
}

void device_deallocate(struct device *device)
{
	device_release(device);
}

struct ipc_port *convert_device_to_port(struct device *device)
{
	if (device == NULL)
		return NULL;
	irqflags_t f = arch_irq_save();
	struct ipc_port *port = device->port;
	struct ipc_port *right = port && port->active ? ipc_port_make_send(port) : NULL;
	arch_irq_restore(f);
	device_release(device);
	return right;
}

/* ---- open and close --------------------------------------------------- */

static bool is_master(struct ipc_port *port)
{
	irqflags_t f = arch_irq_save();
	bool yes = IPC_PORT_VALID(port) && port->active && port->kotype == IKOT_DEVICE_MASTER;
	arch_irq_restore(f);
	return yes;
}

kern_return_t ds_device_open(struct ipc_port *master, struct ipc_port *reply,
			     mach_msg_type_name_t reply_type, uint32_t mode, const char *name,
			     struct device **device)
{
	if (!is_master(master))
		return D_INVALID_OPERATION;
	struct device *dev = device_lookup(name, strnlen(name, DEVICE_NAME_MAX));
	if (dev == NULL)
		return D_NO_SUCH_DEVICE;
	int rc = device_open_count(dev, mode);
	if (rc != D_SUCCESS) {
		device_release(dev);
		return rc;
	}
	*device = dev;   /* the lookup's reference goes to convert_device_to_port */
	return KERN_SUCCESS;
}

/* device_open_new is device_open with another message id (GNU Mach
 * serves both the same way). */
kern_return_t ds_device_open_new(struct ipc_port *master, struct ipc_port *reply,
				 mach_msg_type_name_t reply_type, uint32_t mode,
				 const char *name, struct device **device)
{
	return ds_device_open(master, reply, reply_type, mode, name, device);
}

kern_return_t ds_device_close(struct device *device)
{
	if (device == NULL)
		return D_NO_SUCH_DEVICE;
	return device_close_count(device);
}

/* A device the caller may work on: D_SUCCESS or why not. */
static int usable(struct device *device)
{
	return device && device_is_open(device) ? D_SUCCESS : D_NO_SUCH_DEVICE;
}

/* The record a chunk at byte off of a transfer starting at recnum
 * begins at (device_register made sure chunks start on records). */
static uint64_t chunk_recnum(const struct device *dev, uint64_t recnum, uint64_t off)
{
	return recnum + off / (dev->record_size ? dev->record_size : 1);
}

/* ---- write -------------------------------------------------------------- */

/* Give buf to the device's write in chunks; *written counts the bytes it
 * took.  Stops at the first short write. */
static int write_chunks(struct device *dev, uint32_t mode, uint64_t recnum, uint64_t off,
			const char *buf, size_t len, uint64_t *written)
{
	for (size_t at = 0; at < len;) {
		size_t n = MIN(len - at, (size_t)DEVICE_IO_CHUNK), done = 0;
		int rc = dev->ops->write(dev, mode, chunk_recnum(dev, recnum, off + at), buf + at,
					 n, &done);
		if (rc != D_SUCCESS)
			return rc;
		done = MIN(done, n);
		*written += done;
		at += done;
		if (done < n)
			break;
	}
	return D_SUCCESS;
}

static int write_check(struct device *dev)
{
	int rc = usable(dev);
	if (rc != D_SUCCESS)
		return rc;
	if (dev->flags & DEVICE_READ_ONLY)
		return D_READ_ONLY;
	return dev->ops->write ? D_SUCCESS : D_INVALID_OPERATION;
}

kern_return_t ds_device_write(struct device *device, struct ipc_port *reply,
			      mach_msg_type_name_t reply_type, uint32_t mode, uint64_t recnum,
			      uintptr_t data, uint32_t data_count, int32_t *bytes_written)
{
	int rc = write_check(device);
	if (rc != D_SUCCESS)
		return rc;
	const struct ipc_ool *ool = (const struct ipc_ool *)data;
	if (data_count > INT32_MAX || (data_count && (ool == NULL || ool->size < data_count)))
		return D_INVALID_SIZE;
	uint64_t written = 0;
	if (data_count) {
		paddr_t pa = page_alloc(0);
		if (pa == PADDR_NONE)
			return D_NO_MEMORY;
		char *page = phys_to_virt(pa);
		for (uint64_t off = 0; rc == D_SUCCESS && off < data_count; off += PAGE_SIZE) {
			size_t n = MIN((uint64_t)PAGE_SIZE, data_count - off);
			uint64_t before = written;
			if (ipc_ool_read(ool, off, page, n) != K_OK)
				rc = D_INVALID_SIZE;
			else
				rc = write_chunks(device, mode, recnum, off, page, n, &written);
			if (rc == D_SUCCESS && written - before < n)
				break;   /* the device took less: report what it took */
		}
		page_free(pa, 0);
	}
	if (rc != D_SUCCESS)
		return rc;
	*bytes_written = (int32_t)written;
	return KERN_SUCCESS;
}

kern_return_t ds_device_write_inband(struct device *device, struct ipc_port *reply,
				     mach_msg_type_name_t reply_type, uint32_t mode,
				     uint64_t recnum, const char *data, uint32_t data_count,
				     int32_t *bytes_written)
{
	int rc = write_check(device);
	if (rc != D_SUCCESS)
		return rc;
	if (data_count > IO_INBAND_MAX)
		return D_INVALID_SIZE;
	uint64_t written = 0;
	rc = write_chunks(device, mode, recnum, 0, data, data_count, &written);
	if (rc != D_SUCCESS)
		return rc;
	*bytes_written = (int32_t)written;
	return KERN_SUCCESS;
}

/* ---- read --------------------------------------------------------------- */

static int read_check(struct device *dev, int32_t bytes_wanted)
{
	int rc = usable(dev);
	if (rc != D_SUCCESS)
		return rc;
	if (dev->ops->read == NULL)
		return D_INVALID_OPERATION;
	return bytes_wanted < 0 ? D_INVALID_SIZE : D_SUCCESS;
}

/* Fill buf from the device in chunks until len bytes or a short read;
 * *got counts them.  Nothing available at all is the device's error
 * (D_WOULD_BLOCK); running dry later just ends the transfer. */
static int read_chunks(struct device *dev, uint32_t mode, uint64_t recnum, uint64_t off,
		       char *buf, size_t len, uint64_t *got)
{
	for (size_t at = 0; at < len;) {
		size_t n = MIN(len - at, (size_t)DEVICE_IO_CHUNK), done = 0;
		int rc = dev->ops->read(dev, mode, chunk_recnum(dev, recnum, off + at), buf + at, n,
					&done);
		if (rc != D_SUCCESS)
			return *got > 0 && rc == D_WOULD_BLOCK ? D_SUCCESS : rc;
		done = MIN(done, n);
		*got += done;
		at += done;
		if (done < n)
			break;
	}
	return D_SUCCESS;
}

/* A region holding the first len bytes of ool (which is freed), or NULL
 * when out of memory. */
static struct ipc_ool *ool_shrink(struct ipc_ool *ool, uint64_t len, char *page)
{
	struct ipc_ool *small = ipc_ool_alloc(len);
	if (small == NULL)
		return NULL;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		size_t n = MIN((uint64_t)PAGE_SIZE, len - off);
		ipc_ool_read(ool, off, page, n);
		ipc_ool_write(small, off, page, n);
	}
	ipc_ool_free(ool);
	return small;
}

/* A region holding len bytes of page. */
static struct ipc_ool *ool_of_page(const char *page, uint64_t len)
{
	struct ipc_ool *ool = ipc_ool_alloc(len);
	if (ool)
		ipc_ool_write(ool, 0, page, len);
	return ool;
}

/* Read the rest of a transfer whose first page (got bytes, all it asked
 * for) is in page into a region of wanted bytes; the region is then cut
 * to what was read, so the receiver's memory holds no tail of zeroes it
 * did not ask about. */
static int read_rest(struct device *dev, uint32_t mode, uint64_t recnum, uint64_t wanted,
		     char *page, uint64_t *got, struct ipc_ool **out)
{
	struct ipc_ool *ool = ipc_ool_alloc(wanted);
	if (ool == NULL)
		return D_NO_MEMORY;
	ipc_ool_write(ool, 0, page, *got);
	int rc = D_SUCCESS;
	for (uint64_t off = PAGE_SIZE; rc == D_SUCCESS && off < wanted; off += PAGE_SIZE) {
		size_t n = MIN((uint64_t)PAGE_SIZE, wanted - off);
		uint64_t before = *got;
		rc = read_chunks(dev, mode, recnum, off, page, n, got);
		if (*got > before)
			ipc_ool_write(ool, off, page, *got - before);
		if (*got - before < n)
			break;
	}
	if (rc == D_SUCCESS && *got < wanted) {
		struct ipc_ool *small = ool_shrink(ool, *got, page);
		if (small == NULL)
			rc = D_NO_MEMORY;
		else
			ool = small;   /* ool_shrink freed the old one */
	}
	if (rc != D_SUCCESS) {
		ipc_ool_free(ool);
		return rc;
	}
	*out = ool;
	return D_SUCCESS;
}

kern_return_t ds_device_read(struct device *device, struct ipc_port *reply,
			     mach_msg_type_name_t reply_type, uint32_t mode, uint64_t recnum,
			     int32_t bytes_wanted, uintptr_t *data, uint32_t *data_count)
{
	int rc = read_check(device, bytes_wanted);
	if (rc != D_SUCCESS)
		return rc;
	uint64_t wanted = (uint64_t)bytes_wanted;
	if (wanted > IPC_KMSG_OOL_MAX)
		return D_INVALID_SIZE;
	if (wanted == 0) {
		*data = 0;
		*data_count = 0;
		return KERN_SUCCESS;
	}
	paddr_t pa = page_alloc(0);
	if (pa == PADDR_NONE)
		return D_NO_MEMORY;
	char *page = phys_to_virt(pa);
	/* The first page decides: a short read (the console's usual) needs a
	 * region of just its bytes, not one of everything asked for. */
	uint64_t got = 0, first = MIN(wanted, (uint64_t)PAGE_SIZE);
	struct ipc_ool *ool = NULL;
	rc = read_chunks(device, mode, recnum, 0, page, first, &got);
	if (rc == D_SUCCESS && got > 0 && (got < first || wanted == first)) {
		ool = ool_of_page(page, got);
		if (ool == NULL)
			rc = D_NO_MEMORY;
	} else if (rc == D_SUCCESS && got > 0) {
		rc = read_rest(device, mode, recnum, wanted, page, &got, &ool);
	}
	page_free(pa, 0);
	if (rc != D_SUCCESS)
		return rc;
	*data = (uintptr_t)ool;
	*data_count = (uint32_t)got;
	return KERN_SUCCESS;
}

kern_return_t ds_device_read_inband(struct device *device, struct ipc_port *reply,
				    mach_msg_type_name_t reply_type, uint32_t mode,
				    uint64_t recnum, int32_t bytes_wanted, char *data,
				    uint32_t *data_count)
{
	int rc = read_check(device, bytes_wanted);
	if (rc != D_SUCCESS)
		return rc;
	/* At most what the reply has room for (*data_count on entry), as
	 * GNU Mach clips an in-band read. */
	size_t len = MIN((size_t)bytes_wanted, (size_t)*data_count);
	uint64_t got = 0;
	rc = read_chunks(device, mode, recnum, 0, data, len, &got);
	if (rc != D_SUCCESS)
		return rc;
	*data_count = (uint32_t)got;
	return KERN_SUCCESS;
}

/* ---- status ------------------------------------------------------------- */

/* The flavors every device answers from its size and record size. */
static int generic_status(struct device *dev, uint32_t flavor, int32_t *status,
			  uint32_t *count)
{
	if (flavor != DEV_GET_SIZE && flavor != DEV_GET_RECORDS)
		return D_INVALID_OPERATION;
	if (*count < 2)
		return D_INVALID_SIZE;
	uint64_t rs = dev->record_size ? dev->record_size : 1;
	uint64_t value = flavor == DEV_GET_SIZE ? dev->size : dev->size / rs;
	/* One int each: a size past INT32_MAX reads as INT32_MAX (callers
	 * that care ask for records). */
	status[0] = (int32_t)MIN(value, (uint64_t)INT32_MAX);
	status[1] = (int32_t)rs;
	*count = 2;
	return D_SUCCESS;
}

kern_return_t ds_device_get_status(struct device *device, uint32_t flavor, int32_t *status,
				   uint32_t *status_count)
{
	int rc = usable(device);
	if (rc != D_SUCCESS)
		return rc;
	if (*status_count > DEV_STATUS_MAX)
		*status_count = DEV_STATUS_MAX;
	uint32_t room = *status_count;
	rc = D_INVALID_OPERATION;
	if (device->ops->get_status) {
		rc = device->ops->get_status(device, flavor, status, status_count);
		if (*status_count > room)
			*status_count = room;   /* a driver cannot overrun the reply */
	}
	if (rc == D_INVALID_OPERATION) {
		*status_count = room;
		rc = generic_status(device, flavor, status, status_count);
	}
	return rc;
}

kern_return_t ds_device_set_status(struct device *device, uint32_t flavor,
				   const int32_t *status, uint32_t status_count)
{
	int rc = usable(device);
	if (rc != D_SUCCESS)
		return rc;
	if (device->ops->set_status == NULL)
		return D_INVALID_OPERATION;
	if (status_count > DEV_STATUS_MAX)
		return D_INVALID_SIZE;
	return device->ops->set_status(device, flavor, status, status_count);
}

/* No device is mappable yet (the mapped time device will be). */
/* The pager port of a device that can be mapped; vm_map (vm_server.c)
 * maps it.  The range is checked here and again when mapped. */
kern_return_t ds_device_map(struct device *device, uint32_t prot, uintptr_t offset,
			    uintptr_t size, struct ipc_port **pager, int32_t unmap)
{
	int rc = usable(device);
	if (rc != D_SUCCESS)
		return rc;
	if (device->ops->map == NULL)
		return D_INVALID_OPERATION;
	paddr_t pa;
	unsigned max_prot;
	rc = device->ops->map(device, offset, size, &pa, &max_prot);
	if (rc != D_SUCCESS)
		return rc;
	if (prot & ~max_prot)
		return D_READ_ONLY;
	*pager = device_pager_right(device);
	return *pager ? D_SUCCESS : D_NO_MEMORY;
}
