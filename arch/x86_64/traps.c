/* Exceptions and interrupt dispatch on x86_64.
 *
 * Exceptions (vectors 0..31) first consult the exception table, so code that
 * expects a fault (arch_probe_read64, later copyin/copyout) resumes at its
 * fixup.  Anything else is a kernel bug: print the vector, error code,
 * registers and a backtrace, and power off with the failure status.
 * Vectors 32..255 are interrupts, dispatched through a table. */
#include <kern/arch.h>
#include <kern/backtrace.h>
#include <kern/panic.h>
#include <kern/extable.h>
#include <kern/printf.h>
#include <machine/cpu.h>
#include <machine/trap.h>
#include "pv/pv.h"

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

void x86_trap(struct trap_frame *tf)
{
	unsigned vec = (unsigned)tf->vector;

	if (vec >= VEC_FIRST_IRQ) {
		if (vectors[vec].fn)
			vectors[vec].fn(tf, vectors[vec].arg);
		else if (vec != VEC_SPURIOUS)
			kprintf("machv: unexpected interrupt on vector %u\n", vec);
		if (vec != VEC_SPURIOUS && x86_irq_eoi)
			x86_irq_eoi();
		return;
	}
	if (vec == VEC_BP) {
		breakpoints_seen++;
		return;
	}
	if (fixup(tf))
		return;
	dump_frame(tf);
	kprintf("machv: stopping\n");
	kernel_poweroff(1);
}
