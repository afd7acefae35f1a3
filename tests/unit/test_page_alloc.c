/* Host tests for the buddy page allocator (src/kern/page_alloc.c).
 *
 * Frames are made-up numbers: the allocator never touches them.  A model of
 * which frames are free lets the tests predict the exact block decomposition:
 * with eager coalescing, the free blocks are always the largest naturally
 * aligned runs of free frames, which is what greedy_blocks() computes. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <kern/types.h>
#include <kern/errno.h>
#include <kern/arch.h>
#include <kern/page_alloc.h>

bool page_alloc_consistent(void);   /* test-only audit in page_alloc.c */

/* The lock hooks: count, and check that every lock is released. */
static int lock_depth;
static unsigned long lock_calls;
irqflags_t page_alloc_lock(void) { lock_depth++; lock_calls++; return 0x5a; }
void page_alloc_unlock(irqflags_t f) { ck_assert_uint_eq(f, 0x5a); lock_depth--; }

#define PFN_PA(pfn) ((paddr_t)(pfn) << PAGE_SHIFT)

static void *meta;
static uint64_t base;
static size_t npages;
static bool *model_free;   /* model_free[i]: frame base+i is free */

static void start(uint64_t base_pfn, size_t n)
{
	base = base_pfn;
	npages = n;
	meta = malloc(page_alloc_meta_size(n));
	model_free = calloc(n, sizeof(bool));
	ck_assert_ptr_nonnull(meta);
	page_alloc_init(base_pfn, n, meta);
}

static void finish(void)
{
	ck_assert_int_eq(lock_depth, 0);
	ck_assert_uint_gt(lock_calls, 0);
	free(meta);
	free(model_free);
}

/* Free frames [first, last) (indices relative to base) and track them. */
static void give(size_t first, size_t last)
{
	page_free_range(PFN_PA(base + first), PFN_PA(base + last));
	for (size_t i = first; i < last; i++)
		model_free[i] = true;
}

static void greedy_blocks(size_t out[PAGE_ORDER_MAX], size_t *pages)
{
	memset(out, 0, sizeof(size_t) * PAGE_ORDER_MAX);
	*pages = 0;
	for (size_t i = 0; i < npages;) {
		if (!model_free[i]) {
			i++;
			continue;
		}
		unsigned o = PAGE_ORDER_MAX - 1;
		for (;; o--) {
			size_t n = (size_t)1 << o;
			bool fits = ((base + i) & (n - 1)) == 0 && i + n <= npages;
			for (size_t j = 0; fits && j < n; j++)
				fits = model_free[i + j];
			if (fits || o == 0)
				break;
		}
		out[o]++;
		*pages += (size_t)1 << o;
		i += (size_t)1 << o;
	}
}

static void check_against_model(void)
{
	struct page_stats st;
	size_t want[PAGE_ORDER_MAX], pages;
	page_alloc_stats(&st);
	greedy_blocks(want, &pages);
	ck_assert(page_alloc_consistent());
	ck_assert_uint_eq(st.free_pages, pages);
	for (unsigned o = 0; o < PAGE_ORDER_MAX; o++)
		ck_assert_msg(st.free_blocks[o] == want[o], "order %u: %zu blocks, want %zu",
			      o, st.free_blocks[o], want[o]);
}

/* Allocate and check the block against the model; marks it used. */
static paddr_t take(unsigned order)
{
	paddr_t pa = page_alloc(order);
	if (pa == PADDR_NONE)
		return pa;
	size_t n = (size_t)1 << order;
	uint64_t pfn = pa >> PAGE_SHIFT;
	ck_assert_uint_eq(pa & ((PAGE_SIZE << order) - 1), 0);
	ck_assert(pfn >= base && pfn - base + n <= npages);
	for (size_t j = 0; j < n; j++) {
		ck_assert_msg(model_free[pfn - base + j], "handed out a used frame");
		model_free[pfn - base + j] = false;
	}
	return pa;
}

static void give_back(paddr_t pa, unsigned order)
{
	ck_assert_int_eq(page_free(pa, order), K_OK);
	for (size_t j = 0; j < ((size_t)1 << order); j++)
		model_free[(pa >> PAGE_SHIFT) - base + j] = true;
}

START_TEST(test_init_all_reserved)
{
	struct page_stats st;
	ck_assert_uint_gt(page_alloc_meta_size(1), 0);
	ck_assert_uint_le(page_alloc_meta_size(1), 16);   /* small per frame */
	ck_assert_uint_eq(page_alloc_meta_size(1000), 1000 * page_alloc_meta_size(1));
	start(0x1000, 512);
	page_alloc_stats(&st);
	ck_assert_uint_eq(st.total_pages, 0);
	ck_assert_uint_eq(st.free_pages, 0);
	ck_assert_uint_eq(page_alloc(0), PADDR_NONE);
	page_alloc_stats(&st);
	ck_assert_uint_eq(st.failures, 1);
	ck_assert_int_eq(page_free(PFN_PA(0x1000), 0), K_EINVAL);   /* reserved */
	check_against_model();
	finish();
}
END_TEST

