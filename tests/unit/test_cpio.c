/* Host tests of the cpio newc reader (src/kern/cpio.c): archives built here
 * byte by byte, corrupt ones of every kind the reader must refuse, and (when
 * the host has GNU cpio) an archive written by the real tool. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kern/cpio.h>
#include <kern/errno.h>

/* --- an archive writer -------------------------------------------------- */

struct ar {
	unsigned char buf[16384];
	size_t len;
};

static void put(struct ar *a, const void *p, size_t n)
{
	ck_assert_uint_le(a->len + n, sizeof(a->buf));
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void pad(struct ar *a, size_t align)
{
	while (a->len % align)
		a->buf[a->len++] = 0;
}

static void entry_full(struct ar *a, const char *magic, const char *name, unsigned mode,
		       const void *data, size_t size, unsigned check)
{
	char h[256];
	unsigned namesize = (unsigned)strlen(name) + 1;
	snprintf(h, sizeof(h), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 magic, 1u, mode, 0u, 0u, 1u, 0u, (unsigned)size, 0u, 0u, 0u, 0u, namesize, check);
	ck_assert_uint_eq(strlen(h), 110);
	put(a, h, 110);
	put(a, name, namesize);
	pad(a, 4);
	put(a, data, size);
	pad(a, 4);
}

static void file(struct ar *a, const char *name, const char *text)
{
	entry_full(a, "070701", name, CPIO_MODE_FILE | 0755, text, strlen(text), 0);
}

static void dir(struct ar *a, const char *name)
{
	entry_full(a, "070701", name, CPIO_MODE_DIR | 0755, "", 0, 0);
}

static void trailer(struct ar *a)
{
	entry_full(a, "070701", "TRAILER!!!", 0, "", 0, 0);
}

/* Byte offset of a header's field i (0 = c_ino) inside an entry at off. */
static size_t field(size_t off, int i)
{
	return off + 6 + 8 * (size_t)i;
}

static struct ar a;

static void setup(void)
{
	memset(&a, 0, sizeof(a));
}

/* Run the reader to the end; returns the entry count or the error. */
static int walk(const void *buf, size_t len, const char **why)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int n = 0, rc;
	cpio_iter_init(&it, buf, len);
	while ((rc = cpio_next(&it, &e)) > 0) {
		ck_assert_ptr_nonnull(e.name);
		ck_assert(e.name >= (const char *)buf && e.name < (const char *)buf + len);
		ck_assert(e.size == 0 || ((const char *)e.data >= (const char *)buf &&
					   (const char *)e.data + e.size <= (const char *)buf + len));
		n++;
	}
	if (why)
		*why = it.error;
	return rc < 0 ? rc : n;
}

static void expect_corrupt(const void *buf, size_t len, const char *reason_part)
{
	const char *why = NULL;
	ck_assert_int_eq(walk(buf, len, &why), K_EINVAL);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, reason_part) != NULL, "reason '%s' lacks '%s'", why, reason_part);
	struct cpio_entry e;
	ck_assert_int_eq(cpio_find(buf, len, "anything", &e, &why), K_EINVAL);
}

/* --- well-formed archives ------------------------------------------------ */

START_TEST(finds_files)
{
	dir(&a, ".");
	file(&a, "./hello-a", "AAAA");
	dir(&a, "bin");
	file(&a, "bin/tool", "tool!");       /* 5 bytes: data padding exercised */
	file(&a, "empty", "");
	trailer(&a);
	ck_assert(cpio_is_archive(a.buf, a.len));
	ck_assert_int_eq(walk(a.buf, a.len, NULL), 5);

	struct cpio_entry e;
	ck_assert_int_eq(cpio_find(a.buf, a.len, "/hello-a", &e, NULL), K_OK);
	ck_assert_uint_eq(e.size, 4);
	ck_assert(memcmp(e.data, "AAAA", 4) == 0);
	ck_assert_str_eq(e.name, "./hello-a");
	ck_assert_int_eq(cpio_find(a.buf, a.len, "hello-a", &e, NULL), K_OK);
	ck_assert_int_eq(cpio_find(a.buf, a.len, "./bin/tool", &e, NULL), K_OK);
	ck_assert(e.size == 5 && memcmp(e.data, "tool!", 5) == 0);
	ck_assert_int_eq(cpio_find(a.buf, a.len, "empty", &e, NULL), K_OK);
	ck_assert_uint_eq(e.size, 0);
	/* Directories are not files; prefixes and unknown names are nothing. */
	ck_assert_int_eq(cpio_find(a.buf, a.len, "bin", &e, NULL), K_ENOENT);
	ck_assert_int_eq(cpio_find(a.buf, a.len, "hello", &e, NULL), K_ENOENT);
	ck_assert_int_eq(cpio_find(a.buf, a.len, "bin/tool/x", &e, NULL), K_ENOENT);
	ck_assert_int_eq(cpio_find(a.buf, a.len, "TRAILER!!!", &e, NULL), K_ENOENT);
}
END_TEST

