/* Threads on riscv64: a new thread's first context, the switch between
 * threads (with the FP state of user threads that have one), and where a
 * thread's user frame lives.
 *
 * Nothing here touches sscratch: it is 0 throughout the kernel and is set
 * to the thread's kernel stack only on the way out to user mode
 * (trap_entry.S), so a switch has nothing to repoint. */
#include <kern/arch.h>
#include <kern/string.h>
#include <kern/thread.h>
#include <machine/csr.h>
#include <machine/trap.h>
#include "riscv.h"

void riscv_context_switch(struct arch_thread *from, struct arch_thread *to);
void riscv_thread_start(void);

void arch_thread_init(struct thread *t)
{
	struct arch_thread *a = &t->arch;
	memset(a, 0, sizeof(*a));       /* no FP state: the unit starts off */
	a->ra = (uintptr_t)riscv_thread_start;
	/* The top TF_STACK_ALLOC bytes stay free for the user frame: a user
	 * thread builds its first one there (arch_user_frame_set) while it
	 * runs. */
	a->sp = (uintptr_t)t->kstack + KSTACK_SIZE - TF_STACK_ALLOC;
}

/* Eager FP switching: the registers are written back only if the program
 * changed them since they were last saved (Dirty), and loaded for every
 * thread that has FP state, so that whatever runs next in user mode finds
 * its own.  Threads that never used the unit (FS off) cost nothing. */
void arch_context_switch(struct thread *from, struct thread *to)
{
	if (from->arch.fs == FS_DIRTY) {
		riscv_fpu_save(&from->arch.fpu);
		from->arch.fs = FS_CLEAN;
	}
	if (to->arch.fs != FS_OFF)
		riscv_fpu_load(&to->arch.fpu);
	riscv_context_switch(&from->arch, &to->arch);
}

uintptr_t riscv_kstack_top(void)
{
	return (uintptr_t)thread_current()->kstack + KSTACK_SIZE;
}
