/* The shared pvclock reader (hv/pvclock.c) against hand-made pages, so its
 * arithmetic and retry loop are checked on every machine, including TCG,
 * which never offers kvmclock.  (A test may reach into hv/; kernel code
 * outside hv/ may not.) */
#include <kern/ktest.h>
#include <kern/timer.h>
#include "hv/pvclock.h"

static struct pvclock_vcpu_time_info page;
static uint64_t fake_tsc;
static unsigned tsc_reads;
static unsigned updates_to_simulate;

/* The counter read happens inside the reader's version loop: use it to
 * play a hypervisor updating the page meanwhile.  Each simulated step moves
 * the version on by one: even -> odd (update started), odd -> even (done). */
static uint64_t read_fake_tsc(void)
{
	tsc_reads++;
	if (updates_to_simulate) {
		updates_to_simulate--;
		page.version++;
	}
	return fake_tsc;
}

KTEST(pvclock_reader)
{
	/* 2 GHz: 0.5 ns per tick = mul 2^31 with shift 0. */
	page = (struct pvclock_vcpu_time_info){
		.version = 2, .tsc_timestamp = 1000, .system_time = 5000000,
		.tsc_to_system_mul = 1u << 31, .tsc_shift = 0,
	};
	fake_tsc = 1000 + 2000000;          /* 1 ms later */
	tsc_reads = 0;
	KT_EXPECT(pvclock_read_ns(&page, read_fake_tsc, NULL) == 5000000 + 1000000);
	KT_EXPECT(tsc_reads == 1);
	KT_EXPECT(pvclock_tsc_hz(&page) == 2000000000ULL);

	/* A shift: 4 GHz as mul 2^31, shift -1. */
	page.tsc_shift = -1;
	KT_EXPECT(pvclock_read_ns(&page, read_fake_tsc, NULL) == 5000000 + 500000);
	KT_EXPECT(pvclock_tsc_hz(&page) == 4000000000ULL);
	page.tsc_shift = 0;

	/* Huge deltas do not overflow: 2^40 ticks at 2 GHz. */
	fake_tsc = 1000 + (1ULL << 40);
	KT_EXPECT(pvclock_read_ns(&page, read_fake_tsc, NULL) == 5000000 + (1ULL << 39));

	/* An update seen mid-read is retried until the version is stable:
	 * the first pass sees the version change under it, the second starts
	 * on an odd version, the third succeeds. */
	fake_tsc = 1000 + 2000;
	updates_to_simulate = 2;
	tsc_reads = 0;
	KT_EXPECT(pvclock_read_ns(&page, read_fake_tsc, NULL) == 5000000 + 1000);
	KT_EXPECT(tsc_reads == 3);
	KT_EXPECT(!(page.version & 1));

	/* A counter a little behind the timestamp reads as the timestamp. */
	fake_tsc = 900;
	KT_EXPECT(pvclock_read_ns(&page, read_fake_tsc, NULL) == 5000000);

	/* Without the stable bit the caller's floor keeps it monotonic. */
	uint64_t last = 7000000;
	fake_tsc = 1000 + 2000;
	KT_EXPECT(pvclock_read_ns(&page, read_fake_tsc, &last) == 7000000);
	fake_tsc = 1000 + 8000000;
	KT_EXPECT(pvclock_read_ns(&page, read_fake_tsc, &last) == 9000000);
	KT_EXPECT(last == 9000000);

	page.tsc_to_system_mul = 0;
	KT_EXPECT(pvclock_tsc_hz(&page) == 0);
}
