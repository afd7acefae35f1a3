/* The console for the kernel's printf.c in user space: everything goes out
 * through the mach_print trap, which wants a NUL-terminated string. */
#include <kern/console.h>
#include <machv/trap.h>

void console_write(const char *buf, size_t len)
{
	char chunk[256];

	while (len > 0) {
		size_t n = len < sizeof(chunk) - 1 ? len : sizeof(chunk) - 1;
		for (size_t i = 0; i < n; i++)
			chunk[i] = buf[i];
		chunk[n] = '\0';
		mach_print(chunk);
		buf += n;
		len -= n;
	}
}
