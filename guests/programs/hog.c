/* hog: keep the CPU busy for two seconds, then exit 0.  Run at a low
 * priority (init=/hog@30) beside hipri: hipri must finish first. */
#include <machv/lib.h>

#define HOG_MS 2000

int main(int argc, char **argv, char **envp)
{
	uint64_t t0 = machv_clock_ns();

	printf("hog: start, spinning for %d ms\n", HOG_MS);
	spin_ms(HOG_MS);
	printf("hog: done after %lu ms\n",
	       (unsigned long)((machv_clock_ns() - t0) / 1000000));
	return 0;
}
