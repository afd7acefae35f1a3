/* The native monotonic clock: the TSC, scaled to nanoseconds.
 *
 * The frequency comes from the first source that states it:
 *   1. a hypervisor interface hv/ found (kvmclock, via machine/tsc.h);
 *   2. the hypervisor timing leaf 0x40000010 (eax = TSC kHz), which KVM
 *      (vmware-cpuid-freq), VMware and others fill for the *virtual* TSC,
 *      scaling included;
 *   3. CPUID 0x15 (TSC/crystal ratio times the crystal frequency, the crystal
 *      taken from 0x16 or a known model when the CPU leaves it 0);
 *   4. a measurement against the PIT: over the early boot itself, from a
 *      PIT run started before memory is set up (tsc_boot_start) to
 *      tsc_init, so that the boot does not wait for it; else over three
 *      windows of its own;
 *   5. a conservative guess, loudly.
 *
 * Conversion: ns = (tsc * mult) >> 32 with a 128-bit product, mult =
 * 10^9 * 2^32 / hz.  The product cannot overflow; the result wraps only
 * after 2^64 ns (584 years), so clock_ns never goes backwards in practice.
 * Until tsc_init() runs, mult is 0 and the clock reads 0. */
#include <kern/arch.h>
#include <kern/printf.h>
#include <kern/timer.h>
#include <machine/cpu.h>
#include <machine/tsc.h>
#include "platform.h"

#define GUESS_HZ 2000000000ULL   /* only when nothing better is known */
/* Calibrating against the PIT: the run tsc_boot_start begins is stamped
 * once a little into it and again at tsc_init, at least PIT_TICKS_WINDOW
 * (2.5 ms) later - under TCG the memory set-up between the two takes
 * longer than that, so nothing is waited for.  The PIT wraps every 55 ms:
 * a boot run is trusted only if the TSC says at most BOOT_RUN_MAX_TICKS
 * passed, which is under 50 ms for any TSC of 500 MHz or more.  Without a
 * boot run (or with one too long), three windows of 2.5 ms are measured,
 * the median kept.  Each measurement times the PIT ticks between two
 * reads, so the error is a PIT tick at each end at most: under 0.1 %.
 * Under TCG the windows come within 0.005 % of the host's TSC, the boot run
 * within 0.01-0.03 % (its first stamp sits closer to the run's start,
 * whose first microseconds QEMU times oddly): 5 ms of boot traded for a
 * clock that may drift by up to 30 us a second. */
#define PIT_RUNS 3
#define PIT_TICKS_WINDOW (PIT_HZ / 400)
#define BOOT_RUN_LEAD 64
#define BOOT_RUN_MAX_TICKS 25000000ull

static bool boot_run;
static struct pit_stamp boot_lead;

static uint64_t known_hz;
static const char *known_source;
static uint64_t freq_hz;
static uint64_t mult;
static const char *source = "not yet measured";

uint64_t tsc_hz(void) { return freq_hz; }

void tsc_set_known_hz(uint64_t hz, const char *from)
{
	known_hz = hz;
	known_source = from;
}

static inline uint64_t rdtsc_ordered(void)
{
	/* lfence keeps rdtsc from running ahead of earlier loads. */
	__asm__ volatile("lfence" ::: "memory");
	return rdtsc();
}

uint64_t tsc_clock_ns(void)
{
	return (uint64_t)(((unsigned __int128)rdtsc_ordered() * mult) >> 32);
}

uint64_t tsc_ns_to_ticks(uint64_t ns)
{
	/* Split so that no intermediate exceeds 64 bits for any sane hz. */
	return ns / NSEC_PER_SEC * freq_hz + (ns % NSEC_PER_SEC) * freq_hz / NSEC_PER_SEC;
}

static bool plausible(uint64_t hz) { return hz >= 1000000 && hz <= 100000000000ULL; }

static uint64_t from_hypervisor_leaf(void)
{
	if (!(cpuid(1, 0).ecx & CPUID1_ECX_HYPERVISOR))
		return 0;
	if (cpuid(0x40000000, 0).eax < 0x40000010)
		return 0;
	return (uint64_t)cpuid(0x40000010, 0).eax * 1000;
}

/* Crystal frequencies of CPUs that report ratio but not crystal in 0x15
 * (SDM vol. 3, 20.7.3, table "Nominal Core Crystal Clock Frequency"). */
