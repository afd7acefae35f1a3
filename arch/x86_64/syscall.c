/* Traps from user mode through the syscall instruction, in GNU Mach's
 * x86_64 convention: rax holds the (negative) trap number, rdi rsi rdx r10
 * r8 r9 the first six arguments, a seventh sits on the user stack at
 * 8(%rsp) (above the return address of the trap stub), and the result goes
 * back in rax.  rcx and r11 are clobbered, as the instruction itself does.
 *
 * The way back is IRETQ, not SYSRETQ.  SYSRETQ is faster (no stack frame
 * to pop, no descriptor checks), but it has sharp edges: a non-canonical
 * return rip raises #GP in ring 0 on the user's stack on Intel, and it has
 * been seen to fault on the nested hypervisor these tests sometimes run on
 * (docs: ENVIRONMENT.md).  IRETQ is one path for every return to user
 * mode, checked the same way. */
#include <ipc/kmsg.h>
#include <kern/arch.h>
#include <kern/exception.h>
#include <kern/sched.h>
#include <kern/syscall.h>
#include <kern/uaccess.h>
#include <machine/cpu.h>
#include <machine/trap.h>

void x86_syscall_entry(void);   /* user_entry.S */

void x86_syscall_init(void)
{
	/* SYSCALL: CS = STAR[47:32], SS = +8.  STAR[63:48] is what SYSRET
	 * would count from (<machine/trap.h>); unused while we return with
	 * IRETQ, but set right. */
	wrmsr(MSR_STAR, ((uint64_t)(SEL_USYSRET | 3) << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)x86_syscall_entry);
	wrmsr(MSR_CSTAR, 0);   /* no compatibility-mode code segment exists */
	/* Cleared on entry: IF (the entry must switch stacks first), TF (no
	 * single-step trap on the user stack), DF (the C ABI), AC (SMAP stays
	 * closed), NT (IRETQ with NT set faults in the kernel), IOPL, RF. */
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT |
			 RFLAGS_IOPL | RFLAGS_RF);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

void x86_syscall(struct trap_frame *tf)
{
	uint64_t args[SYSCALL_ARGS] = { tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9, 0 };
	long num = (long)tf->rax;

	arch_irq_enable();
	/* Only mach_msg takes a seventh argument (notify), and only
	 * MACH_SEND_NOTIFY looks at it: read it from the user stack then
	 * alone, so that an RPC costs no extra user-memory access.  An
	 * unreadable stack is GNU Mach's EXC_BAD_ACCESS / KERN_INVALID_ADDRESS
	 * exception; if a handler lets the thread go on, the call goes ahead
	 * with the argument 0. */
	bool go_on = true;
	if (num == TRAP_MACH_MSG && (args[1] & MACH_SEND_NOTIFY) &&
	    copyin(&args[6], tf->rsp + 8, sizeof(args[6])) < 0) {
		args[6] = 0;
		go_on = user_exception(MACH_EXC_BAD_ACCESS, KERN_INVALID_ADDRESS, tf->rsp + 8,
				       "mach_msg's 7th argument unreadable", tf->rip);
	}
	if (go_on)
		tf->rax = (uint64_t)syscall_dispatch(num, args);
	arch_irq_disable();
	sched_preempt_point();
	user_return_check();
}
