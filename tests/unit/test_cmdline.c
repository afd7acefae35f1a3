/* Host tests of kernel command-line parsing (src/kern/cmdline.c) and the
 * number parser it relies on (parse_u64 in src/kern/string.c). */
#include <check.h>
#include <string.h>
#include <kern/cmdline.h>
#include <kern/string.h>
#include "host/console_stub.h"

static bool value_is(const char *line, const char *key, const char *expect)
{
	size_t len;
	const char *v = cmdline_find(line, key, &len);
	if (!v)
		return expect == NULL;
	return expect && len == strlen(expect) && memcmp(v, expect, len) == 0;
}

START_TEST(find_keys_and_values)
{
	const char *l = "  ktest=a,b  quiet virtio_mmio.device=512@0xfeb00e00:12 x=  ";
	ck_assert(value_is(l, "ktest", "a,b"));
	ck_assert(value_is(l, "quiet", ""));
	ck_assert(value_is(l, "virtio_mmio.device", "512@0xfeb00e00:12"));
	ck_assert(value_is(l, "x", ""));
	ck_assert(value_is(l, "missing", NULL));
	/* A key is matched whole, never as a prefix of a longer key. */
	ck_assert(value_is("ktestx=1", "ktest", NULL));
	ck_assert(value_is("ktest_virtio_loop=1", "ktest", NULL));
	ck_assert(value_is("", "ktest", NULL));
	/* The first occurrence wins. */
	ck_assert(value_is("a=1 a=2", "a", "1"));
}
END_TEST

static void collect(const char *val, size_t len, void *arg)
{
	char *out = arg;
	strncat(out, val, len);
	strcat(out, "|");
}

START_TEST(foreach_and_lists)
{
	char out[128] = "";
	cmdline_init("virtio_mmio.device=1@2:3 quiet virtio_mmio.device=4@5:6 virtio_mmio.device");
	cmdline_foreach("virtio_mmio.device", collect, out);
	ck_assert_str_eq(out, "1@2:3|4@5:6|");
	ck_assert(cmdline_has("quiet"));
	ck_assert(!cmdline_has("qui"));

	const char *sel = "a,,bc,", *cur = sel, *item;
	size_t len;
	ck_assert(cmdline_next_item(&cur, sel + strlen(sel), &item, &len));
	ck_assert_int_eq(len, 1);
	ck_assert_int_eq(item[0], 'a');
	ck_assert(cmdline_next_item(&cur, sel + strlen(sel), &item, &len));
	ck_assert_int_eq(len, 2);
	ck_assert(!strncmp(item, "bc", 2));
	ck_assert(!cmdline_next_item(&cur, sel + strlen(sel), &item, &len));
}
END_TEST

START_TEST(unknown_words_are_reported_not_fatal)
{
	console_stub_reset();
	ck_assert_uint_eq(cmdline_check("ktest quiet", NULL), 0);
	ck_assert_uint_eq(cmdline_check("bogus=1 ktest other", NULL), 2);
	cmdline_init("bogus=1 ktest");
	ck_assert_ptr_nonnull(strstr(console_stub_buf, "unknown boot option 'bogus=1'"));
	ck_assert(cmdline_has("ktest"));   /* parsing went on */
}
END_TEST

START_TEST(overlong_line_is_truncated_safely)
{
	static char big[CMDLINE_MAX * 2];
	memset(big, 'a', sizeof(big) - 1);
	console_stub_reset();
	cmdline_init(big);
	ck_assert_uint_eq(strlen(cmdline_raw()), CMDLINE_MAX - 1);
	ck_assert_ptr_nonnull(strstr(console_stub_buf, "truncated"));
}
END_TEST

START_TEST(numbers)
{
	uint64_t v;
	ck_assert(parse_u64("512", 3, &v) && v == 512);
	ck_assert(parse_u64("0xfeb00e00", 10, &v) && v == 0xfeb00e00);
	ck_assert(parse_u64("4K", 2, &v) && v == 4096);
	ck_assert(parse_u64("2M", 2, &v) && v == 2u << 20);
	ck_assert(parse_u64("18446744073709551615", 20, &v) && v == UINT64_MAX);
	v = 7;
	ck_assert(!parse_u64("18446744073709551616", 20, &v));
	ck_assert(!parse_u64("", 0, &v));
	ck_assert(!parse_u64("0x", 2, &v));
	ck_assert(!parse_u64("12z", 3, &v));
	ck_assert(!parse_u64("-1", 2, &v));
	ck_assert(!parse_u64("17179869184G", 12, &v));   /* overflows after the shift */
	ck_assert_uint_eq(v, 7);                          /* failures leave it alone */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, find_keys_and_values);
	tcase_add_test(tc, foreach_and_lists);
	tcase_add_test(tc, unknown_words_are_reported_not_fatal);
	tcase_add_test(tc, overlong_line_is_truncated_safely);
	tcase_add_test(tc, numbers);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
