/* lsdev: the kernel's devices, as the "devices" device lists them (one
 * line each: NAME SIZE RECORD_SIZE ro|rw; docs/abi.md "Devices"), under
 * a heading.  The device master comes from MACHV_DEVICE_PORT. */
#include "sh-util.h"
#include <mach_init.h>
#include <device/device_types.h>
#include "mach.h"
#include "device.h"

int main(int argc, char **argv, char **envp)
{
	const char *dp = util_env(envp, "MACHV_DEVICE_PORT");
	mach_port_t dev;
	uint64_t v, off = 0;
	kern_return_t kr;

	if (!dp || !parse_u64(dp, strlen(dp), &v)) {
		printf("lsdev: no device master (MACHV_DEVICE_PORT)\n");
		util_exit(1);
	}
	if ((kr = device_open((mach_port_t)v, D_READ, "devices", &dev)) != KERN_SUCCESS) {
		printf("lsdev: cannot open \"devices\": error %d\n", kr);
		util_exit(1);
	}
	printf("NAME SIZE RECORD ACCESS\n");
	for (;;) {
		io_buf_ptr_inband_t buf;
		char text[sizeof(buf) + 1];
		mach_msg_type_number_t n = sizeof(buf);

		kr = device_read_inband(dev, 0, (recnum_t)off, sizeof(buf), buf, &n);
		if (kr != KERN_SUCCESS) {
			printf("lsdev: reading \"devices\" at %llu: error %d\n",
			       (unsigned long long)off, kr);
			util_exit(1);
		}
		if (n == 0)
			break;
		if (n > sizeof(buf))
			n = sizeof(buf);
		memcpy(text, buf, n);
		text[n] = '\0';
		printf("%s", text);
		off += n;
	}
	(void)device_close(dev);
	util_exit(0);
}