static uint64_t known_crystal_hz(void)
{
	struct cpuid_regs r = cpuid(1, 0);
	unsigned family = (r.eax >> 8) & 0xf;
	unsigned model = ((r.eax >> 4) & 0xf) | ((r.eax >> 12) & 0xf0);
	if (family != 6)
		return 0;
	switch (model) {
	case 0x4e: case 0x5e: case 0x8e: case 0x9e:   /* Skylake/Kaby Lake client */
		return 24000000;
	case 0x5f:                                    /* Denverton */
		return 25000000;
	case 0x5c:                                    /* Goldmont */
		return 19200000;
	}
	return 0;
}

static uint64_t from_cpuid_15(void)
{
	uint32_t max = cpuid(0, 0).eax;
	if (max < 0x15)
		return 0;
	struct cpuid_regs r = cpuid(0x15, 0);
	if (!r.eax || !r.ebx)
		return 0;
	uint64_t crystal = r.ecx;
	if (!crystal && max >= 0x16) {
		/* Base frequency (MHz) is the TSC frequency itself. */
		uint64_t base_mhz = cpuid(0x16, 0).eax & 0xffff;
		if (base_mhz)
			return base_mhz * 1000000;
	}
	if (!crystal)
		crystal = known_crystal_hz();
	return crystal * r.ebx / r.eax;
}

static bool need_calibration(void)
{
	return !plausible(from_hypervisor_leaf()) && !plausible(from_cpuid_15());
}

void tsc_boot_start(void)
{
	boot_run = need_calibration() && pit_run_start() &&
		   pit_stamp_after(BOOT_RUN_LEAD, &boot_lead);
	if (!boot_run)
		pit_run_stop();
}

/* The boot run's rate, or 0. */
static uint64_t from_boot_run(void)
{
	if (!boot_run)
		return 0;
	boot_run = false;
	/* Too long already (the PIT may have wrapped): do not even wait. */
	struct pit_stamp end;
	bool ok = rdtsc() - boot_lead.tsc <= BOOT_RUN_MAX_TICKS &&
		  pit_stamp_after(boot_lead.elapsed + PIT_TICKS_WINDOW, &end);
	pit_run_stop();
	uint16_t ticks = ok ? (uint16_t)(end.elapsed - boot_lead.elapsed) : 0;
	if (ticks == 0 || end.tsc - boot_lead.tsc > BOOT_RUN_MAX_TICKS)
		return 0;
	return (end.tsc - boot_lead.tsc) * PIT_HZ / ticks;
}

/* The median of PIT_RUNS windows: one window gone wrong (a stamp read
 * across a host hiccup the stretch check let through) cannot pull it. */
static uint64_t from_pit(void)
{
	uint64_t t[PIT_RUNS];
	for (int i = 0; i < PIT_RUNS; i++) {
		t[i] = pit_measure_tsc(PIT_TICKS_WINDOW);
		for (int j = i; j > 0 && t[j] < t[j - 1]; j--) {
			uint64_t x = t[j];
			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	}
	return t[PIT_RUNS / 2] * PIT_HZ / PIT_TICKS_WINDOW;
}

void tsc_init(void)
{
	uint64_t hz;
	if (plausible(hz = known_hz)) {
		source = known_source;
	} else if (plausible(hz = from_hypervisor_leaf())) {
		source = "hypervisor leaf 0x40000010";
	} else if (plausible(hz = from_cpuid_15())) {
		source = "cpuid 0x15";
	} else if (plausible(hz = from_boot_run())) {
		source = "PIT calibration over the early boot";
	} else if (plausible(hz = from_pit())) {
		source = "PIT calibration";
	} else {
		hz = GUESS_HZ;
		source = "a GUESS";
		kprintf("tsc: WARNING: no CPUID leaf gives the TSC frequency and no PIT "
			"answers; assuming %llu MHz: time will be wrong\n", GUESS_HZ / 1000000);
	}
	if (boot_run) {
		pit_run_stop();   /* not needed after all (kvmclock said) */
		boot_run = false;
	}
	freq_hz = hz;
	mult = (NSEC_PER_SEC << 32) / hz;
	kprintf("tsc: %llu.%03llu MHz from %s\n", (unsigned long long)(hz / 1000000),
		(unsigned long long)(hz % 1000000 / 1000), source);
}
