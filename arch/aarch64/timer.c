/* The Arm generic timer: the clock and the one-shot timer.
 *
 * Clock: the virtual counter CNTVCT_EL0 at CNTFRQ_EL0 Hz, scaled to
 * nanoseconds since boot by a 32.32 fixed-point multiply (the 128-bit
 * product never overflows).  The counter is architecturally monotonic and
 * shared by all CPUs.
 *
 * One-shot timer: the EL1 virtual timer (CNTV_CVAL_EL0/CNTV_CTL_EL0), whose
 * PPI the device tree's /timer node names (interrupts index 2; INTID 27 on
 * every known board).  Its interrupt is a level: the handler disables the
 * timer before running timer_interrupt(), which re-arms as needed.  As on
 * x86 the deadline is turned into a distance from pv_ops.clock_ns() now, so
 * a hypervisor clock the pv layer prefers stays the one events obey. */
#include <kern/arch.h>
#include <kern/dt.h>
#include <kern/errno.h>
#include <kern/printf.h>
#include <kern/timer.h>
#include <machine/cpu.h>
#include "pv/pv.h"
#include "platform.h"

#define TIMER_VIRT_INDEX 2       /* secure phys, phys, virt, hyp */
#define TIMER_VIRT_PPI_DEFAULT 27

static uint64_t freq;
static uint64_t boot_count;
static uint64_t ns_per_tick_32;  /* ns per tick, 32.32 fixed point */
static uint64_t ticks_per_ns_32; /* ticks per ns, 32.32, rounded up */

static inline uint64_t counter(void)
{
	isb();                    /* no earlier read of the counter than here */
	return read_sysreg(cntvct_el0);
}

static inline uint64_t mul_32_32(uint64_t a, uint64_t b)
{
	return (uint64_t)(((unsigned __int128)a * b) >> 32);
}

uint64_t generic_timer_hz(void) { return freq; }

static uint64_t cntvct_clock_ns(void)
{
	return mul_32_32(counter() - boot_count, ns_per_tick_32);
}

static void cntv_arm(uint64_t deadline_ns)
{
	uint64_t now = pv_ops.clock_ns();
	uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
	uint64_t ticks = mul_32_32(delta, ticks_per_ns_32) + 1;
	uint64_t c = counter();
	write_sysreg(cntv_cval_el0, ticks > UINT64_MAX - c ? UINT64_MAX : c + ticks);
	write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
	isb();
}

static void cntv_cancel(void)
{
	write_sysreg(cntv_ctl_el0, 0);
	isb();
}

static void timer_irq(void *arg)
{
	cntv_cancel();            /* lowers the level */
	timer_interrupt();
}

/* Start the clock at the first call (from arch_pv_native at boot). */
static void clock_start(void)
{
	if (freq)
		return;
	freq = read_sysreg(cntfrq_el0) & 0xffffffffu;
	if (!freq) {
		freq = 62500000;       /* firmware left CNTFRQ unset: QEMU's usual rate */
		kprintf("timer: CNTFRQ_EL0 is 0; assuming %llu Hz\n", (unsigned long long)freq);
	}
	ns_per_tick_32 = (NSEC_PER_SEC << 32) / freq;
	ticks_per_ns_32 = (freq / NSEC_PER_SEC << 32) +
			  (((freq % NSEC_PER_SEC) << 32) + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
	cntv_cancel();
	boot_count = counter();
}

void generic_timer_ops(struct pv_ops *ops)
{
	clock_start();
	ops->clock_name = "cntvct";
	ops->clock_ns = cntvct_clock_ns;
	ops->timer_name = "cntv";
	ops->timer_arm = cntv_arm;
	ops->timer_cancel = cntv_cancel;
}

void generic_timer_init(const void *dtb)
{
	unsigned line = TIMER_VIRT_PPI_DEFAULT, flags = IRQ_LEVEL;
	int node = dt_find_compatible(dtb, -1, "arm,armv8-timer");
	if (node < 0)
		node = dt_find_compatible(dtb, -1, "arm,armv7-timer");
	uint32_t cells[DT_MAX_IRQ_CELLS];
	int ncells, ctrl;
	if (node < 0 || dt_interrupt(dtb, node, TIMER_VIRT_INDEX, cells, &ncells, &ctrl) < 0 ||
	    arch_dt_irq_decode(dtb, ctrl, cells, ncells, &line, &flags) < 0)
		kprintf("timer: no virtual timer interrupt in the device tree; using PPI %u\n",
			line);
	int rc = arch_irq_attach(line, flags & ~IRQ_ACTIVE_LOW, timer_irq, NULL);
	if (rc < 0) {
		kprintf("timer: cannot route interrupt %u (error %d); no one-shot timer\n", line, rc);
		return;
	}
	kprintf("timer: generic timer %llu.%03llu MHz, virtual timer on interrupt %u\n",
		(unsigned long long)(freq / 1000000), (unsigned long long)(freq % 1000000 / 1000),
		line);
}
