/* Fatal errors.  panic() prints the message and a backtrace to every console
 * and powers the machine off with the failure status. */
#ifndef KERN_PANIC_H
#define KERN_PANIC_H

#include <kern/types.h>

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

/* Flush the consoles and power off; status 0 means success.  Every way the
 * kernel stops goes through here, so no last line is lost in flight. */
__noreturn void kernel_poweroff(int status);
/* Flush the consoles and restart the machine. */
__noreturn void kernel_reboot(void);

#define assert(cond) \
	do { \
		if (unlikely(!(cond))) \
			panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

#endif
