/* aarch64 trap convention (machv's own; GNU Mach has no aarch64 port):
 *
 *   svc #0             x8 = trap number (negative)
 *                      x0..x6 = arguments 1..7
 *   result             x0
 *   clobbered          x0..x8 may be changed by the kernel; every other
 *                      register, the FP/SIMD state included, is preserved.
 *
 * Include <machv/trap.h>, not this file. */
#ifndef MACHV_TRAP_AARCH64_H
#define MACHV_TRAP_AARCH64_H

#include <stdint.h>

static inline long machv_trap7(long n, long a1, long a2, long a3, long a4,
			       long a5, long a6, long a7)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a1;
	register long x1 __asm__("x1") = a2;
	register long x2 __asm__("x2") = a3;
	register long x3 __asm__("x3") = a4;
	register long x4 __asm__("x4") = a5;
	register long x5 __asm__("x5") = a6;
	register long x6 __asm__("x6") = a7;
	__asm__ volatile("svc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4),
			   "+r"(x5), "+r"(x6), "+r"(x8)
			 :
			 : "x7", "memory");
	return x0;
}

static inline long machv_trap6(long n, long a1, long a2, long a3, long a4,
			       long a5, long a6)
{
	return machv_trap7(n, a1, a2, a3, a4, a5, a6, 0);
}

/* The virtual counter (CNTVCT_EL0; the kernel lets EL0 read it).  Under
 * QEMU it ticks at the generic timer's frequency (62.5 MHz), not the
 * host's. */
static inline uint64_t machv_ticks(void)
{
	uint64_t v;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) :: "memory");
	return v;
}
#define MACHV_TICKS_NAME "cntvct_el0"

#define MACHV_THREAD_SP_BIAS 0

#endif
