/* Waiting, busy and not. */
#include <machv/lib.h>

void spin_ms(unsigned ms)
{
	uint64_t end = machv_clock_ns() + (uint64_t)ms * 1000000;
	volatile unsigned work = 0;

	/* Read the clock only every few thousand iterations, so that nearly
	 * all of the time is spent in user mode, where only the timer can
	 * take the CPU away. */
	do {
		for (unsigned i = 0; i < 4096; i++)
			work++;
	} while (machv_clock_ns() < end);
}

void sleep_ms(unsigned ms)
{
	thread_switch(0, SWITCH_OPTION_WAIT, ms);
}
