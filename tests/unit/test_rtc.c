/* Host tests of the real-time clock's calendar arithmetic and its boot
 * hand-over (src/kern/rtc.c). */
#define _GNU_SOURCE
#include <check.h>
#include <string.h>
#include <kern/errno.h>
#include <kern/rtc.h>
#include "host/console_stub.h"

static bool console_stub_contains(const char *text)
{
	return memmem(console_stub_buf, console_stub_len, text, strlen(text)) != NULL;
}

/* kern/timer.h's setter, recorded here. */
static int64_t tod_set = -1;
void time_of_day_set_ns(int64_t ns)
{
	tod_set = ns;
}

static struct rtc_time at(int y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
	return (struct rtc_time){ y, mo, d, h, mi, s };
}

static void check_both_ways(struct rtc_time t, int64_t unix_seconds)
{
	ck_assert(rtc_time_valid(&t));
	ck_assert_int_eq(rtc_time_to_unix(&t), unix_seconds);
	struct rtc_time back;
	rtc_unix_to_time(unix_seconds, &back);
	ck_assert_int_eq(back.year, t.year);
	ck_assert_uint_eq(back.month, t.month);
	ck_assert_uint_eq(back.day, t.day);
	ck_assert_uint_eq(back.hour, t.hour);
	ck_assert_uint_eq(back.minute, t.minute);
	ck_assert_uint_eq(back.second, t.second);
}

/* Values from Python's calendar.timegm. */
START_TEST(known_instants)
{
	check_both_ways(at(1970, 1, 1, 0, 0, 0), 0);
	check_both_ways(at(1969, 12, 31, 23, 59, 59), -1);
	check_both_ways(at(2000, 2, 29, 23, 59, 59), 951868799);
	check_both_ways(at(2000, 3, 1, 0, 0, 0), 951868800);
	check_both_ways(at(1900, 3, 1, 12, 0, 0), -2203848000LL);
	check_both_ways(at(2038, 1, 19, 3, 14, 8), 2147483648LL);
	check_both_ways(at(2106, 2, 7, 6, 28, 16), 4294967296LL);
	check_both_ways(at(2026, 11, 21, 10, 11, 43), 1795255903);
	check_both_ways(at(1600, 1, 1, 0, 0, 0), -11676096000LL);
	check_both_ways(at(2400, 12, 31, 23, 59, 59), 13601087999LL);
}
END_TEST

/* Every day from 1800 to 2300 against a count kept by stepping through
 * the calendar one day at a time with the plain leap-year rule. */
START_TEST(every_day_of_five_centuries)
{
	static const unsigned len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	/* 1800-01-01 is 62,091 days before 1970-01-01. */
	int64_t day = -62091;
	for (int y = 1800; y < 2300; y++) {
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		for (unsigned m = 1; m <= 12; m++) {
			unsigned n = len[m - 1] + (m == 2 && leap);
			for (unsigned d = 1; d <= n; d++, day++) {
				struct rtc_time t = at(y, m, d, 12, 34, 56);
				ck_assert(rtc_time_valid(&t));
				int64_t s = day * 86400 + 12 * 3600 + 34 * 60 + 56;
				ck_assert_int_eq(rtc_time_to_unix(&t), s);
				struct rtc_time back;
				rtc_unix_to_time(s, &back);
				ck_assert(back.year == y && back.month == m && back.day == d);
			}
			struct rtc_time past_end = at(y, m, n + 1, 0, 0, 0);
			ck_assert(!rtc_time_valid(&past_end));
		}
	}
	ck_assert_int_eq(day, 120530);   /* 2300-01-01 */
}
END_TEST

START_TEST(invalid_fields)
{
	struct rtc_time bad[] = {
		at(1900, 2, 29, 0, 0, 0),    /* 1900 was no leap year */
		at(2023, 2, 29, 0, 0, 0),
		at(2024, 0, 1, 0, 0, 0),
		at(2024, 13, 1, 0, 0, 0),
		at(2024, 4, 31, 0, 0, 0),
		at(2024, 1, 0, 0, 0, 0),
		at(2024, 1, 1, 24, 0, 0),
		at(2024, 1, 1, 0, 60, 0),
		at(2024, 1, 1, 0, 0, 60),    /* leap seconds are not kept */
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!rtc_time_valid(&bad[i]), "case %u", i);
	struct rtc_time ok = at(2000, 2, 29, 23, 59, 59);
	ck_assert(rtc_time_valid(&ok));
}
END_TEST

START_TEST(bcd)
{
	ck_assert_int_eq(rtc_bcd(0x00), 0);
	ck_assert_int_eq(rtc_bcd(0x09), 9);
	ck_assert_int_eq(rtc_bcd(0x10), 10);
	ck_assert_int_eq(rtc_bcd(0x59), 59);
	ck_assert_int_eq(rtc_bcd(0x99), 99);
	ck_assert_int_eq(rtc_bcd(0x0a), -1);
	ck_assert_int_eq(rtc_bcd(0xa0), -1);
	ck_assert_int_eq(rtc_bcd(0xff), -1);
}
END_TEST

/* --- the hand-over at boot ------------------------------------------- */

static int64_t clock_answer;
static int clock_error;

static int fake_read(const struct rtc *rtc, int64_t *unix_ns)
{
	(void)rtc;
	*unix_ns = clock_answer;
	return clock_error;
}

static const struct rtc fake = { .name = "fake", .read_ns = fake_read };
static const struct rtc second = { .name = "second", .read_ns = fake_read };

START_TEST(boot_hand_over)
{
	/* No clock yet: the time of day is left alone. */
	tod_set = -1;
	ck_assert_ptr_null(rtc_source());
	ck_assert_int_eq(rtc_set_time_of_day(), K_ENOENT);
	ck_assert_int_eq(tod_set, -1);
	ck_assert(console_stub_contains("no real-time clock"));

	/* The first registration wins. */
	rtc_register(&fake);
	rtc_register(&second);
	ck_assert_ptr_eq(rtc_source(), &fake);

	clock_answer = 1795255903LL * 1000000000LL + 5;
	clock_error = K_OK;
	ck_assert_int_eq(rtc_set_time_of_day(), K_OK);
	ck_assert_int_eq(tod_set, clock_answer);
	ck_assert(console_stub_contains("rtc: fake: 2026-11-21 10:11:43 UTC"));

	/* A clock that fails, or says a time before 1970, changes nothing. */
	tod_set = -1;
	clock_error = K_EIO;
	ck_assert_int_eq(rtc_set_time_of_day(), K_EIO);
	ck_assert_int_eq(tod_set, -1);
	clock_error = K_OK;
	clock_answer = -1000000000LL;
	ck_assert_int_eq(rtc_set_time_of_day(), K_EIO);
	ck_assert_int_eq(tod_set, -1);
	ck_assert(console_stub_contains("a time before 1970"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rtc");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, known_instants);
	tcase_add_test(tc, every_day_of_five_centuries);
	tcase_add_test(tc, invalid_fields);
	tcase_add_test(tc, bcd);
	tcase_add_test(tc, boot_hand_over);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
