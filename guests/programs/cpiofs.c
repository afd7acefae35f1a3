/* cpiofs: the root file server.  Serves the initrd (device rd0, a cpio
 * "newc" archive) read-only over the file protocol (<machv/fs.h>), and
 * registers with the name service as "fs/".
 *
 * The device master comes from the environment (MACHV_DEVICE_PORT).
 * Started without a bootstrap port (by the kernel itself, where nobody
 * could find it), it checks the archive, says so and exits: tests run the
 * same server in a thread of their own (guests/programs/fstest.c). */
#include <machv/libc.h>
#include <machv/fs.h>
#include <mach_init.h>
#include <device/device_types.h>
#include "device.h"

int main(int argc, char **argv, char **envp)
{
	mach_port_t master = fs_env_port(envp, "MACHV_DEVICE_PORT"), dev, port;
	static struct cpio_fs fs;
	const void *image;
	size_t size;
	bool registered;
	kern_return_t kr;

	if (master == MACH_PORT_NULL) {
		printf("cpiofs: no device master (MACHV_DEVICE_PORT) in the environment\n");
		return 1;
	}
	if ((kr = device_open(master, D_READ, "rd0", &dev)) != KERN_SUCCESS) {
		printf("cpiofs: cannot open rd0: error %d\n", kr);
		return 1;
	}
	if ((kr = fs_device_image(dev, &image, &size)) != KERN_SUCCESS ||
	    (kr = cpio_fs_init(&fs, image, size)) != KERN_SUCCESS) {
		printf("cpiofs: rd0 is no cpio archive I can read: error %d\n", kr);
		return 1;
	}
	kr = fs_server_port("fs/", &port, &registered);
	if (kr != KERN_SUCCESS) {
		printf("cpiofs: cannot register as fs/: error %d\n", kr);
		return 1;
	}
	if (!registered) {
		printf("cpiofs: rd0 read (%u bytes); no bootstrap port, so nobody to serve\n",
		       (unsigned)size);
		return 0;
	}
	printf("cpiofs: serving rd0 (%u bytes) as fs/\n", (unsigned)size);
	kr = fs_serve(port, &cpio_fs_ops, &fs);
	printf("cpiofs: stopped: error %d\n", kr);
	return 1;
}
