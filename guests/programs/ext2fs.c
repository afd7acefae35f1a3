/* ext2fs: the file server of a disk.  Serves an ext2 file system
 * read-only over the file protocol (<machv/fs.h>) from a disk device,
 * hd0 unless argv[1] names another, and registers with the name service
 * as "fs/disk" (argv[2] may name another registration).
 *
 * The device master comes from the environment (MACHV_DEVICE_PORT).
 * What it cannot read (no ext2, unsupported features) it refuses at the
 * start with the reason.  Started without a bootstrap port it checks the
 * file system, says so and exits: tests run the same server in a thread
 * of their own (guests/programs/fstest.c). */
#include <machv/libc.h>
#include <machv/fs.h>
#include <mach_init.h>
#include <device/device_types.h>
#include "device.h"

int main(int argc, char **argv, char **envp)
{
	mach_port_t master = fs_env_port(envp, "MACHV_DEVICE_PORT"), dev, port;
	const char *disk = argc > 1 ? argv[1] : "hd0";
	const char *name = argc > 2 ? argv[2] : "fs/disk";
	static struct ext2_fs fs;
	char why[128];
	bool registered;
	kern_return_t kr;

	if (master == MACH_PORT_NULL) {
		printf("ext2fs: no device master (MACHV_DEVICE_PORT) in the environment\n");
		return 1;
	}
	if ((kr = device_open(master, D_READ, disk, &dev)) != KERN_SUCCESS) {
		printf("ext2fs: cannot open %s: error %d\n", disk, kr);
		return 1;
	}
	if ((kr = ext2_fs_init(&fs, dev, why, sizeof(why))) != KERN_SUCCESS) {
		printf("ext2fs: %s: %s\n", disk, why);
		return 1;
	}
	kr = fs_server_port(name, &port, &registered);
	if (kr != KERN_SUCCESS) {
		printf("ext2fs: cannot register as %s: error %d\n", name, kr);
		return 1;
	}
	if (!registered) {
		printf("ext2fs: %s: ext2, %u blocks of %u bytes; no bootstrap port, so nobody to serve\n",
		       disk, fs.blocks_count, fs.block_size);
		return 0;
	}
	printf("ext2fs: serving %s (ext2, %u blocks of %u bytes) as %s\n", disk,
	       fs.blocks_count, fs.block_size, name);
	kr = fs_serve(port, &ext2_fs_ops, &fs);
	printf("ext2fs: stopped: error %d\n", kr);
	return 1;
}
