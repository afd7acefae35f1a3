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
	ck_assert_uint_eq(cmdline_check("ktest poweroff", NULL), 0);
	ck_assert_uint_eq(cmdline_check("init=/a,/b@3 init.keep", NULL), 0);
	ck_assert_uint_eq(cmdline_check("bogus=1 ktest other", NULL), 2);
	cmdline_init("bogus=1 ktest");
	ck_assert_ptr_nonnull(strstr(console_stub_buf, "unknown boot option 'bogus=1'"));
	ck_assert(cmdline_has("ktest"));   /* parsing went on */
}
END_TEST

static void collect_args(const char *line, char *out)
{
	const char *cursor = NULL, *w;
	size_t len;
	out[0] = '\0';
	while ((w = cmdline_next_arg(line, &cursor, &len))) {
		strncat(out, w, len);
		strcat(out, "|");
	}
}

START_TEST(dashes_end_the_options)
{
	const char *l = "init=/a,/b init.keep -- ktest foo=1 -- bar";
	/* Words after the lone "--" are the program's, not the kernel's. */
	ck_assert_uint_eq(cmdline_check(l, NULL), 0);
	ck_assert(value_is(l, "init", "/a,/b"));
	ck_assert(value_is(l, "init.keep", ""));
	ck_assert(value_is(l, "ktest", NULL));
	ck_assert(value_is(l, "foo", NULL));
	char out[128];
	collect_args(l, out);
	ck_assert_str_eq(out, "ktest|foo=1|--|bar|");

	/* QEMU appends its virtio-mmio words at the very end: they stay options. */
	l = "init=/a -- x virtio_mmio.device=512@0xfeb00e00:12 y";
	ck_assert(value_is(l, "virtio_mmio.device", "512@0xfeb00e00:12"));
	ck_assert_uint_eq(cmdline_check(l, NULL), 0);
	collect_args(l, out);
	ck_assert_str_eq(out, "x|y|");

	/* No "--": no arguments; "--" at the end: none either. */
	collect_args("init=/a ktest", out);
	ck_assert_str_eq(out, "");
	collect_args("init=/a --", out);
	ck_assert_str_eq(out, "");
	/* "---" and "--x" are ordinary (unknown) words, not the separator. */
	ck_assert_uint_eq(cmdline_check("--- --x", NULL), 2);
	collect_args("--x a", out);
	ck_assert_str_eq(out, "");

	/* The live command line behaves the same, unknown-word warnings too. */
	console_stub_reset();
	cmdline_init("init=/hello-a init.keep -- -v bogus=1");
	ck_assert_ptr_null(strstr(console_stub_buf, "unknown boot option"));
	ck_assert(cmdline_has("init.keep"));
	ck_assert(!cmdline_has("bogus"));
	char seen[64] = "";
	cmdline_foreach("bogus", collect, seen);
	ck_assert_str_eq(seen, "");
	collect_args(cmdline_raw(), out);
	ck_assert_str_eq(out, "-v|bogus=1|");
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
	tcase_add_test(tc, dashes_end_the_options);
	tcase_add_test(tc, overlong_line_is_truncated_safely);
	tcase_add_test(tc, numbers);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
