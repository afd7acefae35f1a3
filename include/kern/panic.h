/* Fatal errors.  panic() prints the message and a backtrace to every console
 * and powers the machine off with the failure status. */
#ifndef KERN_PANIC_H
#define KERN_PANIC_H

#include <kern/types.h>

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define assert(cond) \
	do { \
		if (unlikely(!(cond))) \
			panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

#endif
