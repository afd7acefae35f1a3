/* Host tests of the kernel's formatter (src/kern/printf.c). */
#include <check.h>
#include <stdint.h>
#include <string.h>
#include <kern/printf.h>
#include "host/console_stub.h"

/* Some cases feed the formatter malformed formats on purpose. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"

static char buf[256];

#define FMT_EQ(expect, ...) \
	do { \
		int n_ = ksnprintf(buf, sizeof(buf), __VA_ARGS__); \
		ck_assert_str_eq(buf, expect); \
		ck_assert_int_eq(n_, (int)strlen(expect)); \
	} while (0)

START_TEST(integers)
{
	FMT_EQ("0", "%d", 0);
	FMT_EQ("-42", "%d", -42);
	FMT_EQ("4294967295", "%u", 4294967295u);
	FMT_EQ("-9223372036854775808", "%lld", (long long)INT64_MIN);
	FMT_EQ("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	FMT_EQ("ff FF 0xff", "%x %X %#x", 255, 255, 255);
	FMT_EQ("17", "%o", 15);
	FMT_EQ("-1 255", "%hhd %hhu", (signed char)-1, (unsigned char)255);
	FMT_EQ("123456789012", "%zu", (size_t)123456789012ULL);
	FMT_EQ("+5  5", "%+d % d", 5, 5);
}
END_TEST

START_TEST(widths_and_padding)
{
	FMT_EQ("   42", "%5d", 42);
	FMT_EQ("42   |", "%-5d|", 42);
	FMT_EQ("00042", "%05d", 42);
	FMT_EQ("-0042", "%05d", -42);
	FMT_EQ("0x00ff", "%#06x", 255);
	FMT_EQ("0000000000001000", "%016llx", 0x1000ULL);
	FMT_EQ("   ab", "%5s", "ab");
	FMT_EQ("ab   |", "%-5s|", "ab");
	FMT_EQ("abc", "%.3s", "abcdef");
	FMT_EQ("ab", "%.*s", 2, "abcdef");
	FMT_EQ("   7", "%*d", 4, 7);
	FMT_EQ("  x", "%3c", 'x');
}
END_TEST

START_TEST(strings_pointers_percent)
{
	FMT_EQ("(null)", "%s", (char *)NULL);
	FMT_EQ("0x1234", "%p", (void *)0x1234);
	FMT_EQ("100%", "%d%%", 100);
	FMT_EQ("%q", "%q");
	FMT_EQ("end", "end%");
}
END_TEST

START_TEST(truncation_is_bounded)
{
	char small[8];
	memset(small, 'X', sizeof(small));
	int n = ksnprintf(small, 5, "%s", "abcdefgh");
	ck_assert_int_eq(n, 8);               /* the length it would have had */
	ck_assert_str_eq(small, "abcd");      /* NUL inside the bound */
	ck_assert_int_eq(small[5], 'X');      /* nothing written past it */
	ck_assert_int_eq(ksnprintf(NULL, 0, "%d", 12345), 5);
}
END_TEST

START_TEST(kprintf_reaches_console)
{
	console_stub_reset();
	kprintf("hello %s %d\n", "world", 7);
	ck_assert_str_eq(console_stub_buf, "hello world 7\n");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("printf");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, integers);
	tcase_add_test(tc, widths_and_padding);
	tcase_add_test(tc, strings_pointers_percent);
	tcase_add_test(tc, truncation_is_bounded);
	tcase_add_test(tc, kprintf_reaches_console);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
