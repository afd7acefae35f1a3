/* hipri: a more urgent program (init=/hipri@8) that sleeps and works in
 * turns while hog spins at a low priority.  Every time its sleep ends it
 * must get the CPU back from the hog at once, so it finishes long before
 * the hog; a scheduler that let the hog run on would delay it by seconds.
 * Prints "hipri done" at the end. */
#include <machv/lib.h>

#define ROUNDS 5
#define SLEEP_MS 50
#define WORK_MS 10

int main(int argc, char **argv, char **envp)
{
	uint64_t t0 = machv_clock_ns();

	for (int i = 1; i <= ROUNDS; i++) {
		uint64_t s = machv_clock_ns();
		sleep_ms(SLEEP_MS);
		uint64_t woke = machv_clock_ns();
		spin_ms(WORK_MS);
		printf("hipri: round %d slept %lu ms (asked %d)\n", i,
		       (unsigned long)((woke - s) / 1000000), SLEEP_MS);
	}
	printf("hipri done in %lu ms\n",
	       (unsigned long)((machv_clock_ns() - t0) / 1000000));
	return 0;
}
