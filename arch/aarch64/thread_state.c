/* aarch64 user registers (kern/thread_state.h): between machv's aarch64
 * thread state and the trap frame at the top of a thread's kernel stack
 * (machine/trap.h, trap_entry.S).  TPIDR_EL0 is not in the frame: it is
 * live in the register for the running thread and in struct arch_thread
 * for one that is switched out. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/string.h>
#include <kern/thread.h>
#include <kern/thread_state.h>
#include <machine/thread.h>
#include <machine/trap.h>

__noreturn void aarch64_user_frame_enter(struct trap_frame *tf);   /* thread_state_entry.S */

static struct trap_frame *frame_of(const struct thread *t)
{
	return (struct trap_frame *)((uintptr_t)t->kstack + KSTACK_SIZE - TF_SIZE);
}

static uint64_t tpidr_of(const struct thread *t)
{
	if (t != thread_current())
		return t->arch.tpidr_el0;
	uint64_t v;
	__asm__ volatile("mrs %0, tpidr_el0" : "=r"(v));
	return v;
}

static void set_tpidr(struct thread *t, uint64_t v)
{
	if (t == thread_current())
		__asm__ volatile("msr tpidr_el0, %0" :: "r"(v));
	else
		t->arch.tpidr_el0 = v;
}

void arch_user_state_init(struct arch_user_state *s, uintptr_t pc, uintptr_t sp, uintptr_t arg)
{
	memset(s, 0, sizeof(*s));
	s->pc = pc;
	s->sp = sp;
	s->x[0] = arg;
}

/* An eret to any address is harmless (a wrong one faults in EL0), but a
 * kernel address as pc or sp is refused all the same: it never means
 * anything a user program can use. */
int arch_user_state_check(const struct arch_user_state *s)
{
	return s->pc < USER_END && s->sp < USER_END ? K_OK : K_EINVAL;
}

void arch_user_frame_get(const struct thread *t, struct arch_user_state *s)
{
	const struct trap_frame *tf = frame_of(t);
	for (unsigned i = 0; i < 31; i++)
		s->x[i] = tf->x[i];
	s->sp = tf->sp;
	s->pc = tf->elr;
	s->pstate = tf->spsr & ARCH_PSTATE_USER_MASK;
	s->tpidr = tpidr_of(t);
}

void arch_user_frame_set(struct thread *t, const struct arch_user_state *s)
{
	struct trap_frame *tf = frame_of(t);
	bool ok = arch_user_state_check(s) == K_OK;
	for (unsigned i = 0; i < 31; i++)
		tf->x[i] = s->x[i];
	tf->sp = ok ? s->sp : 0;
	tf->elr = ok ? s->pc : 0;
	/* EL0t, DAIF clear: only the condition flags are the user's. */
	tf->spsr = s->pstate & ARCH_PSTATE_USER_MASK;
	tf->esr = tf->far = 0;
	tf->kind = TRAP_FROM_EL0_64 | TRAP_SYNC;
	set_tpidr(t, s->tpidr);
}

void arch_user_frame_enter(void)
{
	arch_irq_disable();
	aarch64_user_frame_enter(frame_of(thread_current()));
}
