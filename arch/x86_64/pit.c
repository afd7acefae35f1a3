/* The legacy timer chips, used only at boot: the 8259 PICs are silenced
 * (the IOAPIC takes over), and the 8254 PIT serves as a known-frequency
 * reference to measure the TSC against when no CPUID leaf states it.
 *
 * The measurement runs PIT channel 2, whose gate is reached through port
 * 0x61 (the PC speaker port) and which interrupts nobody.  Machines
 * without that port (QEMU's microvm has a PIT but no speaker port) are
 * measured on channel 0 instead, whose interrupt line is masked at both
 * PIC and IOAPIC. */
#include <kern/arch.h>
#include <machine/cpu.h>
#include "platform.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

#define PIT_CH0     0x40
#define PIT_MODE    0x43
#define PIT_GATE    0x61
#define GATE_CH2    0x01
#define GATE_SPKR   0x02

void pic_disable(void)
{
	/* Re-initialise both PICs with vectors 0x20..0x2f, so that a spurious
	 * IRQ 7/15 cannot land on an exception vector, then mask every line. */
	outb(PIC1_CMD, 0x11);       /* ICW1: edge, cascade, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, 0x20);      /* ICW2: vector base */
	outb(PIC2_DATA, 0x28);
	outb(PIC1_DATA, 0x04);      /* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 0x02);
	outb(PIC1_DATA, 0x01);      /* ICW4: 8086 mode */
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

/* Bounds on the waits below, in TSC ticks (the TSC rate is what is being
 * measured, so only generous limits are possible).  A PIT counts every
 * 838 ns: one that shows no change within STALL_TICKS (~1 ms even at
 * 4 GHz) is not there.  GIVE_UP_TICKS ends a wait that started but never
 * finished (1 s at 4 GHz, 4 s at 1 GHz).
 *
 * A stamp is a read of the count with the TSC read on both sides, and
 * stands for the middle of the two: it is off by up to half the time the
 * read took.  A read normally takes the same few microseconds, but one
 * the host stretched (descheduling the vCPU, or QEMU's lock held by its
 * other thread) can take tens, and 30 us is 0.6 % of a 2.5 ms window.  So
 * a stamp is the quickest of STAMP_READS reads in a row, as a network
 * clock filter keeps the sample with the shortest round trip. */
#define STALL_TICKS   (1ULL << 22)
#define GIVE_UP_TICKS (1ULL << 32)
#define STAMP_READS   8

/* A channel's count at this moment (latched, then read low byte first). */
static uint16_t read_count(unsigned channel)
{
	outb(PIT_MODE, (uint8_t)(channel << 6));   /* latch */
	uint8_t lo = inb((uint16_t)(PIT_CH0 + channel));
	uint8_t hi = inb((uint16_t)(PIT_CH0 + channel));
	return (uint16_t)(lo | hi << 8);
}

/* The run: one channel counting down freely (mode 2, reload 65536, so it
 * wraps every 55 ms), or none. */
static int run_channel = -1;
static uint16_t run_start;      /* its count when it was seen to count */
static uint8_t saved_gate;

/* Program channel ch and wait until it is seen to count. */
static bool start_channel(unsigned ch)
{
	outb(PIT_MODE, (uint8_t)(ch << 6 | 0x34));
	outb((uint16_t)(PIT_CH0 + ch), 0);
	outb((uint16_t)(PIT_CH0 + ch), 0);
	/* Anything counting at all?  (A missing PIT reads one value forever.) */
	uint16_t first = read_count(ch), now;
	uint64_t t = rdtsc();
	while ((now = read_count(ch)) == first)
		if (rdtsc() - t > STALL_TICKS)
			return false;
	run_channel = (int)ch;
	run_start = now;
	return true;
}

bool pit_run_start(void)
{
	pit_run_stop();
	/* Channel 2 counts while its gate (port 0x61) is high and interrupts
	 * nobody; the speaker stays off.  The port reads 0xff where nothing
	 * decodes it (QEMU's microvm has a PIT but no speaker port): then
	 * channel 0, whose interrupt line is masked until the IOAPIC has it. */
	saved_gate = inb(PIT_GATE);
	if (saved_gate != 0xff) {
		outb(PIT_GATE, (uint8_t)((saved_gate & ~GATE_SPKR) | GATE_CH2));
		if (start_channel(2))
			return true;
		outb(PIT_GATE, saved_gate & ~GATE_CH2);
	}
	return start_channel(0);
}

void pit_run_stop(void)
{
	if (run_channel == 2)
		outb(PIT_GATE, saved_gate & ~GATE_CH2);
	run_channel = -1;
}

/* One read: the ticks since the run started, the TSC at its middle, and
 * how long it took. */
static uint64_t read_stamped(struct pit_stamp *s)
{
	uint64_t before = rdtsc();
	uint16_t count = read_count((unsigned)run_channel);
	uint64_t after = rdtsc();
	s->elapsed = (uint16_t)(run_start - count);
	s->tsc = before + (after - before) / 2;
	return after - before;
}

bool pit_stamp_after(uint16_t ticks, struct pit_stamp *out)
{
	if (run_channel < 0)
		return false;
	uint64_t t0 = rdtsc();
	struct pit_stamp s;
	for (;;) {
		read_stamped(&s);
		if (s.elapsed >= ticks)
			break;
		if (s.tsc - t0 > GIVE_UP_TICKS)
			return false;
	}
	uint64_t quickest = UINT64_MAX;
	for (int i = 0; i < STAMP_READS; i++) {
		uint64_t took = read_stamped(&s);
		if (took < quickest) {
			quickest = took;
			*out = s;
		}
	}
	return true;
}

/* Two stamps, an eighth of the way into a run and at its end: what a read
 * costs, and whatever happens once at the start of a run, falls out of
 * the difference (under TCG the first microseconds of a run cost a fixed
 * ~17 us: measuring from the run's start read the TSC 0.3 % slow over
 * 5 ms, 0.6 % over 2.5 ms). */
uint64_t pit_measure_tsc(uint16_t pit_ticks)
{
	if (pit_ticks < 16 || pit_ticks > 0xf000 || !pit_run_start())
		return 0;
	struct pit_stamp lead, end;
	bool ok = pit_stamp_after(pit_ticks / 8, &lead) && pit_stamp_after(pit_ticks, &end);
	pit_run_stop();
	if (!ok || end.elapsed <= lead.elapsed)
		return 0;
	return (end.tsc - lead.tsc) * pit_ticks / (uint16_t)(end.elapsed - lead.elapsed);
}
