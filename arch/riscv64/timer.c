/* Time on riscv64: the clock is the `time` CSR (rdtime), which counts at
 * the /cpus timebase-frequency of the device tree; the one-shot timer is
 * the Sstc extension's stimecmp CSR when the hart has it, else the SBI TIME
 * extension's set_timer (a call into firmware per arm).
 *
 * Conversion: ns = (ticks * mult) >> 32 with a 128-bit product, mult =
 * 10^9 * 2^32 / hz (exact for QEMU's 10 MHz).  A deadline is converted
 * back to the first tick whose clock reading reaches it, so the timer
 * interrupt never arrives before its deadline on the clock the kernel reads
 * (timer_interrupt() would find nothing due and re-arm at once).
 *
 * Sstc (stimecmp) needs the firmware to set menvcfg.STCE; without it the
 * CSR traps.  So the device tree's word is checked by reading the CSR under
 * the exception table, and the SBI timer is used if the read faults.  The
 * timer interrupt stays pending while time >= stimecmp (or until the next
 * set_timer), so "no event" is stimecmp = all ones with the interrupt
 * disabled in sie. */
#include <kern/arch.h>
#include <kern/dt.h>
#include <kern/printf.h>
#include <kern/timer.h>
#include <machine/csr.h>
#include <machine/trap.h>
#include "hv/sbi/sbi.h"
#include "pv/pv.h"
#include "riscv.h"

#define GUESS_HZ 10000000ULL
#define TIMER_OFF (~0ULL)

static uint64_t hz;
static uint64_t mult;
static bool use_sstc;
static bool ready;

uint64_t riscv_timebase_hz(void) { return hz; }
bool riscv_timer_uses_sstc(void) { return use_sstc; }

/* Saturating: a tick count past ~584 years reads as the end of time. */
static uint64_t ticks_to_ns(uint64_t ticks)
{
	unsigned __int128 ns = ((unsigned __int128)ticks * mult) >> 32;
	return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

uint64_t riscv_clock_ns(void)
{
	return ticks_to_ns(rdtime());
}

/* Saturating, like ticks_to_ns(). */
uint64_t riscv_ns_to_ticks(uint64_t ns)
{
	uint64_t secs = ns / NSEC_PER_SEC;
	if (hz && secs > (UINT64_MAX - hz) / hz)
		return TIMER_OFF;
	return secs * hz + (ns % NSEC_PER_SEC) * hz / NSEC_PER_SEC;
}

/* The first tick at which the clock reads deadline_ns or later.  The
 * rounded-down conversion is at most a few ticks short. */
static uint64_t deadline_ticks(uint64_t deadline_ns)
{
	uint64_t t = riscv_ns_to_ticks(deadline_ns);
	for (int i = 0; i < 64 && t != TIMER_OFF && ticks_to_ns(t) < deadline_ns; i++)
		t++;
	return t;
}

/* Reads stimecmp; false if that traps (no Sstc, or not enabled for S). */
static bool stimecmp_usable(void)
{
	unsigned long ok = 1, v;
	__asm__ volatile(
		"1: csrr %1, 0x14d\n"
		"   j 3f\n"
		"2: li %0, 0\n"
		"3:\n"
		"   .pushsection .extable, \"a\"\n"
		"   .balign 8\n"
		"   .dword 1b, 2b\n"
		"   .popsection\n"
		: "+r"(ok), "=&r"(v) :: "memory");
	return ok;
}

static void write_stimecmp(uint64_t v)
{
	__asm__ volatile("csrw 0x14d, %0" :: "r"(v) : "memory");
}

void riscv_clock_init(const void *dtb)
{
	uint64_t f = 0;
	if (dt_timebase_frequency(dtb, &f) < 0 || f < 1000 || f > 100000000000ULL) {
		kprintf("timer: WARNING: no usable timebase-frequency in the device tree; "
			"assuming %llu Hz: time will be wrong\n", GUESS_HZ);
		f = GUESS_HZ;
	}
	hz = f;
	mult = (NSEC_PER_SEC << 32) / hz;
	use_sstc = hart_has_ext("sstc") && stimecmp_usable();
}

static void one_shot_arm(uint64_t deadline_ns)
{
	if (!ready)
		return;
	uint64_t t = deadline_ticks(deadline_ns);
	if (use_sstc)
		write_stimecmp(t);
	else
		sbi_set_timer(t);
	csr_set(sie, SIE_STIE);
}

static void one_shot_cancel(void)
{
	if (!ready)
		return;
	csr_clear(sie, SIE_STIE);
	if (use_sstc)
		write_stimecmp(TIMER_OFF);
	else
		sbi_set_timer(TIMER_OFF);
}

static void timer_irq(void)
{
	/* timer_interrupt() re-arms for the next event or cancels, either of
	 * which clears the pending interrupt. */
	if (ready)
		timer_interrupt();
	else
		csr_clear(sie, SIE_STIE);
}

void riscv_time_ops(struct pv_ops *ops)
{
	ops->clock_name = "time-csr";
	ops->clock_ns = riscv_clock_ns;
	ops->timer_name = use_sstc ? "sstc" : "sbi-time";
	ops->timer_arm = one_shot_arm;
	ops->timer_cancel = one_shot_cancel;
}

void riscv_timer_init(void)
{
	riscv_set_intr_handler(IRQ_S_TIMER, timer_irq);
	ready = true;
	one_shot_cancel();
	kprintf("timer: %s, time CSR at %llu.%03llu MHz\n",
		use_sstc ? "Sstc stimecmp" : "SBI set_timer",
		(unsigned long long)(hz / 1000000), (unsigned long long)(hz % 1000000 / 1000));
}
