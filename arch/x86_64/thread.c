/* Threads on x86_64: the first frame of a new thread, the context switch,
 * and the way into user mode.
 *
 * Every thread's kernel stack keeps its top TF_SIZE bytes for the user
 * register frame (<machine/trap.h>): a trap or syscall from user mode
 * lands exactly there (TSS.rsp0 and the syscall entry point at the top of
 * the running thread's stack), and arch_enter_user() builds its first
 * frame there.  Kernel frames always live below it. */
#include <kern/arch.h>
#include <kern/exception.h>
#include <kern/panic.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <kern/thread.h>
#include <machine/cpu.h>
#include <machine/thread.h>
#include <machine/trap.h>

void x86_switch_stacks(uint64_t *save_rsp, uint64_t new_rsp);   /* context.S */
void x86_thread_start(void);

static uintptr_t kstack_top(const struct thread *t)
{
	return (uintptr_t)t->kstack + KSTACK_SIZE;
}

static struct trap_frame *user_frame(const struct thread *t)
{
	return (struct trap_frame *)(kstack_top(t) - TF_SIZE);
}

void arch_thread_init(struct thread *t)
{
	/* FXSAVE faults on a misaligned area: struct thread must come from an
	 * allocator honouring _Alignof(struct thread) (kmalloc does). */
	if (!IS_ALIGNED((uintptr_t)&t->arch.fpu, 16))
		panic("thread %p: FPU area not 16-byte aligned", (void *)t);

	/* What x86_switch_stacks pops: r15 r14 r13 r12 rbx rbp (all zero;
	 * rbp = 0 ends backtraces), then its return address. */
	uint64_t *sp = (uint64_t *)user_frame(t);
	*--sp = (uint64_t)(uintptr_t)x86_thread_start;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	t->arch.rsp = (uint64_t)(uintptr_t)sp;
	t->arch.user_fpu = false;
	fpu_init_area(&t->arch.fpu);
}

void arch_context_switch(struct thread *from, struct thread *to)
{
	/* The live x87/SSE registers hold the user state of the last user
	 * thread that ran; kernel threads neither own nor disturb them. */
	if (from->arch.user_fpu)
		fpu_save(&from->arch.fpu);
	if (to->arch.user_fpu)
		fpu_restore(&to->arch.fpu);
	if (to->kstack)
		x86_set_kernel_stack(kstack_top(to));
	x86_switch_stacks(&from->arch.rsp, to->arch.rsp);
}

__noreturn void arch_enter_user(uintptr_t pc, uintptr_t sp, uintptr_t arg)
{
	struct thread *t = thread_current();

	/* IRETQ to a non-canonical rip (and on some CPUs rsp) faults in the
	 * kernel, not in the program: refuse it here, whoever asked (pc and sp
	 * of machv_thread_spawn come from user space).  It is a bad access
	 * (subcode the pc) for a handler to take, else the task is killed;
	 * should user_return_check() come back anyway, the program starts at
	 * address 0, which is never mapped. */
	if (pc >= USER_END || sp >= USER_END) {
		user_exception(MACH_EXC_BAD_ACCESS, KERN_INVALID_ADDRESS, pc,
			       "entry outside user space", pc);
		pc = sp = 0;
	}

	arch_irq_disable();
	x86_set_kernel_stack(kstack_top(t));
	/* From here on the registers are this thread's user state: load its
	 * initial image, and let every switch save and restore it. */
	fpu_restore(&t->arch.fpu);
	t->arch.user_fpu = true;
	user_return_check();

	struct trap_frame *tf = user_frame(t);
	memset(tf, 0, sizeof(*tf));
	tf->rip = pc;
	tf->cs = SEL_UCODE;
	tf->rflags = RFLAGS_ONE | RFLAGS_IF;
	tf->rsp = sp;
	tf->ss = SEL_UDATA;
	tf->rdi = arg;
	x86_trap_return(tf);
}
