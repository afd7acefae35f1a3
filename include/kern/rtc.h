/* Real-time clocks: where the time of day comes from at boot.
 *
 * The kernel's clock counts from boot; the time of day is that clock plus
 * an offset (kern/timer.h).  A driver that finds a battery-backed clock
 * (the PC's CMOS clock, the PL031 of Arm's virt machine, the Goldfish RTC
 * of RISC-V's) registers it, and once the devices are probed
 * rtc_set_time_of_day() reads it and sets the offset from it.  Without
 * one the time of day starts at 0, the epoch, until host_set_time sets
 * it.  The clock is read once: afterwards the kernel's clock keeps the
 * time. */
#ifndef KERN_RTC_H
#define KERN_RTC_H

#include <kern/types.h>

/* A calendar time, UTC: year in full, month 1-12, day 1-31. */
struct rtc_time {
	int year;
	unsigned month, day, hour, minute, second;
};

struct rtc {
	const char *name;
	/* The time now, in ns since 1970-01-01 UTC; K_EIO if the clock
	 * gives no valid time. */
	int (*read_ns)(const struct rtc *rtc, int64_t *unix_ns);
	volatile void *regs;   /* the driver's */
};

/* The first registration wins (one clock is enough). */
void rtc_register(const struct rtc *rtc);
/* The registered clock, or NULL. */
const struct rtc *rtc_source(void);
/* Read the registered clock and set the time of day from it; says on the
 * console what it did.  K_OK, K_ENOENT (no clock) or the clock's error. */
int rtc_set_time_of_day(void);

/* Calendar arithmetic (proleptic Gregorian calendar, UTC, no leap
 * seconds).  A second of 60 (a leap second) is refused like any
 * out-of-range field. */
bool rtc_time_valid(const struct rtc_time *t);
int64_t rtc_time_to_unix(const struct rtc_time *t);
void rtc_unix_to_time(int64_t seconds, struct rtc_time *t);
/* A binary-coded-decimal byte (0x59 -> 59), or -1 if it is not one. */
int rtc_bcd(uint8_t v);

/* The drivers' probes, from the arch's device probe: the clocks a device
 * tree describes (src/dev/rtc_dt.c). */
void rtc_probe_dt(const void *dtb);

#endif
