/* Exceptions and interrupt dispatch on x86_64.
 *
 * Vectors 32..255 are interrupts, dispatched through a table.  Exceptions
 * (vectors 0..31) depend on where they came from:
 *   - user mode: a page fault goes to user_page_fault(), anything else to
 *     user_exception() (src/kern/user_fault.c) as GNU Mach's exception and
 *     code for the vector; they resolve it, let a handler take it, or
 *     kill the task; the kernel carries on either way;
 *   - kernel mode: a page fault on a user address in the user-copy
 *     instruction (uaccess.S) is
 *     resolved through uaccess_fault() and retried; then the exception
 *     table sends any instruction that expects a fault (arch_probe_read64,
 *     the user copies) to its fixup.  Anything else is a kernel bug: print
 *     the vector, error code, registers and a backtrace, and power off with
 *     the failure status.
 * On the way out, every handler gives the scheduler its chance to preempt
 * (sched_preempt_point), and a return to user mode passes
 * user_return_check() last. */
#include <kern/arch.h>
#include <kern/backtrace.h>
#include <kern/exception.h>
#include <kern/panic.h>
#include <kern/extable.h>
#include <kern/printf.h>
#include <kern/ptable.h>
#include <kern/sched.h>
#include <kern/syscall.h>
#include <kern/uaccess.h>
#include <kern/vm_map.h>
#include <machine/cpu.h>
#include <machine/pte.h>
#include <machine/trap.h>
#include "pv/pv.h"
#include "mmu.h"

struct idt_gate {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, zero;
} __packed;

static struct idt_gate idt[256] __aligned(16);
extern const uint64_t trap_vector_table[256];

static struct {
	vector_handler_t fn;
	void *arg;
} vectors[256];

void (*x86_irq_eoi)(void);

static void set_gate(unsigned vec, uint64_t addr, unsigned ist)
{
	idt[vec] = (struct idt_gate){
		.off0 = addr & 0xffff, .sel = 0x08, .ist = (uint8_t)ist,
		.type = 0x8e,   /* present, DPL 0, 64-bit interrupt gate */
		.off1 = (addr >> 16) & 0xffff, .off2 = (uint32_t)(addr >> 32),
	};
}

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		set_gate(v, trap_vector_table[v], 0);
	set_gate(VEC_DF, trap_vector_table[VEC_DF], 1);   /* own stack: see gdt.c */
	set_gate(VEC_NMI, trap_vector_table[VEC_NMI], 2);
	/* int3 in a program is a breakpoint exception, reported as such; every
	 * other gate keeps DPL 0, so `int N` from user mode is a #GP rather
	 * than a forged interrupt or exception. */
	idt[VEC_BP].type = 0xee;
	struct { uint16_t limit; uint64_t base; } __packed p = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" :: "m"(p));
}

void vector_set(unsigned vec, vector_handler_t fn, void *arg)
{
	vectors[vec].arg = arg;
	vectors[vec].fn = fn;
}

int vector_alloc(vector_handler_t fn, void *arg)
{
	/* 0x30..0xef: above the legacy PIC range, below the fixed system vectors. */
	for (unsigned v = 0x30; v < 0xf0; v++) {
		if (!vectors[v].fn) {
			vector_set(v, fn, arg);
			return (int)v;
		}
	}
	return -1;
}

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault",
	"coprocessor segment overrun", "invalid TSS", "segment not present",
	"stack fault", "general protection", "page fault", "reserved",
	"x87 floating point", "alignment check", "machine check", "SIMD floating point",
	"virtualization", "control protection",
};

/* An instruction allowed to fault (kern/extable.h) resumes at its fixup. */
static bool fixup(struct trap_frame *tf)
{
	uintptr_t to = extable_fixup(tf->rip);
	if (to)
		tf->rip = to;
	return to != 0;
}

static unsigned pf_access(uint64_t error)
{
	if (error & PF_FETCH)
		return VM_FAULT_EXEC;
	return error & PF_WRITE ? VM_FAULT_WRITE : VM_FAULT_READ;
}

/* uaccess.S: the two copy instructions of arch_copy_{from,to}_user. */
extern const char x86_uaccess_copy_insn[], x86_uaccess_copy_tail[];

/* Whether the page at va, in the loaded address space, lets user code make
 * the access. */
