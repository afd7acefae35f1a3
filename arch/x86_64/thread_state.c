/* x86_64 user registers (kern/thread_state.h): between GNU Mach's
 * i386_thread_state and the trap frame at the top of a thread's kernel
 * stack (machine/trap.h). */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/string.h>
#include <kern/thread.h>
#include <kern/thread_state.h>
#include <machine/thread.h>
#include <machine/trap.h>

/* What a thread may set in rflags: the arithmetic flags and DF.  TF would
 * trap on the next instruction, AC would leave SMAP open in the kernel on
 * the next interrupt, IOPL and the rest are privileged. */
#define RFLAGS_USER_MASK (RFLAGS_CF | (1UL << 2) | (1UL << 4) | (1UL << 6) | (1UL << 7) | \
			  RFLAGS_DF | (1UL << 11))


static struct trap_frame *frame_of(const struct thread *t)
{
	return (struct trap_frame *)((uintptr_t)t->kstack + KSTACK_SIZE - TF_SIZE);
}

void arch_user_state_init(struct arch_user_state *s, uintptr_t pc, uintptr_t sp, uintptr_t arg)
{
	memset(s, 0, sizeof(*s));
	s->rip = pc;
	s->rsp = s->ursp = sp;
	s->rdi = arg;
	s->cs = SEL_UCODE;
	s->ss = SEL_UDATA;
	s->rfl = RFLAGS_ONE | RFLAGS_IF;
}

/* IRETQ to a non-canonical rip or rsp faults in the kernel, not in the
 * program: only lower-half addresses are accepted. */
int arch_user_state_check(const struct arch_user_state *s)
{
	return s->rip < USER_END && s->ursp < USER_END ? K_OK : K_EINVAL;
}

void arch_user_frame_get(const struct thread *t, struct arch_user_state *s)
{
	const struct trap_frame *tf = frame_of(t);
	memset(s, 0, sizeof(*s));
	s->r8 = tf->r8;   s->r9 = tf->r9;   s->r10 = tf->r10; s->r11 = tf->r11;
	s->r12 = tf->r12; s->r13 = tf->r13; s->r14 = tf->r14; s->r15 = tf->r15;
	s->rdi = tf->rdi; s->rsi = tf->rsi; s->rbp = tf->rbp; s->rbx = tf->rbx;
	s->rdx = tf->rdx; s->rcx = tf->rcx; s->rax = tf->rax;
	s->rip = tf->rip;
	s->rsp = s->ursp = tf->rsp;
	s->cs = (uint32_t)tf->cs;
	s->ss = (uint32_t)tf->ss;
	s->rfl = tf->rflags;
}

void arch_user_frame_set(struct thread *t, const struct arch_user_state *s)
{
	struct trap_frame *tf = frame_of(t);
	bool ok = arch_user_state_check(s) == K_OK;
	tf->r8 = s->r8;   tf->r9 = s->r9;   tf->r10 = s->r10; tf->r11 = s->r11;
	tf->r12 = s->r12; tf->r13 = s->r13; tf->r14 = s->r14; tf->r15 = s->r15;
	tf->rdi = s->rdi; tf->rsi = s->rsi; tf->rbp = s->rbp; tf->rbx = s->rbx;
	tf->rdx = s->rdx; tf->rcx = s->rcx; tf->rax = s->rax;
	/* Unchecked callers get address 0, never mapped: the program faults
	 * in user mode instead of the kernel faulting on IRETQ. */
	tf->rip = ok ? s->rip : 0;
	tf->rsp = ok ? s->ursp : 0;
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	tf->rflags = (s->rfl & RFLAGS_USER_MASK) | RFLAGS_ONE | RFLAGS_IF;
	tf->vector = VEC_SYSCALL;
	tf->error = 0;
}

void arch_user_frame_enter(void)
{
	struct thread *t = thread_current();
	arch_irq_disable();
	x86_set_kernel_stack((uintptr_t)t->kstack + KSTACK_SIZE);
	/* From here on the x87/SSE registers are this thread's user state:
	 * load its image, and let every switch save and restore it. */
	if (!t->arch.user_fpu) {
		fpu_restore(&t->arch.fpu);
		t->arch.user_fpu = true;
	}
	x86_trap_return(frame_of(t));
}
