/* The local APIC, in x2APIC mode (MSRs) when the CPU offers it, else in
 * xAPIC mode (a 4 KiB MMIO page).  The two differ only in how a register is
 * reached: x2APIC register r is MSR 0x800 + r/16, and the interrupt command
 * register is one 64-bit MSR instead of two 32-bit halves.  Intel SDM vol. 3,
 * chapter 11 ("Advanced Programmable Interrupt Controller"). */
#include <kern/arch.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <machine/cpu.h>
#include <machine/trap.h>
#include "acpi.h"
#include "platform.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1u << 11)
#define APIC_BASE_X2APIC (1u << 10)
#define APIC_BASE_ADDR_MASK 0xffffff000ULL

/* Register offsets (xAPIC MMIO); x2APIC MSR = 0x800 + off / 16. */
#define REG_ID        0x020
#define REG_VERSION   0x030
#define REG_TPR       0x080
#define REG_EOI       0x0b0
#define REG_SVR       0x0f0
#define REG_ESR       0x280
#define REG_ICR_LOW   0x300
#define REG_ICR_HIGH  0x310
#define REG_LVT_TIMER 0x320
#define REG_LVT_LINT0 0x350
#define REG_LVT_LINT1 0x360
#define REG_LVT_ERROR 0x370
#define REG_TIMER_INIT 0x380
#define REG_TIMER_CUR  0x390
#define REG_TIMER_DIV  0x3e0
#define MSR_X2APIC_SELF_IPI 0x83f

#define SVR_ENABLE (1u << 8)
#define LVT_NMI (4u << 8)
#define ICR_SELF (1u << 18)         /* destination shorthand "self" */
#define ICR_ASSERT (1u << 14)
#define ICR_PENDING (1u << 12)
#define TIMER_DIV_16 0x3

static volatile uint32_t *xapic;     /* NULL in x2APIC mode */
static bool x2apic;
static uint32_t apic_id;

static uint32_t reg_read(unsigned off)
{
	if (x2apic)
		return (uint32_t)rdmsr(0x800 + off / 16);
	return mmio_read32(xapic + off / 4);
}

static void reg_write(unsigned off, uint32_t v)
{
	if (x2apic)
		wrmsr(0x800 + off / 16, v);
	else
		mmio_write32(xapic + off / 4, v);
}

uint32_t lapic_id(void) { return apic_id; }
bool lapic_x2apic(void) { return x2apic; }

void lapic_eoi(void)
{
	reg_write(REG_EOI, 0);
}

void lapic_self_ipi(uint8_t vector)
{
	if (x2apic) {
		wrmsr(MSR_X2APIC_SELF_IPI, vector);
		return;
	}
	/* Fixed delivery, edge, assert; the write to the low half sends it.
	 * Wait (bounded) for a previous IPI to leave first. */
	for (int i = 0; i < 100000 && (reg_read(REG_ICR_LOW) & ICR_PENDING); i++)
		arch_cpu_relax();
	reg_write(REG_ICR_HIGH, 0);
	reg_write(REG_ICR_LOW, ICR_SELF | ICR_ASSERT | vector);
}

void lapic_timer_setup(uint8_t vector, uint32_t mode)
{
	reg_write(REG_TIMER_DIV, TIMER_DIV_16);
	reg_write(REG_LVT_TIMER, mode | vector);
	/* In TSC-deadline mode the LVT write must be seen before the first
	 * IA32_TSC_DEADLINE write (SDM 11.5.4.1); mfence orders MMIO/MSR. */
	mb();
}

void lapic_timer_set_count(uint32_t count) { reg_write(REG_TIMER_INIT, count); }
uint32_t lapic_timer_current(void) { return reg_read(REG_TIMER_CUR); }

void lapic_init(void)
{
	struct cpuid_regs r = cpuid(1, 0);
	if (!(r.edx & CPUID1_EDX_APIC))
		panic("lapic: this CPU has no local APIC");

	uint64_t base = rdmsr(MSR_APIC_BASE);
	paddr_t pa = base & APIC_BASE_ADDR_MASK;
	if (acpi.present && acpi.lapic_base && acpi.lapic_base != pa)
		kprintf("lapic: MADT says %#llx, the MSR %#llx; using the MSR\n",
			(unsigned long long)acpi.lapic_base, (unsigned long long)pa);

	if (r.ecx & CPUID1_ECX_X2APIC) {
		/* xAPIC -> x2APIC must pass through "enabled" (SDM 11.12.5). */
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
		x2apic = true;
	} else {
		wrmsr(MSR_APIC_BASE, (base & ~(uint64_t)APIC_BASE_X2APIC) | APIC_BASE_ENABLE);
		xapic = ioremap(pa, PAGE_SIZE);
		if (!xapic)
			panic("lapic: cannot map the local APIC at %#llx", (unsigned long long)pa);
	}

	apic_id = x2apic ? reg_read(REG_ID) : reg_read(REG_ID) >> 24;

	reg_write(REG_TPR, 0);                        /* accept every priority */
	reg_write(REG_LVT_LINT0, LAPIC_LVT_MASKED);   /* the 8259s stay silent */
	reg_write(REG_LVT_LINT1, LVT_NMI);
	reg_write(REG_LVT_ERROR, LAPIC_LVT_MASKED);
	reg_write(REG_LVT_TIMER, LAPIC_LVT_MASKED);
	reg_write(REG_SVR, SVR_ENABLE | VEC_SPURIOUS);
	/* The error status register latches on a write; clear it twice. */
	if (!x2apic) {
		reg_write(REG_ESR, 0);
		reg_write(REG_ESR, 0);
	}
	lapic_eoi();                                  /* drop anything stale */
	x86_irq_eoi = lapic_eoi;

	kprintf("lapic: %s id %u, version %#x\n", x2apic ? "x2apic" : "xapic",
		apic_id, reg_read(REG_VERSION) & 0xff);
}
