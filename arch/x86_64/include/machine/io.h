/* Device register access on x86_64: uncached MMIO mappings are strongly
 * ordered, so plain volatile accesses suffice; port I/O for legacy devices. */
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

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

#endif