static bool user_page_allows(uintptr_t va, unsigned access)
{
	const struct ptable loaded = { .root = read_cr3() & PTE_ADDR_MASK };
	unsigned prot;
	if (!ptable_translate(&loaded, ALIGN_DOWN(va, PAGE_SIZE), NULL, &prot))
		return false;
	if (!(prot & PROT_USER) || ((access & VM_FAULT_WRITE) && !(prot & PROT_W)))
		return false;
	return true;
}

/* A kernel page fault inside arch_copy_{from,to}_user on a user address:
 * true if uaccess_fault() made the page available and the copy may go on.
 * Retrying is only worth it when the page now allows the access; anything
 * else (the copy ran with the SMAP window shut, the map said yes but did
 * not map it) would fault again forever, so the copy fails instead. */
static bool uaccess_retry(struct trap_frame *tf, uintptr_t addr)
{
	if ((tf->rip != (uintptr_t)x86_uaccess_copy_insn &&
	     tf->rip != (uintptr_t)x86_uaccess_copy_tail) || addr >= USER_END ||
	    (tf->error & PF_RSVD))
		return false;
	if (x86_smap_enabled && !(tf->rflags & RFLAGS_AC))
		return false;
	unsigned access = pf_access(tf->error);
	/* Resolving may take a while (a page to allocate and clear): let
	 * interrupts in if the copy ran with them. */
	if (tf->rflags & RFLAGS_IF)
		arch_irq_enable();
	bool ok = uaccess_fault(addr, access);
	arch_irq_disable();
	return ok && user_page_allows(addr, access);
}

