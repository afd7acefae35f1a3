/* Exceptions on aarch64.
 *
 * IRQs go to the GIC driver.  A synchronous exception at EL1 first
 * consults the exception table, so code that expects a fault
 * (arch_probe_read64, an SMCCC call the firmware refuses, the semihosting
 * probe, the user copy routines) resumes at its fixup; brk is counted and
 * skipped.  A copy routine's fault on a user address is first offered to
 * uaccess_fault(), which may fault the page in, and then retried.  Anything
 * else at EL1 is a kernel bug: print the syndrome (exception class by
 * name, fault status), the fault address, every register and a backtrace,
 * and power off with the failure status.
 *
 * From EL0: svc is a system call, an abort a user page fault, anything else
 * a user exception (a Mach exception for a handler to take, else the task
 * is killed, never the kernel); IRQs as at EL1.
 * Every exit to EL0 passes sched_preempt_point() and user_return_check()
 * with interrupts masked, and every IRQ at EL1 ends at
 * sched_preempt_point(): a switch there leaves the interrupted frame on the
 * thread's own stack until it runs again. */
#include <kern/arch.h>
#include <kern/backtrace.h>
#include <kern/exception.h>
#include <kern/panic.h>
#include <kern/extable.h>
#include <kern/printf.h>
#include <kern/sched.h>
#include <kern/syscall.h>
#include <kern/uaccess.h>
#include <kern/vm_map.h>
#include <machine/cpu.h>
#include <machine/pte.h>
#include <machine/trap.h>
#include "pv/pv.h"
#include "platform.h"

_Static_assert(__builtin_offsetof(struct trap_frame, sp) == TF_SP, "TF_SP");
_Static_assert(__builtin_offsetof(struct trap_frame, elr) == TF_ELR, "TF_ELR");
_Static_assert(__builtin_offsetof(struct trap_frame, spsr) == TF_SPSR, "TF_SPSR");
_Static_assert(__builtin_offsetof(struct trap_frame, esr) == TF_ESR, "TF_ESR");
_Static_assert(__builtin_offsetof(struct trap_frame, far) == TF_FAR, "TF_FAR");
_Static_assert(__builtin_offsetof(struct trap_frame, kind) == TF_KIND, "TF_KIND");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "TF_SIZE");


static const char *ec_name(unsigned ec)
{
	switch (ec) {
	case 0x00: return "unknown reason (undefined instruction)";
	case 0x01: return "trapped WFI/WFE";
	case 0x07: return "SIMD/FP access";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC from AArch64";
	case 0x16: return "HVC from AArch64";
	case 0x17: return "SMC from AArch64";
	case 0x18: return "trapped MSR/MRS/system instruction";
	case 0x19: return "SVE access";
	case 0x1c: return "pointer authentication failure";
	case 0x20: return "instruction abort from EL0";
	case 0x21: return "instruction abort";
	case 0x22: return "PC alignment fault";
	case 0x24: return "data abort from EL0";
	case 0x25: return "data abort";
	case 0x26: return "SP alignment fault";
	case 0x2c: return "floating-point exception";
	case 0x2f: return "SError interrupt";
	case 0x30: return "breakpoint from EL0";
	case 0x31: return "breakpoint";
	case 0x32: return "software step from EL0";
	case 0x33: return "software step";
	case 0x34: return "watchpoint from EL0";
	case 0x35: return "watchpoint";
	case 0x3c: return "BRK instruction";
	default:   return "?";
	}
}

static const char *const kind_names[4] = { "synchronous", "IRQ", "FIQ", "SError" };
static const char *const source_names[4] = {
	"EL1 on SP_EL0", "EL1", "EL0 (AArch64)", "EL0 (AArch32)",
};

/* The data/instruction fault status code, in words. */
static void print_fault_status(unsigned fsc, char *buf, size_t len)
{
	unsigned level = fsc & 3;
	switch (fsc >> 2) {
	case 0: ksnprintf(buf, len, "address size fault, level %u", level); return;
	case 1: ksnprintf(buf, len, "translation fault, level %u", level); return;
	case 2: ksnprintf(buf, len, "access flag fault, level %u", level); return;
	case 3: ksnprintf(buf, len, "permission fault, level %u", level); return;
	}
	switch (fsc) {
	case 0x10: ksnprintf(buf, len, "synchronous external abort"); return;
	case 0x21: ksnprintf(buf, len, "alignment fault"); return;
	case 0x30: ksnprintf(buf, len, "TLB conflict abort"); return;
	default:   ksnprintf(buf, len, "fault status %#x", fsc); return;
	}
}

