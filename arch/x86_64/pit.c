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
 * 4 GHz) is not there.  GIVE_UP_TICKS ends a run that started but never
 * finished (1 s at 4 GHz, 4 s at 1 GHz). */
#define STALL_TICKS   (1ULL << 22)
#define GIVE_UP_TICKS (1ULL << 32)

/* A channel's count at this moment (latched, then read low byte first). */
static uint16_t read_count(unsigned channel)
{
	outb(PIT_MODE, (uint8_t)(channel << 6));   /* latch */
	uint8_t lo = inb((uint16_t)(PIT_CH0 + channel));
	uint8_t hi = inb((uint16_t)(PIT_CH0 + channel));
	return (uint16_t)(lo | hi << 8);
}

/* TSC ticks per count PIT ticks, measured on a free-running channel.
 * Each read of the count is followed at once by a TSC read, and the rate
 * comes from two such pairs: the first an eighth of the way into the run,
 * the last at its end.  What a read costs, and whatever happens once at
 * the start of a run, falls out of the difference (under TCG the first
 * microseconds of a run cost a fixed ~17 us: measuring from the run's
 * start read the TSC 0.3 % slow over 5 ms, 0.6 % over 2.5 ms). */
static uint64_t measure(unsigned channel, uint16_t count)
{
	/* Mode 2 (rate generator), reload 65536: it counts down for 55 ms
	 * before wrapping, longer than any window asked for. */
	outb(PIT_MODE, (uint8_t)(channel << 6 | 0x34));
	outb((uint16_t)(PIT_CH0 + channel), 0);
	outb((uint16_t)(PIT_CH0 + channel), 0);
	/* Anything counting at all?  (A missing PIT reads one value forever.) */
	uint16_t first = read_count(channel), start;
	uint64_t t = rdtsc();
	while ((start = read_count(channel)) == first)
		if (rdtsc() - t > STALL_TICKS)
			return 0;
	uint64_t t0 = rdtsc(), t_lead = 0;
	uint16_t lead_at = count / 8, lead = 0;
	for (;;) {
		uint16_t done = (uint16_t)(start - read_count(channel));
		uint64_t now = rdtsc();
		if (!lead && done >= lead_at) {
			lead = done;
			t_lead = now;
		}
		if (done >= count)
			return done > lead ? (now - t_lead) * count / (uint16_t)(done - lead) : 0;
		if (now - t0 > GIVE_UP_TICKS)
			return 0;
	}
}

uint64_t pit_measure_tsc(uint16_t pit_ticks)
{
	if (pit_ticks < 16 || pit_ticks > 0xf000)
		return 0;
	/* The speaker port reads 0xff where nothing decodes it. */
	uint8_t gate = inb(PIT_GATE);
	if (gate != 0xff) {
		/* Channel 2 counts while its gate is high; the speaker stays off. */
		outb(PIT_GATE, (uint8_t)((gate & ~GATE_SPKR) | GATE_CH2));
		uint64_t ticks = measure(2, pit_ticks);
		outb(PIT_GATE, gate & ~GATE_CH2);
		if (ticks)
			return ticks;
	}
	return measure(0, pit_ticks);
}
