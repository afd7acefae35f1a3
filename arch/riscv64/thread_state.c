/* riscv64 user registers (kern/thread_state.h): between machv's riscv64
 * thread state and the trap frame at the top of a thread's kernel stack
 * (machine/trap.h, trap_entry.S).  sstatus stays the kernel's: the return
 * path recomputes the user's from the thread's FP state. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/string.h>
#include <kern/thread.h>
#include <kern/thread_state.h>
#include <machine/csr.h>
#include <machine/thread.h>
#include <machine/trap.h>
#include "riscv.h"

__noreturn void riscv_user_frame_enter(struct trap_frame *tf);   /* thread_state_entry.S */

static struct trap_frame *frame_of(const struct thread *t)
{
	return riscv_user_frame(t->kstack, KSTACK_SIZE);
}

void arch_user_state_init(struct arch_user_state *s, uintptr_t pc, uintptr_t sp, uintptr_t arg)
{
	memset(s, 0, sizeof(*s));
	s->pc = pc;
	s->x[REG_SP - 1] = sp;
	s->x[REG_A0 - 1] = arg;
}

/* A wrong pc only faults in user mode, but a kernel address never means
 * anything a user program can use: refused, as on the other arches. */
int arch_user_state_check(const struct arch_user_state *s)
{
	return s->pc < USER_END && s->x[REG_SP - 1] < USER_END ? K_OK : K_EINVAL;
}

void arch_user_frame_get(const struct thread *t, struct arch_user_state *s)
{
	const struct trap_frame *tf = frame_of(t);
	s->pc = tf->sepc;
	for (unsigned i = 1; i < 32; i++)
		s->x[i - 1] = tf->x[i];
}

void arch_user_frame_set(struct thread *t, const struct arch_user_state *s)
{
	struct trap_frame *tf = frame_of(t);
	bool ok = arch_user_state_check(s) == K_OK;
	tf->x[0] = 0;
	for (unsigned i = 1; i < 32; i++)
		tf->x[i] = s->x[i - 1];
	if (!ok)
		tf->x[REG_SP] = 0;
	tf->sepc = ok ? s->pc : 0;
	tf->scause = tf->stval = 0;
	/* The frame record above the frame: {0, 0} ends backtraces. */
	uint64_t *record = (uint64_t *)((char *)tf + TF_SIZE);
	record[0] = record[1] = 0;
}

void arch_user_frame_enter(void)
{
	struct thread *t = thread_current();
	arch_irq_disable();
	struct trap_frame *tf = frame_of(t);
	tf->sstatus = riscv_user_sstatus(csr_read(sstatus), t->arch.fs);
	riscv_user_frame_enter(tf);
}
