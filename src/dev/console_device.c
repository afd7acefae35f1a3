/* The "console" device: GNU Mach's name for the system console, the one
 * boot programs open to print.  Writes go to every registered console
 * (kern/console.h) like the kernel's own output; reads take what the
 * console drivers have buffered from the keyboard or serial line.
 *
 * A read returns what is buffered, at least one byte: with nothing typed
 * it sleeps until something is (D_NOWAIT: D_WOULD_BLOCK at once).  A
 * sleep cut short (thread_abort, the task ending) answers D_WOULD_BLOCK
 * with nothing read.  The kernel's own echo loop (boot without init=, or
 * init.keep) drains the same ring, so a program reading the console while
 * it runs races with it for each byte. */
#include <kern/console.h>
#include <kern/device.h>
#include <kern/waitq.h>

static int console_dev_read(struct device *dev, uint32_t mode, uint64_t recnum, void *buf,
			    size_t len, size_t *done)
{
	char *out = buf;
	size_t n = 0;
	for (;;) {
		for (int c; n < len && (c = console_getc()) >= 0;)
			out[n++] = (char)c;
		if (n > 0 || len == 0 || (mode & D_NOWAIT) ||
		    console_wait_input(WAITQ_FOREVER) != WAIT_AWAKENED)
			break;
	}
	*done = n;
	return n == 0 && len > 0 ? D_WOULD_BLOCK : D_SUCCESS;
}

static int console_dev_write(struct device *dev, uint32_t mode, uint64_t recnum,
			     const void *buf, size_t len, size_t *done)
{
	console_write(buf, len);
	*done = len;
	return D_SUCCESS;
}

/* Nothing a terminal would report yet (no modes, no speed): the console
 * answers only the generic size flavors, which the device layer fills in
 * (size unknown, records of one byte). */
static const struct device_ops console_ops = {
	.read = console_dev_read,
	.write = console_dev_write,
};

static struct device console_device = {
	.name = "console",
	.ops = &console_ops,
	.record_size = 1,
};

int console_device_register(void)
{
	return device_register(&console_device);
}
