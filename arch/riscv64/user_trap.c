/* Traps from user mode: kernel calls, page faults, other exceptions and the
 * interrupts that arrive while a user thread runs.
 *
 * trap_entry.S has switched to the top of the thread's kernel stack and
 * saved every user register in the frame there.  The kernel-call
 * convention (kern/syscall.h, docs/abi.md): ecall with the trap number in
 * a7 and the arguments in a0..a6; the result comes back in a0, and
 * execution resumes after the ecall.  Page faults go to the VM through
 * user_page_fault(), which resolves them, lets a handler take them or
 * kills the task; every other exception goes to user_exception() as a
 * Mach exception (code scause, subcode stval) — never to the kernel.
 *
 * Kernel calls and exceptions are handled with interrupts on (they may
 * take a while: a page to clear, a console to write to); interrupt
 * handlers run with them off.  Before returning, with interrupts off
 * again, the scheduler may switch (sched_preempt_point) and the thread may
 * find it has to end (user_return_check). */
#include <kern/arch.h>
#include <kern/exception.h>
#include <kern/sched.h>
#include <kern/syscall.h>
#include <kern/thread.h>
#include <kern/vm_map.h>
#include <machine/csr.h>
#include <machine/trap.h>
#include "riscv.h"

/* Observes every ecall before it is dispatched (the frame-layout self-test
 * sets it). */
void (*riscv_ecall_observer)(const struct trap_frame *tf);

static void kernel_call(struct trap_frame *tf)
{
	uint64_t args[SYSCALL_ARGS];
	for (unsigned i = 0; i < SYSCALL_ARGS; i++)
		args[i] = tf->x[REG_A0 + i];
	if (riscv_ecall_observer)
		riscv_ecall_observer(tf);
	tf->sepc += 4;   /* ecall has no compressed form */
	tf->x[REG_A0] = (uint64_t)syscall_dispatch((long)tf->x[REG_A7], args);
}

/* The Mach exception of a cause (GNU Mach has no riscv64 port: the
 * types follow its i386 choices). */
static int mach_exception_type(uint64_t cause)
{
	switch (cause) {
	case EXC_BREAKPOINT:
		return MACH_EXC_BREAKPOINT;
	case EXC_INSN_MISALIGNED: case EXC_INSN_ACCESS:
	case EXC_LOAD_MISALIGNED: case EXC_LOAD_ACCESS:
	case EXC_STORE_MISALIGNED: case EXC_STORE_ACCESS:
		return MACH_EXC_BAD_ACCESS;
	default:
		return MACH_EXC_BAD_INSTRUCTION;
	}
}

static void exception(struct thread *t, struct trap_frame *tf)
{
	switch (tf->scause) {
	case EXC_ECALL_U:
		kernel_call(tf);
		break;
	case EXC_INSN_PAGE_FAULT:
		user_page_fault(tf->stval, VM_FAULT_EXEC, tf->sepc);
		break;
	case EXC_LOAD_PAGE_FAULT:
		user_page_fault(tf->stval, VM_FAULT_READ, tf->sepc);
		break;
	case EXC_STORE_PAGE_FAULT:
		user_page_fault(tf->stval, VM_FAULT_WRITE, tf->sepc);
		break;
	case EXC_ILLEGAL_INSN:
		/* With the FP unit off, an FP instruction is illegal: the
		 * first one turns the unit on and runs again.  An instruction
		 * that is illegal with the unit on is the program's fault. */
		if (t->arch.fs == FS_OFF && riscv_fpu_first_use(t))
			break;
		user_exception(MACH_EXC_BAD_INSTRUCTION, EXC_ILLEGAL_INSN, tf->stval,
			       "illegal instruction", tf->sepc);
		break;
	default:
		user_exception(mach_exception_type(tf->scause), (int)tf->scause, tf->stval,
			       riscv_cause_name(tf->scause), tf->sepc);
		break;
	}
}

/* The sstatus a user frame returns with: user mode (SPP 0), interrupts on
 * there (SPIE), off until the sret (SIE), user memory closed to the kernel
 * (SUM), and the thread's own FP state. */
uint64_t riscv_user_sstatus(uint64_t sstatus, unsigned fs)
{
	sstatus &= ~(SSTATUS_SPP | SSTATUS_SIE | SSTATUS_SUM | SSTATUS_MXR | SSTATUS_FS);
	return sstatus | SSTATUS_SPIE | (uint64_t)fs << SSTATUS_FS_SHIFT;
}

void riscv_user_trap(struct trap_frame *tf)
{
	struct thread *t = thread_current();

	/* The hardware marks the FP state dirty as the program writes it;
	 * from here until the return it is the kernel's to track. */
	t->arch.fs = (unsigned)((tf->sstatus & SSTATUS_FS) >> SSTATUS_FS_SHIFT);

	if (tf->scause & SCAUSE_INTERRUPT) {
		riscv_interrupt(tf);
	} else {
		arch_irq_enable();
		exception(t, tf);
	}

	arch_irq_disable();
	sched_preempt_point();
	user_return_check();
	tf->sstatus = riscv_user_sstatus(tf->sstatus, t->arch.fs);
}

/* The second half of arch_enter_user (trap_entry.S moved to the top of the
 * kernel stack): a frame that starts the program at pc with its stack at
 * sp, arg in a0 and every other register 0. */
void riscv_user_frame_init(struct trap_frame *tf, uintptr_t pc, uintptr_t sp, uintptr_t arg)
{
	struct thread *t = thread_current();

	for (unsigned i = 0; i < 32; i++)
		tf->x[i] = 0;
	tf->x[REG_SP] = sp;
	tf->x[REG_A0] = arg;
	tf->sepc = pc;
	tf->scause = 0;
	tf->stval = 0;
	user_return_check();
	tf->sstatus = riscv_user_sstatus(csr_read(sstatus), t->arch.fs);
}
