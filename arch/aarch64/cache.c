/* Instruction-cache maintenance on aarch64.  The Arm architecture does not
 * keep instruction fetch coherent with data stores: code the kernel writes
 * for a task (through the direct map) must be cleaned from the data cache to
 * the point of unification, and stale instructions dropped, before the task
 * runs it.  The instruction cache is invalidated whole: it may be tagged by
 * virtual address, and the task will fetch through a different alias than
 * the one written. */
#include <kern/arch.h>

void arch_sync_icache(const void *kva, size_t len)
{
	uint64_t ctr;
	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	size_t line = 4UL << ((ctr >> 16) & 0xf);   /* DminLine: log2 of words */
	uintptr_t p = ALIGN_DOWN((uintptr_t)kva, line);
	for (; p < (uintptr_t)kva + len; p += line)
		__asm__ volatile("dc cvau, %0" :: "r"(p) : "memory");
	__asm__ volatile("dsb ish\n\tic ialluis\n\tdsb ish\n\tisb" ::: "memory");
}
