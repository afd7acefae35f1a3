/* Host-test stand-in for <machine/io.h>: MMIO is plain memory. */
#ifndef MACHINE_IO_H
#define MACHINE_IO_H
#include <kern/types.h>
#define MMIO_ACCESSORS(bits) \
	static inline uint##bits##_t mmio_read##bits(const volatile void *a) \
	{ return *(const volatile uint##bits##_t *)a; } \
	static inline void mmio_write##bits(volatile void *a, uint##bits##_t v) \
	{ *(volatile uint##bits##_t *)a = v; }
MMIO_ACCESSORS(8)
MMIO_ACCESSORS(16)
MMIO_ACCESSORS(32)
MMIO_ACCESSORS(64)
#undef MMIO_ACCESSORS
#endif
