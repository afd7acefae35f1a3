/* Host tests of the kernel's memory and string routines (src/kern/string.c),
 * built with -fno-builtin so the kernel's own versions are the ones called. */
#include <check.h>
#include <stdint.h>
#include <kern/string.h>

#define SPAN 96

/* Every offset and length up to SPAN: the bytes in range take the value,
 * the guard bytes around them do not change. */
START_TEST(memset_every_alignment_and_length)
{
	unsigned char buf[SPAN + 32];
	for (size_t off = 0; off < 16; off++) {
		for (size_t len = 0; len <= SPAN; len++) {
			for (size_t i = 0; i < sizeof(buf); i++)
				buf[i] = 0xa5;
			ck_assert_ptr_eq(memset(buf + off, 0x3c, len), buf + off);
			for (size_t i = 0; i < sizeof(buf); i++) {
				unsigned char want = (i >= off && i < off + len) ? 0x3c : 0xa5;
				if (buf[i] != want)
					ck_abort_msg("memset off %zu len %zu: byte %zu is %#x", off, len, i, buf[i]);
			}
		}
	}
	/* Only the low byte of c counts. */
	memset(buf, 0x1ff, 8);
	ck_assert_int_eq(buf[7], 0xff);
}
END_TEST

START_TEST(memcpy_every_alignment_pair_and_length)
{
	unsigned char src[SPAN + 32], dst[SPAN + 32];
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i * 7 + 1);
	for (size_t so = 0; so < 9; so++) {
		for (size_t dof = 0; dof < 9; dof++) {
			for (size_t len = 0; len <= SPAN; len++) {
				for (size_t i = 0; i < sizeof(dst); i++)
					dst[i] = 0xee;
				ck_assert_ptr_eq(memcpy(dst + dof, src + so, len), dst + dof);
				for (size_t i = 0; i < sizeof(dst); i++) {
					unsigned char want = (i >= dof && i < dof + len) ? src[so + i - dof] : 0xee;
					if (dst[i] != want)
						ck_abort_msg("memcpy so %zu do %zu len %zu: byte %zu", so, dof, len, i);
				}
			}
		}
	}
}
END_TEST

START_TEST(memmove_overlaps)
{
	unsigned char buf[64];
	for (size_t shift = 1; shift < 20; shift++) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (unsigned char)i;
		memmove(buf + shift, buf, 40);          /* forward overlap */
		for (size_t i = 0; i < 40; i++)
			ck_assert_int_eq(buf[shift + i], i);
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (unsigned char)i;
		memmove(buf, buf + shift, 40);          /* backward overlap */
		for (size_t i = 0; i < 40; i++)
			ck_assert_int_eq(buf[i], shift + i);
	}
}
END_TEST

START_TEST(strings)
{
	char small[4];
	ck_assert_uint_eq(strlcpy(small, "abcdef", sizeof(small)), 6);
	ck_assert_str_eq(small, "abc");
	ck_assert_uint_eq(strlcpy(small, "", sizeof(small)), 0);
	ck_assert_str_eq(small, "");
	ck_assert_int_lt(strcmp("abc", "abd"), 0);
	ck_assert_int_gt(strcmp("b", "abc"), 0);
	ck_assert_int_eq(strncmp("abcx", "abcy", 3), 0);
	ck_assert_int_gt(strcmp("\xff", "a"), 0);       /* compared as unsigned */
	ck_assert_uint_eq(strnlen("abcdef", 3), 3);
	ck_assert_ptr_eq(strchr("hello", 'l'), (char *)"hello" + 2);
	ck_assert_ptr_null(strchr("hello", 'z'));
	ck_assert_int_lt(memcmp("\x01\x02", "\x01\x03", 2), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("string");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, memset_every_alignment_and_length);
	tcase_add_test(tc, memcpy_every_alignment_pair_and_length);
	tcase_add_test(tc, memmove_overlaps);
	tcase_add_test(tc, strings);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
