/* Host tests for the slab allocator and kmalloc (src/kern/kmem.c).
 *
 * The backend hands out real page-aligned host pages, dirtied so that the
 * allocator cannot rely on zeroed memory, and remembers them: every page
 * returned must be one it gave, and after each test (everything freed and
 * reaped) pages given must equal pages returned. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kern/types.h>
#include <kern/errno.h>
#include <kern/arch.h>
#include <kern/kmem.h>

static int lock_depth;
static unsigned long lock_calls;
irqflags_t kmem_lock(void) { lock_depth++; lock_calls++; return 0x77; }
void kmem_unlock(irqflags_t f) { ck_assert_uint_eq(f, 0x77); lock_depth--; }

#define MAX_PAGES 256
static void *live_pages[MAX_PAGES];
static size_t pages_given, pages_returned, fail_after;

static void *fake_page_get(void)
{
	if (pages_given >= fail_after)
		return NULL;
	void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	ck_assert_ptr_nonnull(p);
	memset(p, 0xa5, PAGE_SIZE);
	for (size_t i = 0; i < MAX_PAGES; i++)
		if (!live_pages[i]) {
			live_pages[i] = p;
			pages_given++;
			return p;
		}
	ck_abort_msg("test backend full");
	return NULL;
}

static void fake_page_put(void *p)
{
	for (size_t i = 0; i < MAX_PAGES; i++)
		if (live_pages[i] == p) {
			live_pages[i] = NULL;
			pages_returned++;
			free(p);
			return;
		}
	ck_abort_msg("page_put of a page the backend never gave");
}

static const struct kmem_backend fake_backend = { fake_page_get, fake_page_put };

static void setup(void)
{
	pages_given = pages_returned = 0;
	fail_after = SIZE_MAX;
	kmem_init(&fake_backend);
}

static void reap_one(struct kmem_cache *c, void *arg)
{
	struct kmem_cache_stats st;
	kmem_cache_stats(c, &st);
	ck_assert_msg(st.in_use == 0, "%s leaks %zu objects", st.name, st.in_use);
	kmem_cache_reap(c);
	kmem_cache_stats(c, &st);
	ck_assert_uint_eq(st.slabs, 0);
	(void)arg;
}

static void teardown(void)
{
	kmem_foreach_cache(reap_one, NULL);
	ck_assert_uint_eq(pages_given, pages_returned);
	ck_assert_int_eq(lock_depth, 0);
}

static struct kmem_cache_stats stats_of(struct kmem_cache *c)
{
	struct kmem_cache_stats st;
	kmem_cache_stats(c, &st);
	return st;
}

START_TEST(test_alignment_and_distinct)
{
	static const size_t aligns[] = { 0, 8, 16, 32, 64, 128, 256 };
	static const size_t sizes[] = { 1, 24, 100, 300 };
	enum { N = 60 };
	for (size_t a = 0; a < ARRAY_SIZE(aligns); a++)
		for (size_t z = 0; z < ARRAY_SIZE(sizes); z++) {
			size_t align = aligns[a] ? aligns[a] : sizeof(void *), size = sizes[z];
			struct kmem_cache *c = kmem_cache_create("t", size, aligns[a]);
			unsigned char *obj[N];
			ck_assert_ptr_nonnull(c);
			for (int i = 0; i < N; i++) {
				obj[i] = kmem_cache_alloc(c);
				ck_assert_ptr_nonnull(obj[i]);
				ck_assert_uint_eq((uintptr_t)obj[i] % align, 0);
				ck_assert_uint_le(((uintptr_t)obj[i] % PAGE_SIZE) + size, PAGE_SIZE);
				memset(obj[i], i, size);   /* overlap would clobber a neighbour */
			}
			for (int i = 0; i < N; i++)
				for (size_t j = 0; j < size; j++)
					ck_assert_uint_eq(obj[i][j], (unsigned char)i);
			ck_assert_uint_eq(stats_of(c).in_use, N);
			for (int i = 0; i < N; i++)
				ck_assert_int_eq(kmem_cache_free(c, obj[i]), K_OK);
		}
}
END_TEST

