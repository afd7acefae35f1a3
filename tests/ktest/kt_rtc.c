/* Self-tests of the real-time clock (kern/rtc.h): on QEMU's machines the
 * clock exists and starts at the host's time, the time of day was set
 * from it at boot, and reading it again moves forward with the kernel's
 * own clock.  Machines without one (microvm,rtc=off) skip. */
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/rtc.h>
#include <kern/timer.h>

#define Y2020_NS (1577836800LL * 1000000000LL)   /* 2020-01-01 00:00:00 UTC */

KTEST(rtc_sets_the_time_of_day)
{
	const struct rtc *rtc = rtc_source();
	if (rtc == NULL) {
		ktest_skip("no real-time clock on this machine");
		return;
	}
	int64_t first, second;
	KT_ASSERT(rtc->read_ns(rtc, &first) == K_OK);
	ktest_note("%s: %lld s since the epoch", rtc->name, (long long)(first / 1000000000LL));
	/* QEMU's clocks start at the host's time (unless told a -rtc base:
	 * the boot tests do not). */
	KT_EXPECT(first >= Y2020_NS);
	/* The time of day was set from the clock at boot and has moved on
	 * with the kernel's clock since: the two agree to within the clock's
	 * one-second resolution (and a second of slack for a busy host). */
	int64_t tod = time_of_day_ns();
	int64_t diff = tod > first ? tod - first : first - tod;
	KT_EXPECT(diff <= 2 * 1000000000LL);
	/* Never backwards. */
	KT_ASSERT(rtc->read_ns(rtc, &second) == K_OK);
	KT_EXPECT(second >= first);
}
