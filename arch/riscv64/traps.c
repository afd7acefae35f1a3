/* Traps on riscv64: exceptions and supervisor interrupts, one entry
 * (trap_entry.S) and two dispatchers: this file for traps taken in the
 * kernel, user_trap.c for traps from user mode.
 *
 * Interrupts (scause top bit set) go to the handler the platform installed
 * for their cause: supervisor software (1: self-interrupts, later IPIs),
 * timer (5) and external (9: the PLIC).  At the end of an interrupt the
 * scheduler may switch threads (sched_preempt_point): the interrupted frame
 * stays on the interrupted thread's stack until it runs again.
 *
 * Exceptions in the kernel first consult the exception table, so code that
 * expects a fault (arch_probe_read64, the user-copy routines) resumes at its
 * fixup; a user-copy routine that faults on a user page first asks the VM
 * to bring the page in (uaccess_fault) and, if it can, retries.  ebreak is
 * counted and skipped, so a test (or a person) can check that the exception
 * path returns cleanly.  Anything else is a kernel bug: print the cause by
 * name, sepc/stval/sstatus, every register and a backtrace, and power off
 * with the failure status. */
#include <kern/arch.h>
#include <kern/backtrace.h>
#include <kern/panic.h>
#include <kern/extable.h>
#include <kern/printf.h>
#include <kern/sched.h>
#include <kern/uaccess.h>
#include <kern/vm_map.h>
#include <machine/csr.h>
#include <machine/trap.h>
#include "pv/pv.h"

extern char trap_entry[];

static intr_handler_t intr_handlers[16];
static unsigned long breakpoints_seen;

unsigned long riscv_breakpoint_count(void) { return breakpoints_seen; }

void trap_init(void)
{
	csr_write(sscratch, 0);
	csr_write(stvec, (unsigned long)trap_entry);   /* direct mode: low bits 0 */
}

void riscv_set_intr_handler(unsigned cause, intr_handler_t fn)
{
	if (cause < ARRAY_SIZE(intr_handlers))
		intr_handlers[cause] = fn;
}

static const char *const exception_names[] = {
	[EXC_INSN_MISALIGNED] = "instruction address misaligned",
	[EXC_INSN_ACCESS] = "instruction access fault",
	[EXC_ILLEGAL_INSN] = "illegal instruction",
	[EXC_BREAKPOINT] = "breakpoint",
	[EXC_LOAD_MISALIGNED] = "load address misaligned",
	[EXC_LOAD_ACCESS] = "load access fault",
	[EXC_STORE_MISALIGNED] = "store/AMO address misaligned",
	[EXC_STORE_ACCESS] = "store/AMO access fault",
	[EXC_ECALL_U] = "environment call from U-mode",
	[EXC_ECALL_S] = "environment call from S-mode",
	[EXC_INSN_PAGE_FAULT] = "instruction page fault",
	[EXC_LOAD_PAGE_FAULT] = "load page fault",
	[EXC_STORE_PAGE_FAULT] = "store/AMO page fault",
	[18] = "software check",
	[19] = "hardware error",
};

static const char *const interrupt_names[] = {
	[IRQ_S_SOFT] = "supervisor software",
	[IRQ_S_TIMER] = "supervisor timer",
	[IRQ_S_EXT] = "supervisor external",
	[13] = "counter overflow",
};

const char *riscv_cause_name(uint64_t scause)
{
	uint64_t code = scause & ~SCAUSE_INTERRUPT;
	const char *name = NULL;
	if (scause & SCAUSE_INTERRUPT) {
		if (code < ARRAY_SIZE(interrupt_names))
			name = interrupt_names[code];
	} else if (code < ARRAY_SIZE(exception_names)) {
		name = exception_names[code];
	}
	return name ? name : "unknown";
}

static const char *const reg_names[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1",
	"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7",
	"s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
	"t3", "t4", "t5", "t6",
};

/* An instruction allowed to fault (kern/extable.h) resumes at its fixup. */
static bool fixup(struct trap_frame *tf)
{
	uintptr_t to = extable_fixup(tf->sepc);
	if (to)
		tf->sepc = to;
	return to != 0;
}

