/* The PC's real-time clock: the MC146818-compatible CMOS clock at ports
 * 0x70/0x71, which QEMU's pc, q35 and microvm machines have (and which
 * starts at the host's time).
 *
 * Its registers hold the date in binary-coded decimal unless status
 * register B says binary, and the hour in 12-hour form (bit 7 for PM)
 * unless B says 24-hour.  Register 0x32 holds the century on every
 * machine QEMU emulates (the one ACPI's FADT names); a value that is not
 * one is taken as the 21st century.  The clock updates its registers
 * once a second, during which (status A's update-in-progress bit) they are
 * not to be read; a read is also repeated until two agree, so an update
 * between two registers cannot give a torn time.  Where nothing answers
 * at the ports (status A reads 0xff) or the date makes no sense, there is
 * no clock. */
#include <kern/errno.h>
#include <kern/rtc.h>
#include <kern/timer.h>
#include <machine/io.h>
#include "platform.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71

#define REG_SECONDS 0x00
#define REG_MINUTES 0x02
#define REG_HOURS   0x04
#define REG_DAY     0x07
#define REG_MONTH   0x08
#define REG_YEAR    0x09
#define REG_A       0x0a
#define REG_B       0x0b
#define REG_CENTURY 0x32

#define A_UPDATING  0x80
#define B_24HOUR    0x02
#define B_BINARY    0x04
#define HOUR_PM     0x80

/* Polls of status A before giving up on an update that never ends (one
 * lasts under 2 ms; a poll is a port access, a microsecond or more). */
#define UPDATE_POLLS 10000
#define READ_TRIES   5

static uint8_t cmos(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

struct raw {
	uint8_t sec, min, hour, day, month, year, century, b;
};

static bool read_raw(struct raw *r)
{
	for (int i = 0; cmos(REG_A) & A_UPDATING; i++)
		if (i == UPDATE_POLLS)
			return false;
	r->sec = cmos(REG_SECONDS);
	r->min = cmos(REG_MINUTES);
	r->hour = cmos(REG_HOURS);
	r->day = cmos(REG_DAY);
	r->month = cmos(REG_MONTH);
	r->year = cmos(REG_YEAR);
	r->century = cmos(REG_CENTURY);
	r->b = cmos(REG_B);
	return true;
}

static bool same(const struct raw *a, const struct raw *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour && a->day == b->day &&
	       a->month == b->month && a->year == b->year && a->century == b->century;
}

/* A register's value in binary, or -1. */
static int field(uint8_t v, bool binary)
{
	return binary ? v : rtc_bcd(v);
}

static int decode(const struct raw *r, struct rtc_time *t)
{
	bool binary = r->b & B_BINARY;
	bool pm = !(r->b & B_24HOUR) && (r->hour & HOUR_PM);
	int sec = field(r->sec, binary), min = field(r->min, binary);
	int hour = field(r->b & B_24HOUR ? r->hour : r->hour & ~HOUR_PM, binary);
	int day = field(r->day, binary), month = field(r->month, binary);
	int year = field(r->year, binary), century = field(r->century, binary);
	if (sec < 0 || min < 0 || hour < 0 || day < 0 || month < 0 || year < 0 || year > 99)
		return K_EIO;
	if (!(r->b & B_24HOUR)) {
		if (hour < 1 || hour > 12)
			return K_EIO;
		hour = hour % 12 + (pm ? 12 : 0);   /* 12 AM is 0, 12 PM is 12 */
	}
	if (century < 19 || century > 99)
		century = 20;
	*t = (struct rtc_time){ century * 100 + year, (unsigned)month, (unsigned)day,
				(unsigned)hour, (unsigned)min, (unsigned)sec };
	return rtc_time_valid(t) ? K_OK : K_EIO;
}

static int cmos_read_ns(const struct rtc *rtc, int64_t *unix_ns)
{
	(void)rtc;
	struct raw a, b;
	if (!read_raw(&a))
		return K_EIO;
	for (int i = 0; i < READ_TRIES; i++) {
		if (!read_raw(&b))
			return K_EIO;
		if (same(&a, &b)) {
			struct rtc_time t;
			int rc = decode(&b, &t);
			if (rc == K_OK)
				*unix_ns = rtc_time_to_unix(&t) * (int64_t)NSEC_PER_SEC;
			return rc;
		}
		a = b;
	}
	return K_EIO;
}

static const struct rtc cmos_rtc = { .name = "CMOS clock", .read_ns = cmos_read_ns };

/* Registered when something answers at the ports; whether its date makes
 * sense is for the one read at boot to find out (each read is some 40 port
 * accesses, costly under emulation). */
void cmos_rtc_probe(void)
{
	if (cmos(REG_A) != 0xff)
		rtc_register(&cmos_rtc);
}
