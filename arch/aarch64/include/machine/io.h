/* Device register access on aarch64.  Each access is one plain ldr/str
 * written in assembly, never an addressing form with writeback: a
 * hypervisor emulating the access from the fault syndrome can only decode
 * those (KVM refuses the rest).  Writes are ordered after earlier normal
 * memory writes (a descriptor before its doorbell), reads before later
 * normal memory reads (a status register before the buffer it announces). */
#ifndef MACHINE_IO_H
#define MACHINE_IO_H

#include <kern/types.h>

#define MMIO_ACCESSORS(bits, reg, suffix) \
	static inline uint##bits##_t mmio_read##bits(const volatile void *a) \
	{ \
		uint##bits##_t v; \
		__asm__ volatile("ldr" suffix " %" reg "0, [%1]" : "=r"(v) : "r"(a) : "memory"); \
		__asm__ volatile("dmb oshld" ::: "memory"); \
		return v; \
	} \
	static inline void mmio_write##bits(volatile void *a, uint##bits##_t v) \
	{ \
		__asm__ volatile("dmb oshst" ::: "memory"); \
		__asm__ volatile("str" suffix " %" reg "0, [%1]" :: "rZ"(v), "r"(a) : "memory"); \
	}
MMIO_ACCESSORS(8, "w", "b")
MMIO_ACCESSORS(16, "w", "h")
MMIO_ACCESSORS(32, "w", "")
MMIO_ACCESSORS(64, "x", "")
#undef MMIO_ACCESSORS

#endif