START_TEST(test_free_range_holes)
{
	struct page_stats st;
	start(0x1000, 4096);
	give(3, 1000);
	give(1500, 4096 - 7);
	/* Byte addresses are rounded inward: frames 1201..1299 only. */
	page_free_range(PFN_PA(base + 1200) + 1, PFN_PA(base + 1300) + 5);
	for (size_t i = 1201; i < 1300; i++)
		model_free[i] = true;
	/* Parts outside the managed range are ignored. */
	page_free_range(0, PFN_PA(base + 2));
	page_free_range(PFN_PA(base + 4096 - 1), PFN_PA(base + 9000));
	model_free[0] = model_free[1] = model_free[4095] = true;
	page_free_range(PFN_PA(10), PFN_PA(5));   /* empty */
	check_against_model();
	page_alloc_stats(&st);
	ck_assert_uint_eq(st.total_pages, st.free_pages);
	ck_assert_uint_eq(st.total_pages, 2 + 997 + 99 + (4089 - 1500) + 1);
	ck_assert_uint_eq(st.free_blocks[PAGE_ORDER_MAX - 1], 1);   /* frames 2048..3071 */
	/* Handing frames over twice is refused and counted. */
	page_free_range(PFN_PA(base + 10), PFN_PA(base + 12));
	struct page_stats st2;
	page_alloc_stats(&st2);
	ck_assert_uint_eq(st2.bad_frees, 2);
	ck_assert_uint_eq(st2.total_pages, st.total_pages);
	check_against_model();
	finish();
}
END_TEST

START_TEST(test_every_order)
{
	/* Aligned base, then a misaligned one: blocks stay naturally aligned. */
	static const uint64_t bases[] = { 0x1000, 0x1003 };
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		start(bases[b], 4096);
		give(0, 4096);
		check_against_model();
		for (unsigned o = 0; o < PAGE_ORDER_MAX; o++) {
			struct page_stats before, after;
			page_alloc_stats(&before);
			paddr_t pa = take(o);
			ck_assert_msg(pa != PADDR_NONE, "order %u", o);
			page_alloc_stats(&after);
			ck_assert_uint_eq(after.free_pages, before.free_pages - ((size_t)1 << o));
			check_against_model();
			give_back(pa, o);
			check_against_model();
		}
		ck_assert_uint_eq(page_alloc(PAGE_ORDER_MAX), PADDR_NONE);   /* never valid */
		struct page_stats st;
		page_alloc_stats(&st);
		ck_assert_uint_eq(st.allocs, PAGE_ORDER_MAX);
		ck_assert_uint_eq(st.frees, PAGE_ORDER_MAX);
		ck_assert_uint_eq(st.failures, 1);
		ck_assert_uint_eq(st.total_pages, 4096);
		finish();
	}
}
END_TEST

START_TEST(test_coalesce_to_full_block)
{
	enum { N = 1 << (PAGE_ORDER_MAX - 1) };
	static paddr_t pages[N];
	struct page_stats st;
	start(0x4000, N);
	give(0, N);
	for (size_t i = 0; i < N; i++)
		ck_assert((pages[i] = take(0)) != PADDR_NONE);
	ck_assert_uint_eq(page_alloc(0), PADDR_NONE);
	srand(7);
	for (size_t i = N - 1; i > 0; i--) {   /* free in shuffled order */
		size_t j = (size_t)rand() % (i + 1);
		paddr_t t = pages[i]; pages[i] = pages[j]; pages[j] = t;
	}
	for (size_t i = 0; i < N; i++) {
		give_back(pages[i], 0);
		if (i % 97 == 0)
			check_against_model();
	}
	page_alloc_stats(&st);
	for (unsigned o = 0; o < PAGE_ORDER_MAX - 1; o++)
		ck_assert_uint_eq(st.free_blocks[o], 0);
	ck_assert_uint_eq(st.free_blocks[PAGE_ORDER_MAX - 1], 1);
	ck_assert_uint_eq(take(PAGE_ORDER_MAX - 1), PFN_PA(0x4000));
	finish();
}
END_TEST

START_TEST(test_exhaustion)
{
	static paddr_t got[1200];
	struct page_stats st0, st;
	start(0x2005, 1200);   /* misaligned base, one hole */
	give(0, 300);
	give(310, 1111);
	page_alloc_stats(&st0);
	size_t n = 0;
	while ((got[n] = take(0)) != PADDR_NONE)
		ck_assert_uint_lt(++n, 1200);
	page_alloc_stats(&st);
	ck_assert_uint_eq(n, st0.free_pages);
	ck_assert_uint_eq(st.free_pages, 0);
	ck_assert_uint_eq(st.failures, 1);
	ck_assert_uint_eq(st.allocs, n);
	for (size_t i = 0; i < n; i++)
		give_back(got[i], 0);
	check_against_model();

	/* Exhaust at order 3: every free block of order >= 3 yields 2^(o-3). */
	size_t want = 0;
	for (unsigned o = 3; o < PAGE_ORDER_MAX; o++)
		want += st0.free_blocks[o] << (o - 3);
	for (n = 0; (got[n] = take(3)) != PADDR_NONE; n++)
		;
	ck_assert_uint_eq(n, want);
	for (size_t i = 0; i < n; i++)
		give_back(got[i], 3);
	check_against_model();
	finish();
}
END_TEST