START_TEST(test_stats_and_slabs)
{
	struct kmem_cache *c = kmem_cache_create("stats", 100, 8);
	void *obj[200];
	obj[0] = kmem_cache_alloc(c);
	struct kmem_cache_stats st = stats_of(c);
	size_t per = st.capacity;
	ck_assert_str_eq(st.name, "stats");
	ck_assert_uint_eq(st.obj_size, 100);
	ck_assert_uint_eq(st.slabs, 1);
	ck_assert_uint_ge(per, 30);      /* a page holds (4096 - header) / 104 */
	ck_assert_uint_le(per, 39);
	for (size_t i = 1; i < per; i++)
		obj[i] = kmem_cache_alloc(c);
	ck_assert_uint_eq(stats_of(c).slabs, 1);
	obj[per] = kmem_cache_alloc(c);  /* one more needs a second page */
	st = stats_of(c);
	ck_assert_uint_eq(st.slabs, 2);
	ck_assert_uint_eq(st.capacity, 2 * per);
	ck_assert_uint_eq(st.in_use, per + 1);
	ck_assert_uint_eq(pages_given, 2);
	for (size_t i = 0; i <= per; i++)
		kmem_cache_free(c, obj[i]);
	ck_assert_uint_eq(stats_of(c).in_use, 0);
	ck_assert_uint_eq(kmem_cache_reap(c), 2);
	ck_assert_uint_eq(kmem_cache_reap(c), 0);
	ck_assert_uint_gt(lock_calls, 0);
}
END_TEST

START_TEST(test_reuse_after_free)
{
	struct kmem_cache *c = kmem_cache_create("reuse", 64, 0);
	void *obj[100];
	void *x = kmem_cache_alloc(c);
	ck_assert_int_eq(kmem_cache_free(c, x), K_OK);
	ck_assert_ptr_eq(kmem_cache_alloc(c), x);
	kmem_cache_free(c, x);
	for (int i = 0; i < 100; i++)
		obj[i] = kmem_cache_alloc(c);
	size_t given = pages_given;
	for (int i = 0; i < 100; i++)
		kmem_cache_free(c, obj[i]);
	for (int i = 0; i < 100; i++)
		ck_assert_ptr_nonnull(obj[i] = kmem_cache_alloc(c));
	ck_assert_uint_eq(pages_given, given);   /* the cached slabs were reused */
	for (int i = 0; i < 100; i++)
		kmem_cache_free(c, obj[i]);
}
END_TEST

START_TEST(test_reap_only_empty)
{
	struct kmem_cache *c = kmem_cache_create("reap", 1024, 0);
	void *obj[6];
	for (int i = 0; i < 6; i++)
		obj[i] = kmem_cache_alloc(c);
	size_t per = stats_of(c).capacity / stats_of(c).slabs;
	ck_assert_uint_eq(per, 3);
	for (size_t i = 0; i < per; i++)       /* first slab empties */
		kmem_cache_free(c, obj[i]);
	kmem_cache_free(c, obj[per]);          /* second stays partial */
	ck_assert_uint_eq(kmem_cache_reap(c), 1);
	ck_assert_uint_eq(stats_of(c).slabs, 1);
	ck_assert_uint_eq(pages_returned, 1);
	for (size_t i = per + 1; i < 6; i++)
		kmem_cache_free(c, obj[i]);
	ck_assert_uint_eq(kmem_cache_reap(c), 1);
}
END_TEST

/* A refused free changes nothing but bad_frees. */
static void expect_refused(struct kmem_cache *c, void *p)
{
	struct kmem_cache_stats before = stats_of(c), after;
	ck_assert_int_eq(kmem_cache_free(c, p), K_EINVAL);
	after = stats_of(c);
	ck_assert_uint_eq(after.bad_frees, before.bad_frees + 1);
	ck_assert_uint_eq(after.in_use, before.in_use);
	ck_assert_uint_eq(after.slabs, before.slabs);
}

