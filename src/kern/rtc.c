/* The time of day from a real-time clock, and the calendar arithmetic the
 * clocks that count in dates need (see kern/rtc.h). */
#include <kern/errno.h>
#include <kern/printf.h>
#include <kern/rtc.h>
#include <kern/timer.h>

#define SECS_PER_DAY 86400

static const struct rtc *source;

void rtc_register(const struct rtc *rtc)
{
	if (source == NULL)
		source = rtc;
}

const struct rtc *rtc_source(void)
{
	return source;
}

int rtc_set_time_of_day(void)
{
	if (source == NULL) {
		kprintf("rtc: no real-time clock; the time of day starts at the epoch\n");
		return K_ENOENT;
	}
	int64_t ns;
	int rc = source->read_ns(source, &ns);
	if (rc != K_OK || ns < 0) {
		kprintf("rtc: %s gives %s; the time of day starts at the epoch\n", source->name,
			rc != K_OK ? "no valid time" : "a time before 1970");
		return rc != K_OK ? rc : K_EIO;
	}
	time_of_day_set_ns(ns);
	struct rtc_time t;
	rtc_unix_to_time(ns / NSEC_PER_SEC, &t);
	kprintf("rtc: %s: %04d-%02u-%02u %02u:%02u:%02u UTC\n", source->name, t.year, t.month,
		t.day, t.hour, t.minute, t.second);
	return K_OK;
}

/* --- calendar ---------------------------------------------------------- */

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : days[m - 1];
}

bool rtc_time_valid(const struct rtc_time *t)
{
	return t->month >= 1 && t->month <= 12 && t->day >= 1 &&
	       t->day <= days_in_month(t->year, t->month) && t->hour < 24 && t->minute < 60 &&
	       t->second < 60;
}

/* The calendar repeats every 400 years (146,097 days).  Counting years
 * from March makes February, with its leap day, the last month, so a
 * day's place in its year does not depend on whether the year is leap. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	if (m <= 2)
		y--;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t year_of_era = y - era * 400;                             /* 0..399 */
	unsigned month_from_march = m > 2 ? m - 3 : m + 9;               /* 0..11 */
	int64_t day_of_year = (153 * month_from_march + 2) / 5 + d - 1;  /* 0..365 */
	int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 +
			     day_of_year;
	return era * 146097 + day_of_era - 719468;   /* 719,468: 0000-03-01 to 1970-01-01 */
}

int64_t rtc_time_to_unix(const struct rtc_time *t)
{
	return days_from_civil(t->year, t->month, t->day) * SECS_PER_DAY +
	       (int64_t)t->hour * 3600 + t->minute * 60 + t->second;
}

void rtc_unix_to_time(int64_t seconds, struct rtc_time *t)
{
	int64_t days = seconds / SECS_PER_DAY, rest = seconds % SECS_PER_DAY;
	if (rest < 0) {
		rest += SECS_PER_DAY;
		days--;
	}
	t->hour = (unsigned)(rest / 3600);
	t->minute = (unsigned)(rest % 3600 / 60);
	t->second = (unsigned)(rest % 60);

	/* The inverse of days_from_civil. */
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t day_of_era = days - era * 146097;                         /* 0..146096 */
	int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
			       day_of_era / 146096) / 365;                   /* 0..399 */
	int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 -
					    year_of_era / 100);          /* 0..365 */
	unsigned month_from_march = (unsigned)((5 * day_of_year + 2) / 153);  /* 0..11 */
	t->day = (unsigned)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
	t->month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
	t->year = (int)(year_of_era + era * 400 + (t->month <= 2));
}

int rtc_bcd(uint8_t v)
{
	if ((v & 0x0f) > 9 || (v >> 4) > 9)
		return -1;
	return (v >> 4) * 10 + (v & 0x0f);
}
