/* fpcheck: the FP/SIMD registers survive preemption.  Run two or more at
 * once (init=/fpcheck,/fpcheck): each fills every FP/SIMD register with
 * values of its own, spins ~60 ms on integer work (so the timer switches
 * to the other fpcheck, which fills the same registers with its values),
 * then reads them back and compares, ROUNDS times.  Prints one line per
 * round and "fpcheck: all N rounds intact", and exits with the number of
 * bad rounds. */
#include <machv/lib.h>

#define ROUNDS 6
#define SLOT 32                 /* bytes per register in the buffers */
#define MAX_REGS 32
#define ROUND_MS 60

unsigned fp_load_spin_store(const void *in, void *out, uint64_t spins);

static uint8_t in[MAX_REGS * SLOT] __attribute__((aligned(32)));
static uint8_t out[MAX_REGS * SLOT] __attribute__((aligned(32)));

/* xorshift64: a different stream for each task and round. */
static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void fill(uint64_t seed)
{
	for (unsigned i = 0; i < sizeof(in); i += 8) {
		uint64_t v = next(&seed);
		memcpy(in + i, &v, 8);
	}
	memset(out, 0, sizeof(out));
}

int main(int argc, char **argv, char **envp)
{
	uint64_t seed = machv_clock_ns() * 0x9e3779b97f4a7c15ULL | 1;
	uint64_t spins = 100000, t0, ns;
	unsigned layout, regs, bytes, bad_rounds = 0;

	/* Calibrate the spin count to ROUND_MS on this machine. */
	fill(seed);
	t0 = machv_clock_ns();
	layout = fp_load_spin_store(in, out, spins);
	ns = machv_clock_ns() - t0;
	if (ns == 0)
		ns = 1;
	spins = spins * ROUND_MS * 1000000ULL / ns;
	if (spins < 1000)
		spins = 1000;
	regs = layout >> 8;
	bytes = layout & 0xff;
	printf("fpcheck: %u registers of %u bytes, %lu spins per round\n", regs, bytes,
	       (unsigned long)spins);

	for (int r = 1; r <= ROUNDS; r++) {
		unsigned bad = 0, first_bad = 0;
		fill(seed + (uint64_t)r);
		t0 = machv_clock_ns();
		fp_load_spin_store(in, out, spins);
		ns = machv_clock_ns() - t0;
		for (unsigned i = 0; i < regs; i++) {
			if (memcmp(in + i * SLOT, out + i * SLOT, bytes) != 0) {
				if (!bad)
					first_bad = i;
				bad++;
			}
		}
		if (bad) {
			bad_rounds++;
			printf("fpcheck: FAIL round %d: %u registers changed (first: %u) over %lu ms\n",
			       r, bad, first_bad, (unsigned long)(ns / 1000000));
		} else {
			printf("fpcheck: round %d intact over %lu ms\n", r,
			       (unsigned long)(ns / 1000000));
		}
	}
	if (!bad_rounds)
		printf("fpcheck: all %d rounds intact\n", ROUNDS);
	return (int)bad_rounds;
}