START_TEST(test_double_free)
{
	struct kmem_cache *c = kmem_cache_create("dbl", 48, 16);
	char *a = kmem_cache_alloc(c), *b = kmem_cache_alloc(c);
	ck_assert_int_eq(kmem_cache_free(c, a), K_OK);
	expect_refused(c, a);
	/* The refused free did not put a on the free side twice: two allocations
	 * give two different objects. */
	char *x = kmem_cache_alloc(c), *y = kmem_cache_alloc(c);
	ck_assert_ptr_ne(x, y);
	ck_assert_int_eq(kmem_cache_free(c, b), K_OK);
	ck_assert_int_eq(kmem_cache_free(c, x), K_OK);
	ck_assert_int_eq(kmem_cache_free(c, y), K_OK);
	expect_refused(c, b);
	ck_assert_uint_eq(stats_of(c).bad_frees, 2);
}
END_TEST

START_TEST(test_foreign_pointers)
{
	struct kmem_cache *c = kmem_cache_create("mine", 40, 8);
	struct kmem_cache *other = kmem_cache_create("other", 40, 8);
	char *a = kmem_cache_alloc(c), *b = kmem_cache_alloc(other);
	char *page_start = (char *)((uintptr_t)a & ~(uintptr_t)(PAGE_SIZE - 1));
	char *plain = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	memset(plain, 0, PAGE_SIZE);

	expect_refused(c, b);                  /* another cache's object */
	expect_refused(c, a + 1);              /* not an object start */
	expect_refused(c, a + 40);             /* an object start never allocated */
	expect_refused(c, page_start);         /* the slab header */
	expect_refused(c, page_start + PAGE_SIZE - 8);   /* past the last object */
	expect_refused(c, plain + 64);         /* a page that is no slab */
	expect_refused(c, NULL);
	ck_assert_uint_eq(stats_of(other).in_use, 1);
	ck_assert_uint_eq(stats_of(other).bad_frees, 0);
	ck_assert_int_eq(kmem_cache_free(other, b), K_OK);
	ck_assert_int_eq(kmem_cache_free(c, a), K_OK);
	free(plain);
}
END_TEST

START_TEST(test_exhaustion_no_leak)
{
	struct kmem_cache *c = kmem_cache_create("exh", 200, 8);
	static void *obj[MAX_PAGES * 20];
	fail_after = 3;
	size_t n = 0;
	while ((obj[n] = kmem_cache_alloc(c)) != NULL)
		ck_assert_uint_lt(++n, ARRAY_SIZE(obj));
	struct kmem_cache_stats st = stats_of(c);
	ck_assert_uint_eq(st.slabs, 3);
	ck_assert_uint_eq(n, st.capacity);
	ck_assert_uint_eq(st.in_use, n);
	ck_assert_ptr_null(kmem_cache_alloc(c));   /* still failing, still no leak */
	ck_assert_uint_eq(pages_given, 3);
	ck_assert_ptr_null(kmalloc(8));          /* size caches share the backend */
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(kmem_cache_free(c, obj[i]), K_OK);
	ck_assert_uint_eq(kmem_cache_reap(c), 3);
	ck_assert_uint_eq(pages_returned, pages_given);
}
END_TEST

struct find_arg { struct kmem_cache *found; size_t hits; };

static void find_in_use(struct kmem_cache *c, void *arg)
{
	struct find_arg *f = arg;
	if (stats_of(c).in_use) {
		f->found = c;
		f->hits++;
	}
}