static bool is_abort(unsigned ec)
{
	return ec == EC_DABT_CUR || ec == EC_DABT_LOWER || ec == EC_IABT_CUR || ec == EC_IABT_LOWER;
}

static void dump_frame(const struct trap_frame *tf)
{
	unsigned type = tf->kind & 3, source = (unsigned)(tf->kind >> 2) & 3;
	unsigned ec = ESR_EC(tf->esr);
	uintptr_t off;
	const char *sym = ksym_lookup(tf->elr, &off);

	if (type == TRAP_SYNC)
		kprintf("\nmachv: CPU exception: %s (EC %#x) from %s, ESR %#llx\n", ec_name(ec), ec,
			source_names[source], (unsigned long long)tf->esr);
	else
		kprintf("\nmachv: CPU exception: unexpected %s from %s, ESR %#llx\n",
			kind_names[type], source_names[source], (unsigned long long)tf->esr);
	if (type == TRAP_SYNC && is_abort(ec)) {
		char what[48];
		unsigned iss = ESR_ISS(tf->esr);
		print_fault_status(ISS_FSC(iss), what, sizeof(what));
		bool fetch = ec == EC_IABT_CUR || ec == EC_IABT_LOWER;
		kprintf("  fault address %#llx (%s, %s)\n", (unsigned long long)tf->far, what,
			fetch ? "fetch" : iss & ISS_WNR ? "write" : "read");
	}
	kprintf("  pc  %016llx <%s+%#lx> spsr %llx\n", (unsigned long long)tf->elr,
		sym ? sym : "?", sym ? (unsigned long)off : 0UL, (unsigned long long)tf->spsr);
	for (int i = 0; i < 31; i += 4) {
		kprintf(" ");
		for (int j = i; j < i + 4 && j < 31; j++)
			kprintf(" x%-2d %016llx", j, (unsigned long long)tf->x[j]);
		if (i == 28)
			kprintf(" sp  %016llx", (unsigned long long)tf->sp);
		kprintf("\n");
	}
	kprintf("  sctlr %llx tcr %llx ttbr1 %llx\n", (unsigned long long)read_sysreg(sctlr_el1),
		(unsigned long long)read_sysreg(tcr_el1), (unsigned long long)read_sysreg(ttbr1_el1));
	backtrace_print(tf->elr, tf->x[29]);
}

/* An instruction allowed to fault (kern/extable.h) resumes at its fixup. */
static bool fixup(struct trap_frame *tf)
{
	uintptr_t to = extable_fixup(tf->elr);
	if (to)
		tf->elr = to;
	return to != 0;
}

static unsigned long breakpoints_seen;
unsigned long aarch64_breakpoint_count(void) { return breakpoints_seen; }

unsigned aarch64_abort_access(uint64_t esr)
{
	unsigned ec = ESR_EC(esr), iss = ESR_ISS(esr);
	if (ec == EC_IABT_LOWER || ec == EC_IABT_CUR)
		return VM_FAULT_EXEC;
	/* Cache maintenance reports WnR = 1 but only needs the page readable. */
	return (iss & ISS_WNR) && !(iss & ISS_CM) ? VM_FAULT_WRITE : VM_FAULT_READ;
}

/* Faults the VM can do something about: translation, access flag and
 * permission faults at any level, with a valid FAR.  Alignment, external
 * aborts and the rest are the instruction's own doing. */
static bool fault_for_the_vm(uint64_t esr)
{
	unsigned iss = ESR_ISS(esr), fsc = ISS_FSC(iss);
	return !(iss & ISS_FNV) && fsc >= 0x04 && fsc <= 0x0f;
}

/* Interrupts on again for a handler that may take a while (a page fault,
 * a system call) when the interrupted code had them on. */
static void irqs_as_interrupted(const struct trap_frame *tf)
{
	if (!(tf->spsr & DAIF_I))
		arch_irq_enable();
}

/* A copy routine (uaccess.S) faulted: if on a user address the VM can
 * fault in, retry the instruction.  The same fault again and again means
 * the VM keeps answering "resolved" without mapping anything; the copy then
 * fails rather than the kernel spinning. */
#define UACCESS_RETRIES_MAX 8

static bool uaccess_fault_resolved(struct trap_frame *tf)
{
	static uint64_t last_elr, last_far;
	static unsigned repeats;

	if (ESR_EC(tf->esr) != EC_DABT_CUR || tf->far >= USER_END || !fault_for_the_vm(tf->esr) ||
	    tf->elr < (uintptr_t)aarch64_uaccess_start || tf->elr >= (uintptr_t)aarch64_uaccess_end)
		return false;
	if (tf->elr == last_elr && tf->far == last_far) {
		if (++repeats >= UACCESS_RETRIES_MAX) {
			repeats = 0;
			return false;
		}
	} else {
		last_elr = tf->elr;
		last_far = tf->far;
		repeats = 0;
	}
	irqs_as_interrupted(tf);
	bool ok = uaccess_fault(tf->far, aarch64_abort_access(tf->esr));
	arch_irq_disable();
	return ok;
}

