/* Host tests of the virtio_mmio.device= parser (virtio/transport/mmio_cmdline.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <kern/errno.h>
#include "virtio/transport/mmio_cmdline.h"

static int parse(const char *s, struct virtio_mmio_slot *out, const char **why)
{
	return virtio_mmio_parse_device(s, strlen(s), out, why);
}

START_TEST(qemu_microvm_entries)
{
	struct virtio_mmio_slot d;
	const char *why = NULL;

	ck_assert_int_eq(parse("512@0xfeb00e00:12", &d, &why), 0);
	ck_assert_uint_eq(d.size, 512);
	ck_assert_uint_eq(d.base, 0xfeb00e00);
	ck_assert_uint_eq(d.irq, 12);
	ck_assert(!d.has_id);

	ck_assert_int_eq(parse("512@0xfeb00c00:11", &d, &why), 0);
	ck_assert_uint_eq(d.base, 0xfeb00c00);
	ck_assert_uint_eq(d.irq, 11);
}
END_TEST

START_TEST(suffixes_ids_and_radixes)
{
	struct virtio_mmio_slot d;
	const char *why = NULL;

	ck_assert_int_eq(parse("4K@0x10001000:5:3", &d, &why), 0);
	ck_assert_uint_eq(d.size, 4096);
	ck_assert_uint_eq(d.base, 0x10001000);
	ck_assert_uint_eq(d.irq, 5);
	ck_assert(d.has_id);
	ck_assert_uint_eq(d.id, 3);

	ck_assert_int_eq(parse("1m@4096:33", &d, &why), 0);
	ck_assert_uint_eq(d.size, 1u << 20);
	ck_assert_uint_eq(d.base, 4096);
	ck_assert_int_eq(parse("0x200@0XABCDEF00:0", &d, &why), 0);
	ck_assert_uint_eq(d.size, 0x200);
	ck_assert_uint_eq(d.base, 0xabcdef00);
	ck_assert_uint_eq(d.irq, 0);
	ck_assert_int_eq(parse("2G@0x100000000:7", &d, &why), 0);
	ck_assert_uint_eq(d.size, 2ull << 30);
	ck_assert_uint_eq(d.base, 0x100000000ull);
	/* The largest window that does not wrap. */
	ck_assert_int_eq(parse("0x1000@0xfffffffffffff000:1", &d, &why), 0);
}
END_TEST

/* Only the first len bytes count: cmdline_foreach hands out slices of the
 * whole command line, not NUL-terminated strings. */
START_TEST(length_bounds_the_input)
{
	struct virtio_mmio_slot d;
	const char *why = NULL;
	const char *line = "512@0xfeb00e00:12 virtio_mmio.device=1K@0x1000:5";

	ck_assert_int_eq(virtio_mmio_parse_device(line, 17, &d, &why), 0);
	ck_assert_uint_eq(d.irq, 12);
	ck_assert_int_eq(virtio_mmio_parse_device(line, 16, &d, &why), 0);
	ck_assert_uint_eq(d.irq, 1);
	ck_assert_int_eq(virtio_mmio_parse_device(line, 18, &d, &why), K_EINVAL);
	ck_assert_int_eq(virtio_mmio_parse_device(line, 14, &d, &why), K_EINVAL);
}
END_TEST

struct bad_case {
	const char *text;
	const char *reason;   /* expected *why */
};

static const struct bad_case bad_cases[] = {
	{ "", "empty" },
	{ "@0x1000:5", "bad size" },
	{ "512", "missing '@' after size" },
	{ "512 0x1000:5", "missing '@' after size" },
	{ "512@", "bad base address" },
	{ "512@:5", "bad base address" },
	{ "512@0x:5", "bad base address" },
	{ "512@0xfeb00e00", "missing ':' before the irq" },
	{ "512@0xfeb00e00:", "bad irq" },
	{ "512@0xfeb00e00:x", "bad irq" },
	{ "512@0xfeb00e00:0x5", "trailing characters" },
	{ "512@0xfeb00e00:12:", "bad id" },
	{ "512@0xfeb00e00:12:3:4", "trailing characters" },
	{ "512@0xfeb00e00:12 ", "trailing characters" },
	{ "512@feb00e00:12", "bad base address" },
	{ "0x@0x1000:1", "bad size" },
	{ "512Q@0x1000:1", "missing '@' after size" },
	{ "0@0x1000:1", "zero size" },
	{ "0K@0x1000:1", "zero size" },
	{ "-512@0x1000:1", "bad size" },
	{ "garbage", "bad size" },
	{ "18446744073709551616@0x1000:1", "size overflows" },
	{ "0x10000000000000000@0x1000:1", "size overflows" },
	{ "0x400000000G@0x1000:1", "size overflows" },
	{ "512@0x10000000000000000:1", "base address overflows" },
	{ "0x2000@0xfffffffffffff000:1", "window wraps past the top of the address space" },
	{ "512@0x1000:4294967296", "irq overflows" },
	{ "512@0x1000:99999999999999999999", "irq overflows" },
	{ "512@0x1000:1:4294967296", "id overflows" },
};

START_TEST(malformed_entries_are_reported)
{
	const struct bad_case *c = &bad_cases[_i];
	struct virtio_mmio_slot d = { .base = 0x1234, .size = 77, .irq = 9 };
	const char *why = NULL;

	ck_assert_msg(parse(c->text, &d, &why) == K_EINVAL, "accepted \"%s\"", c->text);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strcmp(why, c->reason) == 0, "\"%s\": got reason \"%s\", want \"%s\"",
		      c->text, why, c->reason);
	/* A refused entry leaves the output alone. */
	ck_assert_uint_eq(d.base, 0x1234);
	ck_assert_uint_eq(d.size, 77);
	ck_assert_uint_eq(d.irq, 9);
}
END_TEST

START_TEST(null_reason_pointer_is_allowed)
{
	struct virtio_mmio_slot d;
	ck_assert_int_eq(virtio_mmio_parse_device("nope", 4, &d, NULL), K_EINVAL);
	ck_assert_int_eq(virtio_mmio_parse_device(NULL, 0, &d, NULL), K_EINVAL);
	ck_assert_int_eq(virtio_mmio_parse_device("1@2:3", 5, &d, NULL), 0);
}
END_TEST

static Suite *mmio_cmdline_suite(void)
{
	Suite *s = suite_create("virtio_mmio_cmdline");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, qemu_microvm_entries);
	tcase_add_test(tc, suffixes_ids_and_radixes);
	tcase_add_test(tc, length_bounds_the_input);
	tcase_add_loop_test(tc, malformed_entries_are_reported, 0,
			    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, null_reason_pointer_is_allowed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mmio_cmdline_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