START_TEST(test_kmalloc_classes)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 31, 32, 33, 100, 128, 129, 256,
		257, 500, 512, 513, 1000, 1024, 1025, 2000, 2047, 2048 };
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t want = 16;
		while (want < sizes[i])
			want *= 2;
		unsigned char *p = kmalloc(sizes[i]);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % 16, 0);
		memset(p, 0x3c, sizes[i]);
		struct find_arg f = { 0 };
		kmem_foreach_cache(find_in_use, &f);
		ck_assert_uint_eq(f.hits, 1);
		struct kmem_cache_stats st = stats_of(f.found);
		ck_assert_msg(st.obj_size == want, "size %zu went to %s", sizes[i], st.name);
		char name[32];
		snprintf(name, sizeof(name), "kmalloc-%zu", want);
		ck_assert_str_eq(st.name, name);
		ck_assert_int_eq(kfree(p), K_OK);
	}
	ck_assert_ptr_null(kmalloc(KMALLOC_MAX + 1));
	ck_assert_ptr_null(kmalloc(0));
	ck_assert_ptr_null(kmalloc(SIZE_MAX));
	ck_assert_uint_eq(pages_given, 8);       /* one slab per class, reused */
}
END_TEST

START_TEST(test_kzalloc_zeroes)
{
	unsigned char *p = kmalloc(64);
	memset(p, 0xff, 64);
	ck_assert_int_eq(kfree(p), K_OK);
	unsigned char *q = kzalloc(64);
	ck_assert_ptr_eq(q, p);
	for (int i = 0; i < 64; i++)
		ck_assert_uint_eq(q[i], 0);
	kfree(q);
}
END_TEST

START_TEST(test_kfree_bad)
{
	struct kmem_cache *named = kmem_cache_create("named", 32, 0);
	char *obj = kmem_cache_alloc(named);
	char *p = kmalloc(100), *plain = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	memset(plain, 0, PAGE_SIZE);
	ck_assert_int_eq(kfree(NULL), K_OK);
	ck_assert_int_eq(kfree(p + 4), K_EINVAL);
	ck_assert_int_eq(kfree(plain + 128), K_EINVAL);
	ck_assert_int_eq(kfree(obj), K_EINVAL);   /* kfree is for kmalloc memory */
	ck_assert_uint_eq(stats_of(named).in_use, 1);
	ck_assert_uint_eq(stats_of(named).bad_frees, 1);
	ck_assert_int_eq(kfree(p), K_OK);
	ck_assert_int_eq(kfree(p), K_EINVAL);
	struct find_arg f = { 0 };
	kmem_foreach_cache(find_in_use, &f);
	ck_assert_ptr_eq(f.found, named);         /* only the named object is live */
	ck_assert_int_eq(kmem_cache_free(named, obj), K_OK);
	free(plain);
}
END_TEST

START_TEST(test_create_limits)
{
	ck_assert_ptr_null(kmem_cache_create("zero", 0, 0));
	ck_assert_ptr_null(kmem_cache_create("align3", 16, 3));
	ck_assert_ptr_null(kmem_cache_create("align-huge", 16, 8192));
	ck_assert_ptr_null(kmem_cache_create("page", PAGE_SIZE, 0));
	struct kmem_cache *big = kmem_cache_create("big", 3000, 0);
	ck_assert_ptr_nonnull(big);
	void *o = kmem_cache_alloc(big);
	ck_assert_uint_eq(stats_of(big).capacity, 1);
	kmem_cache_free(big, o);
	ck_assert_ptr_null(kmem_cache_alloc(NULL));
	int n = 0;
	while (kmem_cache_create("filler", 64, 0) != NULL)
		ck_assert_int_lt(++n, 1000);
	ck_assert_int_gt(n, 8);                   /* bounded, but room for users */
	void *p = kmalloc(10);                    /* the size caches still work */
	ck_assert_ptr_nonnull(p);
	kfree(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kmem");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_alignment_and_distinct);
	tcase_add_test(tc, test_stats_and_slabs);
	tcase_add_test(tc, test_reuse_after_free);
	tcase_add_test(tc, test_reap_only_empty);
	tcase_add_test(tc, test_double_free);
	tcase_add_test(tc, test_foreign_pointers);
	tcase_add_test(tc, test_exhaustion_no_leak);
	tcase_add_test(tc, test_kmalloc_classes);
	tcase_add_test(tc, test_kzalloc_zeroes);
	tcase_add_test(tc, test_kfree_bad);
	tcase_add_test(tc, test_create_limits);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
