/* The GDT and TSS.  Long mode ignores segment bases and limits, but the CPU
 * still needs code/data descriptors, and the TSS supplies the stacks: rsp0
 * for entries from user mode (the running thread's kernel stack, updated on
 * every switch), IST1 gives the double-fault handler a stack of its own, so
 * a kernel stack overflow prints a report instead of triple-faulting.
 *
 * The selectors and their order are in <machine/trap.h>. */
#include <kern/string.h>
#include <machine/trap.h>

#define GDT_KCODE   (SEL_KCODE >> 3)
#define GDT_KDATA   (SEL_KDATA >> 3)
#define GDT_USYSRET (SEL_USYSRET >> 3)
#define GDT_UDATA   (SEL_UDATA >> 3)
#define GDT_UCODE   (SEL_UCODE >> 3)
#define GDT_TSS     (SEL_TSS >> 3)    /* a TSS descriptor takes two slots */

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

static uint64_t gdt[8] __aligned(16);
static struct tss tss __aligned(16);
static uint8_t double_fault_stack[8192] __aligned(16);
static uint8_t nmi_stack[4096] __aligned(16);

struct descriptor_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

void gdt_init(void)
{
	gdt[GDT_KCODE] = 0x00af9a000000ffffULL;   /* 64-bit code, DPL 0 */
	gdt[GDT_KDATA] = 0x00cf92000000ffffULL;   /* data, DPL 0 */
	/* SYSRET's base slot stays empty: a 32-bit user code segment would let
	 * a program switch to compatibility mode, whose syscall enters through
	 * MSR_CSTAR, a path machv does not serve. */
	gdt[GDT_USYSRET] = 0;
	gdt[GDT_UDATA] = 0x00cff2000000ffffULL;   /* data, DPL 3 */
	gdt[GDT_UCODE] = 0x00affa000000ffffULL;   /* 64-bit code, DPL 3 */

	memset(&tss, 0, sizeof(tss));
	tss.ist[0] = (uint64_t)(double_fault_stack + sizeof(double_fault_stack));
	tss.ist[1] = (uint64_t)(nmi_stack + sizeof(nmi_stack));
	tss.iomap_base = sizeof(tss);   /* no I/O permission bitmap */

	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
	gdt[GDT_TSS] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		(0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
		(((base >> 24) & 0xff) << 56);
	gdt[GDT_TSS + 1] = base >> 32;

	struct descriptor_ptr p = { sizeof(gdt) - 1, (uint64_t)gdt };
	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %2\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %3, %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		"ltr %w1"
		:: "m"(p), "r"(SEL_TSS), "i"(SEL_KCODE), "i"(SEL_KDATA) : "rax", "memory");
}

/* One CPU: the syscall entry reads the kernel stack from here (user_entry.S);
 * an SMP kernel keeps it in a per-CPU area reached through swapgs. */
uint64_t x86_kernel_rsp;

void x86_set_kernel_stack(uintptr_t top)
{
	tss.rsp[0] = top;
	x86_kernel_rsp = top;
}

uintptr_t x86_kernel_stack(void)
{
	return x86_kernel_rsp;
}
