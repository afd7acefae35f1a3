/* The one-shot timer behind pv_ops.timer_arm: the local APIC timer, either
 * in TSC-deadline mode (CPUID.1:ECX[24]: write the TSC value to fire at into
 * IA32_TSC_DEADLINE) or in one-shot mode (a 32-bit count at bus/16, whose
 * rate is measured against the TSC at boot).
 *
 * Deadlines are in the pv clock's nanoseconds, which may be kvmclock rather
 * than the native TSC clock.  So the timer never converts an absolute
 * deadline: it takes the distance to it from pv_ops.clock_ns() now and
 * converts that distance to ticks.  The two clocks tick at the same rate up
 * to the hypervisor's rounding, and if the interrupt arrives a hair early
 * timer_interrupt() finds nothing due and re-arms for the rest, so events
 * never fire before their deadline on the clock the kernel reads. */
#include <kern/arch.h>
#include <kern/printf.h>
#include <kern/timer.h>
#include <machine/cpu.h>
#include <machine/trap.h>
#include "pv/pv.h"
#include "platform.h"

#define MSR_TSC_DEADLINE 0x6e0
/* The LAPIC timer only raises the interrupt; the clock (the TSC) judges
 * whether a deadline has come (timer.c re-arms an early one), so its
 * frequency need not be exact: 1 ms gives ~62,500 counts at QEMU's
 * 62.5 MHz, a fraction of a percent with the reads' latency. */
#define CALIBRATE_NS (1 * NSEC_PER_MSEC)   /* a boot-time wait: kept short */
#define MAX_ARM_NS (3600 * NSEC_PER_SEC)

static bool deadline_mode;
static bool ready;
static uint64_t lapic_hz;        /* one-shot mode: count rate after divide-by-16 */

bool lapic_timer_has_tsc_deadline(void)
{
	return cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE;
}

static void timer_irq(struct trap_frame *tf, void *arg)
{
	timer_interrupt();
}

void lapic_timer_arm(uint64_t deadline_ns)
{
	if (!ready)
		return;
	uint64_t now = pv_ops.clock_ns();
	uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
	/* Far deadlines ("never" as UINT64_MAX) are armed at the cap, fire
	 * early and are re-armed: tick conversions cannot overflow. */
	if (delta > MAX_ARM_NS)
		delta = MAX_ARM_NS;
	if (deadline_mode) {
		/* A deadline already passed fires at once; 0 would disarm. */
		uint64_t tsc = rdtsc() + tsc_ns_to_ticks(delta) + 1;
		wrmsr(MSR_TSC_DEADLINE, tsc);
		return;
	}
	uint64_t count = delta / NSEC_PER_SEC * lapic_hz +
			 (delta % NSEC_PER_SEC) * lapic_hz / NSEC_PER_SEC + 1;
	/* A longer wait fires early at the 32-bit limit and is re-armed. */
	lapic_timer_set_count(count > 0xffffffffULL ? 0xffffffffu : (uint32_t)count);
}

void lapic_timer_cancel(void)
{
	if (!ready)
		return;
	if (deadline_mode)
		wrmsr(MSR_TSC_DEADLINE, 0);
	else
		lapic_timer_set_count(0);
}

/* Count LAPIC ticks over window_ns of TSC time, with the timer masked.
 * Both counters are sampled back to back at each end.  The caller runs it
 * twice, a short pass first: under an emulator the first pass includes the
 * one-time cost of translating this very loop. */
static uint64_t count_over_tsc_window(uint64_t window_ns)
{
	lapic_timer_setup(0xff, LAPIC_TIMER_ONESHOT | LAPIC_LVT_MASKED);
	lapic_timer_set_count(0xffffffffu);
	uint32_t c0 = lapic_timer_current();
	uint64_t t0 = rdtsc(), span = tsc_ns_to_ticks(window_ns), t1;
	while (rdtsc() - t0 < span)
		arch_cpu_relax();
	uint32_t c1 = lapic_timer_current();
	t1 = rdtsc();
	lapic_timer_set_count(0);
	return (uint64_t)(c0 - c1) * tsc_hz() / (t1 - t0);
}

static uint64_t measure_lapic_hz(void)
{
	uint64_t hint_khz = 0;
	if ((cpuid(1, 0).ecx & CPUID1_ECX_HYPERVISOR) && cpuid(0x40000000, 0).eax >= 0x40000010)
		hint_khz = cpuid(0x40000010, 0).ebx;   /* the bus (APIC timer) clock */
	if (hint_khz)
		return hint_khz * 1000 / 16;
	count_over_tsc_window(CALIBRATE_NS / 5);
	return count_over_tsc_window(CALIBRATE_NS);
}

void lapic_timer_init(void)
{
	int vec = vector_alloc(timer_irq, NULL);
	if (vec < 0) {
		kprintf("timer: no free vector; no one-shot timer\n");
		return;
	}
	deadline_mode = lapic_timer_has_tsc_deadline();
	if (deadline_mode) {
		lapic_timer_setup((uint8_t)vec, LAPIC_TIMER_TSC_DEADLINE);
		wrmsr(MSR_TSC_DEADLINE, 0);
		kprintf("timer: tsc-deadline, vector %#x\n", vec);
	} else {
		lapic_hz = measure_lapic_hz();
		if (lapic_hz < 1000) {
			kprintf("timer: WARNING: the LAPIC timer does not count; no one-shot timer\n");
			return;
		}
		lapic_timer_setup((uint8_t)vec, LAPIC_TIMER_ONESHOT);
		kprintf("timer: lapic one-shot, %llu.%03llu MHz (bus/16), vector %#x\n",
			(unsigned long long)(lapic_hz / 1000000),
			(unsigned long long)(lapic_hz % 1000000 / 1000), vec);
	}
	ready = true;
}
