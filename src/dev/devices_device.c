/* The "devices" device: the registered devices as text, one line each,
 * "NAME SIZE RECORD_SIZE ro|rw" (device_describe), so that a program
 * (lsdev) can list what it may open.  GNU Mach has no such call; reading
 * a device keeps it inside the device interface.  Records are bytes:
 * recnum is the offset in the text, and a read past its end gives 0
 * bytes.  The text is made afresh for every read, so a reader going
 * through it in pieces may see a device come or go between them. */
#include <kern/device.h>
#include <kern/kmem.h>
#include <kern/string.h>

#define LIST_MAX KMALLOC_MAX

static int devices_read(struct device *dev, uint32_t mode, uint64_t recnum, void *buf,
			size_t len, size_t *done)
{
	*done = 0;
	char *text = kmalloc(LIST_MAX);
	if (text == NULL)
		return D_NO_MEMORY;
	size_t used = device_describe(text, LIST_MAX);
	if (recnum < used) {
		*done = MIN(len, used - (size_t)recnum);
		memcpy(buf, text + recnum, *done);
	}
	kfree(text);
	return D_SUCCESS;
}

static const struct device_ops devices_ops = {
	.read = devices_read,
};

static struct device devices_device = {
	.name = "devices",
	.ops = &devices_ops,
	.flags = DEVICE_READ_ONLY,
	.record_size = 1,
};

int devices_device_register(void)
{
	return device_register(&devices_device);
}
