/* Host stand-in for <machine/io.h> used by test_virtio_mmio_console: device
 * register accesses inside the fake virtio-mmio window go to the device
 * model in the test; anything else is plain memory. */
#ifndef MACHINE_IO_H
#define MACHINE_IO_H
#include <kern/types.h>

bool fake_io_read(const volatile void *addr, unsigned width, uint64_t *val);
bool fake_io_write(volatile void *addr, unsigned width, uint64_t val);

#define MMIO_ACCESSORS(bits) \
	static inline uint##bits##_t mmio_read##bits(const volatile void *a) \
	{ uint64_t v; if (fake_io_read(a, bits / 8, &v)) return (uint##bits##_t)v; \
	  return *(const volatile uint##bits##_t *)a; } \
	static inline void mmio_write##bits(volatile void *a, uint##bits##_t v) \
	{ if (!fake_io_write(a, bits / 8, v)) *(volatile uint##bits##_t *)a = v; }
MMIO_ACCESSORS(8)
MMIO_ACCESSORS(16)
MMIO_ACCESSORS(32)
MMIO_ACCESSORS(64)
#undef MMIO_ACCESSORS
#endif