START_TEST(concatenated_archives)
{
	file(&a, "prog", "first");
	file(&a, "only-in-1", "1");
	trailer(&a);
	pad(&a, 512);                        /* what cpio writes */
	file(&a, "prog", "second");
	trailer(&a);
	size_t two = a.len;
	file(&a, "only-in-3", "3");          /* a third archive, no padding between */
	trailer(&a);
	memset(a.buf + a.len, 0, 100);       /* trailing NULs are fine */
	a.len += 100;

	struct cpio_iter it;
	struct cpio_entry e;
	cpio_iter_init(&it, a.buf, a.len);
	int n = 0;
	while (cpio_next(&it, &e) > 0)
		n++;
	ck_assert_int_eq(n, 4);
	ck_assert_uint_eq(it.archives, 3);
	ck_assert_ptr_null(it.error);

	ck_assert_int_eq(cpio_find(a.buf, a.len, "prog", &e, NULL), K_OK);
	ck_assert(e.size == 6 && memcmp(e.data, "second", 6) == 0);   /* the last wins */
	ck_assert_int_eq(cpio_find(a.buf, a.len, "only-in-1", &e, NULL), K_OK);
	ck_assert_int_eq(cpio_find(a.buf, a.len, "only-in-3", &e, NULL), K_OK);
	ck_assert_int_eq(cpio_find(a.buf, two, "only-in-3", &e, NULL), K_ENOENT);
}
END_TEST

START_TEST(crc_format)
{
	const char *text = "checked";
	unsigned sum = 0;
	for (const char *p = text; *p; p++)
		sum += (unsigned char)*p;
	entry_full(&a, "070702", "good", CPIO_MODE_FILE, text, strlen(text), sum);
	trailer(&a);
	struct cpio_entry e;
	ck_assert_int_eq(cpio_find(a.buf, a.len, "good", &e, NULL), K_OK);

	setup();
	entry_full(&a, "070702", "bad", CPIO_MODE_FILE, text, strlen(text), sum + 1);
	trailer(&a);
	expect_corrupt(a.buf, a.len, "checksum");
}
END_TEST

START_TEST(last_padding_may_be_missing)
{
	file(&a, "x", "abcde");
	trailer(&a);
	/* A trailer needs no data padding; its own name padding is all there
	 * is, and a loader may cut the archive right after it. */
	for (size_t cut = 1; cut <= 3; cut++)     /* "TRAILER!!!\0" + 3 pad bytes */
		ck_assert_int_eq(walk(a.buf, a.len - cut, NULL), 1);
	ck_assert_int_eq(walk(a.buf, a.len - 4, NULL), K_EINVAL);   /* the name is cut */
}
END_TEST

/* --- corrupt archives ---------------------------------------------------- */

START_TEST(empty_and_zero_data)
{
	expect_corrupt(a.buf, 0, "no archive");
	expect_corrupt(a.buf, 1024, "no archive");           /* all NULs */
}
END_TEST

