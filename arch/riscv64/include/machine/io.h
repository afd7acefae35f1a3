/* Device register access on riscv64.  Under RVWMO a device access is not
 * ordered with normal memory by default, so, as Linux does:
 *   - a write is preceded by "fence w,o": the ring entries or buffer a
 *     device is about to be told about are visible before the doorbell;
 *   - a read is followed by "fence i,ir": later reads (of memory the device
 *     wrote, or of its registers) happen after it. */
#ifndef MACHINE_IO_H
#define MACHINE_IO_H

#include <kern/types.h>

#define MMIO_ACCESSORS(bits) \
	static inline uint##bits##_t mmio_read##bits(const volatile void *a) \
	{ \
		uint##bits##_t v = *(const volatile uint##bits##_t *)a; \
		__asm__ volatile("fence i, ir" ::: "memory"); \
		return v; \
	} \
	static inline void mmio_write##bits(volatile void *a, uint##bits##_t v) \
	{ \
		__asm__ volatile("fence w, o" ::: "memory"); \
		*(volatile uint##bits##_t *)a = v; \
	}
MMIO_ACCESSORS(8)
MMIO_ACCESSORS(16)
MMIO_ACCESSORS(32)
MMIO_ACCESSORS(64)
#undef MMIO_ACCESSORS

#endif