static void dump_frame(const struct trap_frame *tf)
{
	uintptr_t off;
	const char *sym = ksym_lookup(tf->sepc, &off);
	uint64_t code = tf->scause & ~SCAUSE_INTERRUPT;

	kprintf("\nmachv: CPU exception %llu (%s), scause %#llx\n", (unsigned long long)code,
		riscv_cause_name(tf->scause), (unsigned long long)tf->scause);
	kprintf("  sepc %016llx <%s+%#lx>\n", (unsigned long long)tf->sepc,
		sym ? sym : "?", sym ? (unsigned long)off : 0UL);
	kprintf("  stval %016llx sstatus %016llx (%s, SPIE %d, SUM %d)\n",
		(unsigned long long)tf->stval, (unsigned long long)tf->sstatus,
		tf->sstatus & SSTATUS_SPP ? "from S-mode" : "from U-mode",
		!!(tf->sstatus & SSTATUS_SPIE), !!(tf->sstatus & SSTATUS_SUM));
	for (unsigned i = 1; i < 32; i += 4) {
		char line[128];
		int n = 0;
		for (unsigned r = i; r < i + 4 && r < 32; r++)
			n += ksnprintf(line + n, sizeof(line) - (size_t)n, "%s%-4s %016llx",
				       r == i ? "  " : " ", reg_names[r], (unsigned long long)tf->x[r]);
		kprintf("%s\n", line);
	}
	kprintf("  satp %016lx stvec %016lx sie %lx sip %lx\n", csr_read(satp),
		csr_read(stvec), csr_read(sie), csr_read(sip));
	backtrace_print(tf->sepc, tf->x[REG_S0]);
}

void riscv_interrupt(struct trap_frame *tf)
{
	uint64_t code = tf->scause & ~SCAUSE_INTERRUPT;
	if (code < ARRAY_SIZE(intr_handlers) && intr_handlers[code]) {
		intr_handlers[code]();
		return;
	}
	/* Nobody asked for it: mask it rather than take it forever. */
	kprintf("machv: unexpected %s interrupt (cause %llu); masked\n", riscv_cause_name(tf->scause),
		(unsigned long long)code);
	if (code < 64)
		csr_clear(sie, 1UL << code);
}

/* Length of the instruction at pc: 2 for compressed encodings. */
static unsigned insn_length(uint64_t pc)
{
	uint16_t low = *(const volatile uint16_t *)pc;
	return (low & 3) == 3 ? 4 : 2;
}

/* A user-copy routine (SUM open, the instruction in the exception table)
 * faulted on a user address: let the VM map the page.  true if the access
 * is to be retried.  A fault with SUM closed is never resolved: that is
 * how the kernel is kept from reading user memory by accident, and how
 * arch_probe_read64 reports a user address as unreadable.
 *
 * The copy routines (uaccess.S) start with t5 = 0 and leave it alone; here
 * it records the address last resolved.  A copy only moves forward, so the
 * same address faulting again means the resolution did not hold (the
 * region went away meanwhile): the copy fails rather than loop. */
static bool user_copy_fault(struct trap_frame *tf)
{
	unsigned access;

	if (!(tf->sstatus & SSTATUS_SUM) || tf->stval < USER_BASE || tf->stval >= USER_END)
		return false;
	if (tf->scause == EXC_LOAD_PAGE_FAULT)
		access = VM_FAULT_READ;
	else if (tf->scause == EXC_STORE_PAGE_FAULT)
		access = VM_FAULT_WRITE;
	else
		return false;
	if (tf->x[REG_T5] == tf->stval)
		return false;
	/* Resolving may take a while (a page to allocate and clear): let
	 * interrupts in if the copy ran with them. */
	if (tf->sstatus & SSTATUS_SPIE)
		arch_irq_enable();
	bool ok = uaccess_fault(tf->stval, access);
	arch_irq_disable();
	if (ok)
		tf->x[REG_T5] = tf->stval;
	return ok;
}

void riscv_trap(struct trap_frame *tf)
{
	if (tf->scause & SCAUSE_INTERRUPT) {
		riscv_interrupt(tf);
		sched_preempt_point();
		return;
	}
	if (tf->scause == EXC_BREAKPOINT) {
		breakpoints_seen++;
		tf->sepc += insn_length(tf->sepc);
		return;
	}
	if (extable_fixup(tf->sepc) && user_copy_fault(tf))
		return;   /* the page is there now: run the access again */
	if (fixup(tf))
		return;
	dump_frame(tf);
	kprintf("machv: stopping\n");
	kernel_poweroff(1);
}