START_TEST(bad_magic)
{
	file(&a, "x", "1");
	trailer(&a);
	a.buf[5] = '7';                                      /* 070707: old binary cpio */
	expect_corrupt(a.buf, a.len, "magic");
	a.buf[5] = '1';
	a.buf[0] = 'X';
	expect_corrupt(a.buf, a.len, "magic");
	ck_assert(!cpio_is_archive(a.buf, a.len));
	/* Not cpio at all: an ELF file given as initrd. */
	expect_corrupt("\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\2\0>\0", 20, "header");
}
END_TEST

START_TEST(bad_hex)
{
	file(&a, "x", "1");
	trailer(&a);
	a.buf[field(0, 6) + 3] = 'g';                        /* c_filesize */
	expect_corrupt(a.buf, a.len, "hex");
	a.buf[field(0, 6) + 3] = ' ';
	expect_corrupt(a.buf, a.len, "hex");
	a.buf[field(0, 6) + 3] = '0';
	ck_assert_int_eq(walk(a.buf, a.len, NULL), 1);
	a.buf[field(0, 12) + 7] = 'x';                       /* even c_check */
	expect_corrupt(a.buf, a.len, "hex");
}
END_TEST

START_TEST(truncated_header)
{
	file(&a, "x", "1");
	trailer(&a);
	for (size_t cut = 1; cut < 110; cut++)
		expect_corrupt(a.buf, cut, "truncated header");
	/* A second entry cut inside its header. */
	size_t second = 0;
	setup();
	file(&a, "x", "1");
	second = a.len;
	file(&a, "y", "2");
	trailer(&a);
	expect_corrupt(a.buf, second + 50, "truncated header");
}
END_TEST

START_TEST(name_size_past_end)
{
	file(&a, "name", "1");
	trailer(&a);
	char big[9];
	snprintf(big, sizeof(big), "%08X", 0x7fffffffu);
	memcpy(a.buf + field(0, 11), big, 8);                /* c_namesize */
	expect_corrupt(a.buf, a.len, "name runs past");
	snprintf(big, sizeof(big), "%08X", 0xffffffffu);
	memcpy(a.buf + field(0, 11), big, 8);
	expect_corrupt(a.buf, a.len, "name runs past");
	memcpy(a.buf + field(0, 11), "00000001", 8);         /* just the NUL */
	expect_corrupt(a.buf, a.len, "empty name");
	memcpy(a.buf + field(0, 11), "00000003", 8);         /* "na" + 'm': no NUL */
	expect_corrupt(a.buf, a.len, "NUL");
	memcpy(a.buf + field(0, 11), "00000006", 8);         /* includes a pad NUL */
	expect_corrupt(a.buf, a.len, "NUL");
}
END_TEST

START_TEST(file_size_past_end)
{
	file(&a, "x", "12345678");
	trailer(&a);
	memcpy(a.buf + field(0, 6), "FFFFFFFF", 8);
	expect_corrupt(a.buf, a.len, "past the end");
	/* Just one byte too many for what is there. */
	setup();
	file(&a, "x", "1234");
	size_t end = a.len;
	memcpy(a.buf + field(0, 6), "00000005", 8);
	expect_corrupt(a.buf, end, "past the end");
}
END_TEST

START_TEST(missing_trailer)
{
	file(&a, "x", "1");
	file(&a, "y", "2");
	expect_corrupt(a.buf, a.len, "TRAILER");
	/* The second of two archives lacks its trailer. */
	setup();
	file(&a, "x", "1");
	trailer(&a);
	file(&a, "y", "2");
	expect_corrupt(a.buf, a.len, "TRAILER");
}
END_TEST

START_TEST(odd_padding)
{
	file(&a, "x", "1");
	trailer(&a);
	/* Three NULs then a header: the next archive is misaligned. */
	a.len += 3;
	size_t at = a.len;
	file(&a, "y", "2");
	trailer(&a);
	const char *why;
	ck_assert_int_eq(walk(a.buf, a.len, &why), K_EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "4-byte"));
	struct cpio_iter it;
	struct cpio_entry e;
	cpio_iter_init(&it, a.buf, a.len);
	while (cpio_next(&it, &e) > 0)
		;
	ck_assert_uint_eq(it.error_at, at);
	/* Garbage (not NUL) after a trailer. */
	setup();
	file(&a, "x", "1");
	trailer(&a);
	memset(a.buf + a.len, 'j', 120);
	a.len += 120;
	expect_corrupt(a.buf, a.len, "magic");
}
END_TEST

