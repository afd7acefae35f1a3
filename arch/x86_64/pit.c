/* The legacy timer chips, used only at boot: the 8259 PICs are silenced
 * (the IOAPIC takes over), and the 8254 PIT serves as a known-frequency
 * reference to measure the TSC against when no CPUID leaf states it.
 *
 * The measurement counts down PIT channel 2, whose gate and output are
 * reached through port 0x61 (the PC speaker port), so nothing interrupts.
 * Machines without that port (QEMU's microvm has a PIT but no speaker
 * port) are measured on channel 0 instead, by latching and reading its
 * count; its interrupt line is masked at both PIC and IOAPIC. */
#include <kern/arch.h>
#include <machine/cpu.h>
#include "platform.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

#define PIT_CH0     0x40
#define PIT_CH2     0x42
#define PIT_MODE    0x43
#define PIT_GATE    0x61
#define GATE_CH2    0x01
#define GATE_SPKR   0x02
#define GATE_OUT2   0x20

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

static uint64_t measure_channel2(uint16_t count)
{
	uint8_t gate = inb(PIT_GATE);
	outb(PIT_GATE, (uint8_t)((gate & ~(GATE_SPKR | GATE_CH2))));
	outb(PIT_MODE, 0xb0);       /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	/* Raising the gate starts the count; OUT2 rises when it reaches 0. */
	outb(PIT_GATE, (uint8_t)((gate & ~GATE_SPKR) | GATE_CH2));
	uint64_t t0 = rdtsc(), t1;
	bool polled = false;
	while (!(inb(PIT_GATE) & GATE_OUT2)) {
		polled = true;
		if (rdtsc() - t0 > GIVE_UP_TICKS)
			return 0;
	}
	t1 = rdtsc();
	outb(PIT_GATE, gate & ~GATE_CH2);
	/* OUT2 high at once means the gate port is not wired to a PIT. */
	return polled ? t1 - t0 : 0;
}

static uint16_t read_channel0(void)
{
	outb(PIT_MODE, 0x00);       /* latch channel 0 */
	uint8_t lo = inb(PIT_CH0);
	uint8_t hi = inb(PIT_CH0);
	return (uint16_t)(lo | hi << 8);
}

static uint64_t measure_channel0(uint16_t count)
{
	outb(PIT_MODE, 0x34);       /* channel 0, lobyte/hibyte, mode 2, binary */
	outb(PIT_CH0, 0);           /* reload 65536 */
	outb(PIT_CH0, 0);
	/* Start on a tick edge, and find out whether anything counts at all
	 * (a missing PIT reads 0xffff forever). */
	uint16_t first = read_channel0(), start;
	uint64_t t = rdtsc();
	while ((start = read_channel0()) == first)
		if (rdtsc() - t > STALL_TICKS)
			return 0;
	uint64_t t0 = rdtsc();
	for (;;) {
		uint16_t now = read_channel0();
		if ((uint16_t)(start - now) >= count)
			break;
		if (rdtsc() - t0 > GIVE_UP_TICKS)
			return 0;
	}
	return rdtsc() - t0;
}

uint64_t pit_measure_tsc(uint16_t pit_ticks)
{
	if (pit_ticks < 2)
		return 0;
	/* The speaker port reads 0xff where nothing decodes it. */
	if (inb(PIT_GATE) != 0xff) {
		uint64_t ticks = measure_channel2(pit_ticks);
		if (ticks)
			return ticks;
	}
	return measure_channel0(pit_ticks);
}
