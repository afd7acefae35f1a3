/* riscv64 trap convention (machv's own, the Linux/SBI register pattern):
 *
 *   ecall              a7 = trap number (negative)
 *                      a0..a6 = arguments 1..7
 *   result             a0
 *   clobbered          a0..a7 may be changed by the kernel; every other
 *                      register, the FP state included, is preserved.
 *
 * Include <machv/trap.h>, not this file. */
#ifndef MACHV_TRAP_RISCV64_H
#define MACHV_TRAP_RISCV64_H

#include <stdint.h>

static inline long machv_trap7(long n, long a1, long a2, long a3, long a4,
			       long a5, long a6, long a7)
{
	register long r7 __asm__("a7") = n;
	register long r0 __asm__("a0") = a1;
	register long r1 __asm__("a1") = a2;
	register long r2 __asm__("a2") = a3;
	register long r3 __asm__("a3") = a4;
	register long r4 __asm__("a4") = a5;
	register long r5 __asm__("a5") = a6;
	register long r6 __asm__("a6") = a7;
	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4),
			   "+r"(r5), "+r"(r6), "+r"(r7)
			 :
			 : "memory");
	return r0;
}

static inline long machv_trap6(long n, long a1, long a2, long a3, long a4,
			       long a5, long a6)
{
	return machv_trap7(n, a1, a2, a3, a4, a5, a6, 0);
}

/* The time CSR (the kernel sets scounteren.TM so U-mode may read it).
 * Under QEMU virt it ticks at 10 MHz. */
static inline uint64_t machv_ticks(void)
{
	uint64_t v;
	__asm__ volatile("rdtime %0" : "=r"(v) :: "memory");
	return v;
}
#define MACHV_TICKS_NAME "time"

#define MACHV_THREAD_SP_BIAS 0

#endif
