/* x86_64 trap convention (GNU Mach's, so its programs run unmodified):
 *
 *   syscall            rax = trap number (negative)
 *                      rdi, rsi, rdx, r10, r8, r9 = arguments 1..6
 *                      8(%rsp) = argument 7 (where GNU Mach's stubs leave
 *                                it: the caller's stack, past the stub's
 *                                return address)
 *   result             rax
 *   clobbered          rcx and r11 (the syscall instruction itself uses
 *                      them for the return rip and rflags) and, as a C
 *                      call to GNU Mach's stubs permits, the argument
 *                      registers; everything else, the FPU/SSE state
 *                      included, is preserved.
 *
 * Include <machv/trap.h>, not this file. */
#ifndef MACHV_TRAP_X86_64_H
#define MACHV_TRAP_X86_64_H

#include <stdint.h>

static inline long machv_trap6(long n, long a1, long a2, long a3, long a4,
			       long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	__asm__ volatile("syscall"
			 : "+a"(n), "+D"(a1), "+S"(a2), "+d"(a3),
			   "+r"(r10), "+r"(r8), "+r"(r9)
			 :
			 : "rcx", "r11", "memory");
	return n;
}

/* The 7th argument goes on the stack at 8(%rsp), below a dummy return
 * address slot.  User code may keep data in the 128-byte red zone below
 * %rsp, so step over it before pushing. */
static inline long machv_trap7(long n, long a1, long a2, long a3, long a4,
			       long a5, long a6, long a7)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	__asm__ volatile("lea -128(%%rsp), %%rsp\n\t"
			 "push %[a7]\n\t"
			 "push $0\n\t"
			 "syscall\n\t"
			 "lea 144(%%rsp), %%rsp"
			 : "+a"(n), "+D"(a1), "+S"(a2), "+d"(a3),
			   "+r"(r10), "+r"(r8), "+r"(r9)
			 : [a7] "r"(a7)
			 : "rcx", "r11", "memory");
	return n;
}

/* The time-stamp counter: under TCG it follows the host's TSC, the unit
 * of the GNU Mach anchors in docs/benchmarks.md. */
static inline uint64_t machv_ticks(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}
#define MACHV_TICKS_NAME "TSC"

/* A thread entered at a C function finds its stack as a call left it:
 * %rsp + 8 is 16-byte aligned. */
#define MACHV_THREAD_SP_BIAS 8

#endif