void aarch64_el0_svc(struct trap_frame *tf)
{
	uint64_t args[SYSCALL_ARGS];
	for (unsigned i = 0; i < SYSCALL_ARGS; i++)
		args[i] = tf->x[i];
	tf->x[0] = (uint64_t)syscall_dispatch((long)tf->x[8], args);
}

static const char *user_exception_name(unsigned ec)
{
	return ec == EC_UNKNOWN ? "undefined instruction" : ec_name(ec);
}

/* The Mach exception of an exception class taken from EL0 (GNU Mach has
 * no aarch64 port: the types follow its i386 choices, the code is the
 * class and the subcode the ESR, see docs/abi.md). */
static int user_exception_type(unsigned ec)
{
	switch (ec) {
	case 0x2c:                 /* floating-point exception */
		return MACH_EXC_ARITHMETIC;
	case 0x30: case 0x32: case 0x34: case EC_BRK:
		return MACH_EXC_BREAKPOINT;
	case 0x22: case 0x26:      /* PC, SP alignment */
	case EC_SERROR:
		return MACH_EXC_BAD_ACCESS;
	default:
		return MACH_EXC_BAD_INSTRUCTION;
	}
}

/* An abort the VM does not handle (alignment, external abort...): a bad
 * access with the fault status as code and the address as subcode. */
static void el0_abort(struct trap_frame *tf)
{
	if (fault_for_the_vm(tf->esr)) {
		user_page_fault(tf->far, aarch64_abort_access(tf->esr), tf->elr);
		return;
	}
	char what[48];
	unsigned fsc = ISS_FSC(ESR_ISS(tf->esr));
	print_fault_status(fsc, what, sizeof(what));
	user_exception(MACH_EXC_BAD_ACCESS, (int)fsc, tf->far, what, tf->elr);
}

static void el0_sync(struct trap_frame *tf)
{
	unsigned ec = ESR_EC(tf->esr);
	irqs_as_interrupted(tf);
	switch (ec) {
	case EC_SVC64:
		aarch64_el0_svc(tf);       /* elr is already past the svc */
		break;
	case EC_DABT_LOWER:
	case EC_IABT_LOWER:
		el0_abort(tf);
		break;
	case EC_WFX:
		tf->elr += 4;              /* a trapped wfi is only a hint */
		break;
	default:
		user_exception(user_exception_type(ec), (int)ec, tf->esr, user_exception_name(ec),
			       tf->elr);
		break;
	}
}

static __noreturn void fatal(const struct trap_frame *tf)
{
	dump_frame(tf);
	kprintf("machv: stopping\n");
	kernel_poweroff(1);
}

static void el0_trap(struct trap_frame *tf)
{
	switch (tf->kind & 3) {
	case TRAP_SYNC:
		el0_sync(tf);
		break;
	case TRAP_IRQ:
		gic_handle_irq();
		break;
	case TRAP_SERROR:
		/* Asynchronous, but taken in user mode: blame the task. */
		irqs_as_interrupted(tf);
		user_exception(user_exception_type(EC_SERROR), EC_SERROR, tf->esr,
			       ec_name(EC_SERROR), tf->elr);
		break;
	default:
		fatal(tf);                 /* FIQs are never routed to us */
	}
	arch_irq_disable();
	sched_preempt_point();
	user_return_check();
}

void aarch64_trap(struct trap_frame *tf)
{
	unsigned type = tf->kind & 3, source = tf->kind & ~3ul;

	if (source >= TRAP_FROM_EL0_64) {
		el0_trap(tf);
		return;
	}
	if (type == TRAP_IRQ && source == TRAP_FROM_EL1) {
		gic_handle_irq();
		sched_preempt_point();
		return;
	}
	if (type == TRAP_SYNC && source == TRAP_FROM_EL1) {
		if (ESR_EC(tf->esr) == EC_BRK) {
			breakpoints_seen++;
			tf->elr += 4;
			return;
		}
		if (uaccess_fault_resolved(tf))
			return;
		if (fixup(tf))
			return;
	}
	fatal(tf);
}

void traps_init(void)
{
	write_sysreg(vbar_el1, (uint64_t)exception_vectors);
	isb();
	/* head.S masked everything; SErrors can be reported from now on. */
	__asm__ volatile("msr daifclr, #4" ::: "memory");
}