START_TEST(test_fragmentation)
{
	static paddr_t got[256];
	start(0x3000, 256);
	give(0, 256);
	for (size_t i = 0; i < 256; i++)
		got[i] = take(0);
	for (int odd = 0; odd < 2; odd++) {
		for (size_t i = 0; i < 256; i++)
			if (((got[i] >> PAGE_SHIFT) & 1) == (paddr_t)odd)
				give_back(got[i], 0);
		check_against_model();
		/* Half free as 128 unmergeable single frames: no pair anywhere. */
		ck_assert(odd || page_alloc(1) == PADDR_NONE);
	}
	finish();
}
END_TEST

/* A refused free changes nothing but the bad_frees counter. */
static void expect_bad_free(paddr_t pa, unsigned order)
{
	struct page_stats before, after;
	page_alloc_stats(&before);
	ck_assert_int_eq(page_free(pa, order), K_EINVAL);
	page_alloc_stats(&after);
	before.bad_frees++;
	ck_assert_msg(memcmp(&before, &after, sizeof(before)) == 0,
		      "bad free of %#llx order %u changed state", (unsigned long long)pa, order);
	check_against_model();
}

START_TEST(test_bad_frees)
{
	struct page_stats st;
	start(0x1000, 2048);
	give(0, 1000);
	give(1024, 2048);   /* frames 1000..1023 stay reserved */

	paddr_t a = take(0), b = take(0), big = take(2), freed = take(1);
	give_back(freed, 1);
	ck_assert((a >> PAGE_SHIFT) % 2 == 0 && (b >> PAGE_SHIFT) % 2 == 1);

	expect_bad_free(freed, 1);                         /* double free */
	expect_bad_free(PFN_PA(base + 1030), 0);           /* inside a free block */
	expect_bad_free(PFN_PA(base + 1010), 0);           /* reserved frame */
	expect_bad_free(PFN_PA(base - 1), 0);              /* below the range */
	expect_bad_free(PFN_PA(base + 2048), 0);           /* above the range */
	expect_bad_free(PADDR_NONE, 0);
	expect_bad_free(b, 1);                             /* not aligned to order */
	expect_bad_free(a + 8, 0);                         /* not page aligned */
	expect_bad_free(big, 1);                           /* order too small */
	expect_bad_free(big, 3);                           /* order too large */
	expect_bad_free(big, PAGE_ORDER_MAX);
	expect_bad_free(big, 200);
	expect_bad_free(big + PAGE_SIZE, 0);               /* tail of a live block */
	expect_bad_free(big + 2 * PAGE_SIZE, 1);

	give_back(a, 0);
	give_back(b, 0);
	give_back(big, 2);
	expect_bad_free(a, 0);                             /* double, after merging */
	check_against_model();
	page_alloc_stats(&st);
	ck_assert_uint_eq(st.bad_frees, 15);
	ck_assert_uint_eq(st.allocs, 4);
	ck_assert_uint_eq(st.frees, 4);
	finish();
}
END_TEST

START_TEST(test_random_stress)
{
	enum { N = 3000, LIVE = 400, OPS = 20000 };
	static struct { paddr_t pa; unsigned order; } live[LIVE];
	unsigned seed = 1234 + (unsigned)_i;
	size_t nlive = 0;
	srand(seed);
	start(0x10001 + (uint64_t)_i * 3, N);
	give(0, 1700);
	give(1750, N - 1);
	for (int op = 0; op < OPS; op++) {
		bool do_alloc = nlive == 0 || (nlive < LIVE && rand() % 100 < 55);
		if (do_alloc) {
			unsigned order = (unsigned)(rand() % 100 < 70 ? rand() % 3 : rand() % PAGE_ORDER_MAX);
			paddr_t pa = take(order);
			if (pa != PADDR_NONE)
				live[nlive++] = (typeof(live[0])){ pa, order };
		} else {
			size_t k = (size_t)rand() % nlive;
			give_back(live[k].pa, live[k].order);
			live[k] = live[--nlive];
		}
		if (op % 16 == 0)
			check_against_model();
	}
	while (nlive > 0) {
		nlive--;
		give_back(live[nlive].pa, live[nlive].order);
	}
	check_against_model();
	struct page_stats st;
	page_alloc_stats(&st);
	ck_assert_uint_eq(st.free_pages, st.total_pages);
	ck_assert_uint_eq(st.allocs, st.frees);
	ck_assert_uint_eq(st.bad_frees, 0);
	finish();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("page_alloc");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_init_all_reserved);
	tcase_add_test(tc, test_free_range_holes);
	tcase_add_test(tc, test_every_order);
	tcase_add_test(tc, test_coalesce_to_full_block);
	tcase_add_test(tc, test_exhaustion);
	tcase_add_test(tc, test_fragmentation);
	tcase_add_test(tc, test_bad_frees);
	tcase_add_loop_test(tc, test_random_stress, 0, 4);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