/* Every prefix of a good archive either ends cleanly or is refused, and the
 * reader never reads outside the buffer: each prefix is copied into a buffer
 * of exactly its size (run under a memory checker to see it). */
START_TEST(every_truncation)
{
	file(&a, "first", "some data");
	dir(&a, "d");
	file(&a, "second", "x");
	trailer(&a);
	for (size_t cut = 0; cut <= a.len; cut++) {
		unsigned char *copy = malloc(cut ? cut : 1);
		memcpy(copy, a.buf, cut);
		int n = walk(copy, cut, NULL);
		if (cut >= a.len - 3)          /* only the trailer's padding is cut */
			ck_assert_int_eq(n, 3);
		else
			ck_assert_int_eq(n, K_EINVAL);
		free(copy);
	}
}
END_TEST

/* Random byte damage never crashes the reader nor makes it return data
 * outside the buffer (walk() checks every entry's bounds). */
START_TEST(random_damage)
{
	srand(4321);
	for (int round = 0; round < 3000; round++) {
		setup();
		file(&a, "alpha", "0123456789");
		file(&a, "beta", "b");
		trailer(&a);
		int flips = 1 + rand() % 4;
		for (int i = 0; i < flips; i++)
			a.buf[rand() % a.len] = (unsigned char)"0123456789abcdefF\0 7"[rand() % 20];
		unsigned char *copy = malloc(a.len);
		memcpy(copy, a.buf, a.len);
		int n = walk(copy, a.len, NULL);
		ck_assert(n == K_EINVAL || (n >= 0 && n <= 3));
		free(copy);
	}
}
END_TEST

/* --- the real tool ----------------------------------------------------- */

START_TEST(gnu_cpio_output)
{
	if (system("command -v cpio >/dev/null 2>&1") != 0)
		return;                      /* no cpio on this host: nothing to compare */
	char dirname[] = "/tmp/machv-cpio-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dirname));
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "cd %s && mkdir sub && printf 'hello' > a && printf '0123456789abc' > sub/b && "
		 "(printf 'a\\nsub\\nsub/b\\n' | cpio -o -H newc --quiet > ar.cpio) && "
		 "(printf 'a\\n' | cpio -o -H crc --quiet >> ar.cpio)", dirname);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/ar.cpio", dirname);
	FILE *f = fopen(cmd, "rb");
	ck_assert_ptr_nonnull(f);
	a.len = fread(a.buf, 1, sizeof(a.buf), f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dirname);
	ck_assert_int_eq(system(cmd), 0);

	ck_assert_int_eq(walk(a.buf, a.len, NULL), 4);       /* a, sub, sub/b; a again */
	struct cpio_entry e;
	ck_assert_int_eq(cpio_find(a.buf, a.len, "/sub/b", &e, NULL), K_OK);
	ck_assert(e.size == 13 && memcmp(e.data, "0123456789abc", 13) == 0);
	ck_assert_int_eq(cpio_find(a.buf, a.len, "a", &e, NULL), K_OK);
	ck_assert(e.size == 5 && memcmp(e.data, "hello", 5) == 0);
	ck_assert(memcmp(e.name - 110, "070702", 6) == 0);  /* found in the crc archive */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cpio");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, finds_files);
	tcase_add_test(tc, concatenated_archives);
	tcase_add_test(tc, crc_format);
	tcase_add_test(tc, last_padding_may_be_missing);
	tcase_add_test(tc, empty_and_zero_data);
	tcase_add_test(tc, bad_magic);
	tcase_add_test(tc, bad_hex);
	tcase_add_test(tc, truncated_header);
	tcase_add_test(tc, name_size_past_end);
	tcase_add_test(tc, file_size_past_end);
	tcase_add_test(tc, missing_trailer);
	tcase_add_test(tc, odd_padding);
	tcase_add_test(tc, every_truncation);
	tcase_add_test(tc, random_damage);
	tcase_add_test(tc, gnu_cpio_output);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