static void dump_frame(const struct trap_frame *tf)
{
	uintptr_t off;
	const char *sym = ksym_lookup(tf->rip, &off);
	unsigned vec = (unsigned)tf->vector;

	kprintf("\nmachv: CPU exception %u (%s), error code %#llx\n", vec,
		vec < 32 && exception_names[vec] ? exception_names[vec] : "?",
		(unsigned long long)tf->error);
	if (vec == VEC_PF)
		kprintf("  fault address %#llx (%s, %s, %s)\n", (unsigned long long)read_cr2(),
			tf->error & 1 ? "protection" : "not present",
			tf->error & 2 ? "write" : "read", tf->error & 16 ? "fetch" : "data");
	kprintf("  rip %016llx <%s+%#lx> cs %llx rflags %llx\n",
		(unsigned long long)tf->rip, sym ? sym : "?", sym ? (unsigned long)off : 0UL,
		(unsigned long long)tf->cs, (unsigned long long)tf->rflags);
	kprintf("  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n",
		(unsigned long long)tf->rax, (unsigned long long)tf->rbx,
		(unsigned long long)tf->rcx, (unsigned long long)tf->rdx);
	kprintf("  rsi %016llx rdi %016llx rbp %016llx rsp %016llx\n",
		(unsigned long long)tf->rsi, (unsigned long long)tf->rdi,
		(unsigned long long)tf->rbp, (unsigned long long)tf->rsp);
	kprintf("  r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n",
		(unsigned long long)tf->r8, (unsigned long long)tf->r9,
		(unsigned long long)tf->r10, (unsigned long long)tf->r11);
	kprintf("  r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n",
		(unsigned long long)tf->r12, (unsigned long long)tf->r13,
		(unsigned long long)tf->r14, (unsigned long long)tf->r15);
	kprintf("  cr0 %llx cr3 %llx cr4 %llx\n", (unsigned long long)read_cr0(),
		(unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	backtrace_print(tf->rip, tf->rbp);
}

/* Breakpoints are reported and resumed: int3 is how a test (or a person)
 * checks that the exception path returns cleanly. */
static unsigned long breakpoints_seen;
unsigned long x86_breakpoint_count(void);
unsigned long x86_breakpoint_count(void) { return breakpoints_seen; }

static __noreturn void kernel_bug(struct trap_frame *tf)
{
	dump_frame(tf);
	kprintf("machv: stopping\n");
	kernel_poweroff(1);
}

static void interrupt(struct trap_frame *tf)
{
	unsigned vec = (unsigned)tf->vector;
	if (vectors[vec].fn)
		vectors[vec].fn(tf, vectors[vec].arg);
	else if (vec != VEC_SPURIOUS)
		kprintf("machv: unexpected interrupt on vector %u\n", vec);
	if (vec != VEC_SPURIOUS && x86_irq_eoi)
		x86_irq_eoi();
}

static void kernel_exception(struct trap_frame *tf)
{
	unsigned vec = (unsigned)tf->vector;
	if (vec == VEC_BP) {
		breakpoints_seen++;
		return;
	}
	if (vec == VEC_PF) {
		uintptr_t addr = read_cr2();
		if (uaccess_retry(tf, addr))
			return;
	}
	if (vec != VEC_DF && vec != VEC_NMI && vec != VEC_MC && fixup(tf))
		return;
	kernel_bug(tf);
}

/* GNU Mach's Mach exception for each vector (i386/trap.c's user_trap),
 * codes from mach/i386/exception.h.  Vectors that report an error code
 * (segment and protection faults) use it as the code, as GNU Mach does;
 * the subcode is always the error code.  Anything else is a bad
 * instruction with the vector as code. */
#define EXC_I386_DIV    1
#define EXC_I386_INTO   2
#define EXC_I386_NOEXT  3
#define EXC_I386_EXTOVR 4
#define EXC_I386_EXTERR 5
#define EXC_I386_BOUND  7
#define EXC_I386_SGL    1
#define EXC_I386_BPT    2
#define CODE_IS_ERROR   (-1)

static const struct { uint8_t exception; int8_t code; } vector_exceptions[32] = {
	[0]  = { MACH_EXC_ARITHMETIC, EXC_I386_DIV },
	[1]  = { MACH_EXC_BREAKPOINT, EXC_I386_SGL },
	[3]  = { MACH_EXC_BREAKPOINT, EXC_I386_BPT },
	[4]  = { MACH_EXC_ARITHMETIC, EXC_I386_INTO },
	[5]  = { MACH_EXC_ARITHMETIC, EXC_I386_BOUND },
	[6]  = { MACH_EXC_BAD_INSTRUCTION, MACH_EXC_I386_INVOP },
	[7]  = { MACH_EXC_ARITHMETIC, EXC_I386_NOEXT },
	[9]  = { MACH_EXC_ARITHMETIC, EXC_I386_EXTOVR },
	[10] = { MACH_EXC_BAD_INSTRUCTION, CODE_IS_ERROR },
	[11] = { MACH_EXC_BAD_INSTRUCTION, CODE_IS_ERROR },
	[12] = { MACH_EXC_BAD_INSTRUCTION, CODE_IS_ERROR },
	[13] = { MACH_EXC_BAD_INSTRUCTION, CODE_IS_ERROR },
	[16] = { MACH_EXC_ARITHMETIC, EXC_I386_EXTERR },
	[19] = { MACH_EXC_ARITHMETIC, EXC_I386_EXTERR },
};

static void raise_user_exception(const struct trap_frame *tf, unsigned vec)
{
	int exception = MACH_EXC_BAD_INSTRUCTION, code = (int)vec;
	if (vec < 32 && vector_exceptions[vec].exception) {
		exception = vector_exceptions[vec].exception;
		code = vector_exceptions[vec].code == CODE_IS_ERROR ? (int)tf->error
								    : vector_exceptions[vec].code;
	}
	user_exception(exception, code, tf->error,
		       vec < 32 && exception_names[vec] ? exception_names[vec] : "reserved exception",
		       tf->rip);
}

/* Faults of the program itself: resolved, handled or fatal to its task,
 * never to the kernel. */
static void user_trap(struct trap_frame *tf)
{
	unsigned vec = (unsigned)tf->vector;
	if (vec == VEC_NMI || vec == VEC_DF || vec == VEC_MC)
		kernel_bug(tf);   /* the machine's trouble, not the program's */
	uintptr_t addr = vec == VEC_PF ? read_cr2() : 0;   /* before anything can fault again */
	arch_irq_enable();
	if (vec == VEC_PF)
		user_page_fault(addr, pf_access(tf->error), tf->rip);
	else
		raise_user_exception(tf, vec);
	arch_irq_disable();
}

void x86_trap(struct trap_frame *tf)
{
	/* An interrupt or fault in the middle of a user copy arrives with
	 * RFLAGS.AC still set: close the SMAP window for the handler (IRETQ
	 * reopens it for the copy). */
	smap_clac();

	bool from_user = trap_from_user(tf);
	if (tf->vector >= VEC_FIRST_IRQ)
		interrupt(tf);
	else if (from_user)
		user_trap(tf);
	else
		kernel_exception(tf);

	/* Preempt only code that could have been interrupted: never one that
	 * ran with interrupts off (a fault under arch_irq_save, an NMI). */
	if (tf->rflags & RFLAGS_IF)
		sched_preempt_point();
	if (from_user)
		user_return_check();
}
