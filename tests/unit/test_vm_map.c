/* Host tests of a map's region list (src/vm/vm_region.c): insertion,
 * lookup, free-space search, clipping, removal and merging, plus a long
 * random run checked page by page against a plain array model.
 *
 * Region records come from malloc here, with an optional budget so the
 * out-of-memory paths can be forced. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <kern/errno.h>
#include <kern/vm_region.h>
#include <machine/param.h>

static long budget = -1;    /* allocations left; -1: unlimited */
static long live;

struct vm_region *vm_region_alloc(void)
{
	if (budget == 0)
		return NULL;
	if (budget > 0)
		budget--;
	live++;
	return malloc(sizeof(struct vm_region));
}

void vm_region_free(struct vm_region *r)
{
	live--;
	free(r);
}

#define P(n) ((vaddr_t)(n) * PAGE_SIZE)
#define R PROT_R
#define RW (PROT_R | PROT_W)
#define RX (PROT_R | PROT_X)
#define ALL (PROT_R | PROT_W | PROT_X)

static struct vm_map map;

static void setup(void)
{
	memset(&map, 0, sizeof(map));
	list_init(&map.regions);
	budget = -1;
	live = 0;
}

static void teardown(void)
{
	struct vm_region *r;
	while ((r = vm_region_first(&map)))
		vm_region_remove(&map, r);
	ck_assert_int_eq(live, 0);
	ck_assert_uint_eq(map.nregions, 0);
}

/* Sorted, disjoint, aligned, counted, and no two equal neighbours touching.
 * (Plain ifs: Check's assertions are costly in the long random run.) */
static void check_invariants(void)
{
	size_t n = 0;
	const struct vm_region *prev = NULL;
	for (struct vm_region *r = vm_region_first(&map); r; r = vm_region_next(&map, r), n++) {
		if (r->start >= r->end)
			ck_abort_msg("empty region %#lx-%#lx", r->start, r->end);
		if (!IS_ALIGNED(r->start, PAGE_SIZE) || !IS_ALIGNED(r->end, PAGE_SIZE))
			ck_abort_msg("misaligned region %#lx-%#lx", r->start, r->end);
		if (prev && prev->end > r->start)
			ck_abort_msg("regions out of order or overlapping at %#lx", r->start);
		if (prev && prev->end == r->start && prev->prot == r->prot &&
		    prev->max_prot == r->max_prot)
			ck_abort_msg("equal neighbours not merged at %#lx", r->start);
		prev = r;
	}
	if (n != map.nregions || (long)n != live)
		ck_abort_msg("%zu regions listed, nregions %zu, %ld records live", n,
			     map.nregions, live);
}

static void expect_region(vaddr_t va, vaddr_t start, vaddr_t end, unsigned prot)
{
	struct vm_region *r = vm_region_lookup(&map, va);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->start, start);
	ck_assert_uint_eq(r->end, end);
	ck_assert_uint_eq(r->prot, prot);
}

START_TEST(insert_and_lookup)
{
	ck_assert_int_eq(vm_region_insert(&map, P(10), P(12), R, ALL), K_OK);
	ck_assert_int_eq(vm_region_insert(&map, P(2), P(4), RW, ALL), K_OK);
	ck_assert_int_eq(vm_region_insert(&map, P(20), P(30), RX, ALL), K_OK);
	check_invariants();
	ck_assert_uint_eq(map.nregions, 3);
	expect_region(P(2), P(2), P(4), RW);
	expect_region(P(4) - 1, P(2), P(4), RW);
	ck_assert_ptr_null(vm_region_lookup(&map, P(4)));     /* end is exclusive */
	ck_assert_ptr_null(vm_region_lookup(&map, P(1)));
	ck_assert_ptr_null(vm_region_lookup(&map, P(31)));
	expect_region(P(11) + 5, P(10), P(12), R);
	ck_assert_uint_eq(vm_region_first_above(&map, P(5))->start, P(10));
	ck_assert_ptr_null(vm_region_first_above(&map, P(30)));

	/* Overlaps of every shape are refused, and change nothing. */
	ck_assert_int_eq(vm_region_insert(&map, P(3), P(5), R, ALL), K_EEXIST);
	ck_assert_int_eq(vm_region_insert(&map, P(1), P(3), R, ALL), K_EEXIST);
	ck_assert_int_eq(vm_region_insert(&map, P(0), P(40), R, ALL), K_EEXIST);
	ck_assert_int_eq(vm_region_insert(&map, P(25), P(26), RX, ALL), K_EEXIST);
	/* Empty and misaligned ranges are refused. */
	ck_assert_int_eq(vm_region_insert(&map, P(5), P(5), R, ALL), K_EINVAL);
	ck_assert_int_eq(vm_region_insert(&map, P(5) + 1, P(6), R, ALL), K_EINVAL);
	ck_assert_int_eq(vm_region_insert(&map, P(6), P(5), R, ALL), K_EINVAL);
	ck_assert_uint_eq(map.nregions, 3);
	check_invariants();
}
END_TEST

START_TEST(neighbours_merge_only_when_equal)
{
	ck_assert_int_eq(vm_region_insert(&map, P(4), P(6), RW, ALL), K_OK);
	ck_assert_int_eq(vm_region_insert(&map, P(6), P(8), RW, ALL), K_OK);   /* after */
	ck_assert_int_eq(vm_region_insert(&map, P(2), P(4), RW, ALL), K_OK);   /* before */
	ck_assert_uint_eq(map.nregions, 1);
	expect_region(P(5), P(2), P(8), RW);
	ck_assert_int_eq(vm_region_insert(&map, P(8), P(9), R, ALL), K_OK);    /* other prot */
	ck_assert_int_eq(vm_region_insert(&map, P(9), P(10), R, RW), K_OK);    /* other max */
	ck_assert_uint_eq(map.nregions, 3);
	/* Filling a hole between two equal regions joins all three. */
	ck_assert_int_eq(vm_region_insert(&map, P(12), P(14), R, RW), K_OK);
	ck_assert_int_eq(vm_region_insert(&map, P(10), P(12), R, RW), K_OK);
	expect_region(P(13), P(9), P(14), R);
	check_invariants();
	/* Merging needs no record, even when none can be had. */
	budget = 0;
	ck_assert_int_eq(vm_region_insert(&map, P(14), P(15), R, RW), K_OK);
	ck_assert_int_eq(vm_region_insert(&map, P(20), P(21), R, RW), K_ENOMEM);
	check_invariants();
}
END_TEST

START_TEST(find_space)
{
	vaddr_t at = 0;
	ck_assert_int_eq(vm_region_find_space(&map, P(2), P(1), P(100), &at), K_OK);
	ck_assert_uint_eq(at, P(1));
	ck_assert_int_eq(vm_region_find_space(&map, P(2), P(1) - 100, P(100), &at), K_OK);
	ck_assert_uint_eq(at, P(1));                  /* rounded up to a page */

	ck_assert_int_eq(vm_region_insert(&map, P(1), P(3), RW, ALL), K_OK);
	ck_assert_int_eq(vm_region_insert(&map, P(5), P(6), R, ALL), K_OK);
	ck_assert_int_eq(vm_region_insert(&map, P(10), P(20), RX, ALL), K_OK);
	/* The lowest gap that fits wins: [3,5) fits 2 pages, not 3. */
	ck_assert_int_eq(vm_region_find_space(&map, P(2), P(1), P(100), &at), K_OK);
	ck_assert_uint_eq(at, P(3));
	ck_assert_int_eq(vm_region_find_space(&map, P(3), P(1), P(100), &at), K_OK);
	ck_assert_uint_eq(at, P(6));
	ck_assert_int_eq(vm_region_find_space(&map, P(5), P(1), P(100), &at), K_OK);
	ck_assert_uint_eq(at, P(20));
	/* A lower bound inside a region starts after it. */
	ck_assert_int_eq(vm_region_find_space(&map, P(1), P(12), P(100), &at), K_OK);
	ck_assert_uint_eq(at, P(20));
	/* The upper bound is respected exactly. */
	ck_assert_int_eq(vm_region_find_space(&map, P(80), P(1), P(100), &at), K_OK);
	ck_assert_uint_eq(at, P(20));
	ck_assert_int_eq(vm_region_find_space(&map, P(81), P(1), P(100), &at), K_ENOSPC);
	ck_assert_int_eq(vm_region_find_space(&map, P(1), P(1), P(1), &at), K_ENOSPC);
	ck_assert_int_eq(vm_region_find_space(&map, 0, P(1), P(100), &at), K_ENOSPC);
	/* A range reaching the top of the address space does not wrap. */
	ck_assert_int_eq(vm_region_find_space(&map, P(1), ~(vaddr_t)0 - 10, ~(vaddr_t)0, &at),
			 K_ENOSPC);
}
END_TEST

START_TEST(clip_splits_and_fails_cleanly)
{
	ck_assert_int_eq(vm_region_insert(&map, P(10), P(20), RW, ALL), K_OK);
	/* Inside one region: two cuts, three pieces. */
	budget = 1;
	ck_assert_int_eq(vm_region_clip(&map, P(12), P(14)), K_ENOMEM);
	ck_assert_uint_eq(map.nregions, 1);           /* nothing changed */
	ck_assert_int_eq(live, 1);                    /* and nothing leaked */
	budget = -1;
	ck_assert_int_eq(vm_region_clip(&map, P(12), P(14)), K_OK);
	ck_assert_uint_eq(map.nregions, 3);
	expect_region(P(10), P(10), P(12), RW);
	expect_region(P(12), P(12), P(14), RW);
	expect_region(P(14), P(14), P(20), RW);
	/* On existing boundaries or in holes: no cut. */
	budget = 0;
	ck_assert_int_eq(vm_region_clip(&map, P(12), P(14)), K_OK);
	ck_assert_int_eq(vm_region_clip(&map, P(0), P(10)), K_OK);
	ck_assert_int_eq(vm_region_clip(&map, P(20), P(30)), K_OK);
	ck_assert_int_eq(vm_region_clip(&map, P(5), P(25)), K_OK);
	ck_assert_uint_eq(map.nregions, 3);
	/* Coalescing undoes the cuts, since nothing differs. */
	vm_region_coalesce(&map, P(12), P(14));
	ck_assert_uint_eq(map.nregions, 1);
	expect_region(P(15), P(10), P(20), RW);
	check_invariants();
}
END_TEST

START_TEST(clip_across_regions_then_remove)
{
	ck_assert_int_eq(vm_region_insert(&map, P(0), P(4), RW, ALL), K_OK);
	ck_assert_int_eq(vm_region_insert(&map, P(6), P(8), R, ALL), K_OK);
	ck_assert_int_eq(vm_region_insert(&map, P(10), P(16), RX, ALL), K_OK);
	ck_assert_int_eq(vm_region_clip(&map, P(2), P(12)), K_OK);
	struct vm_region *r = vm_region_first_above(&map, P(2));
	while (r && r->start < P(12)) {
		struct vm_region *next = vm_region_next(&map, r);
		vm_region_remove(&map, r);
		r = next;
	}
	check_invariants();
	ck_assert_uint_eq(map.nregions, 2);
	expect_region(P(1), P(0), P(2), RW);
	expect_region(P(12), P(12), P(16), RX);
	ck_assert(vm_region_range_free(&map, P(2), P(12)));
	ck_assert(!vm_region_range_free(&map, P(1), P(3)));
	ck_assert(!vm_region_range_free(&map, P(11), P(13)));
}
END_TEST

START_TEST(range_allows)
{
	ck_assert_int_eq(vm_region_insert(&map, P(1), P(3), RW, ALL), K_OK);
	ck_assert_int_eq(vm_region_insert(&map, P(3), P(5), R, ALL), K_OK);
	ck_assert_int_eq(vm_region_insert(&map, P(6), P(7), RW, ALL), K_OK);
	ck_assert(vm_region_range_allows(&map, P(1), P(5), PROT_R));    /* across a seam */
	ck_assert(!vm_region_range_allows(&map, P(1), P(5), PROT_W));   /* second lacks W */
	ck_assert(vm_region_range_allows(&map, P(1), P(3), RW));
	ck_assert(!vm_region_range_allows(&map, P(4), P(7), PROT_R));   /* hole at 5 */
	ck_assert(!vm_region_range_allows(&map, P(0), P(2), PROT_R));   /* hole at 0 */
	ck_assert(!vm_region_range_allows(&map, P(6), P(8), PROT_R));   /* runs off the end */
	ck_assert(vm_region_range_allows(&map, P(6), P(7), RW));
	ck_assert(vm_region_range_allows(&map, P(9), P(9), RW));        /* empty */
}
END_TEST

/* A model: the protection of every page (0xff = no region). */
#define MODEL_PAGES 64
static unsigned char model[MODEL_PAGES];

static unsigned model_prot(unsigned p) { return model[p] & 0x0f; }

static void compare_with_model(void)
{
	check_invariants();
	for (unsigned p = 0; p < MODEL_PAGES; p++) {
		struct vm_region *r = vm_region_lookup(&map, P(p) + 7);
		if (model[p] == 0xff && r)
			ck_abort_msg("page %u should be free", p);
		if (model[p] != 0xff && !r)
			ck_abort_msg("page %u should be in a region", p);
		if (r && (r->prot != model_prot(p) || r->max_prot != (unsigned)(model[p] >> 4)))
			ck_abort_msg("page %u: prot %u max %u, model %#x", p, r->prot, r->max_prot,
				     model[p]);
	}
}

START_TEST(random_against_model)
{
	srand(12345);
	memset(model, 0xff, sizeof(model));
	static const unsigned prots[] = { 0, PROT_R, RW, RX };
	for (int step = 0; step < 20000; step++) {
		unsigned a = (unsigned)rand() % MODEL_PAGES;
		unsigned b = a + 1 + (unsigned)rand() % (MODEL_PAGES - a);
		unsigned prot = prots[rand() % 4];
		budget = rand() % 8 == 0 ? rand() % 2 : -1;   /* sometimes starve */
		switch (rand() % 4) {
		case 0: {   /* allocate fixed */
			bool free_range = true;
			for (unsigned p = a; p < b; p++)
				free_range &= model[p] == 0xff;
			int rc = vm_region_insert(&map, P(a), P(b), prot, ALL);
			if (!free_range) {
				if (rc != K_EEXIST)
					ck_abort_msg("overlapping insert gave %d", rc);
			} else if (rc == K_OK) {
				for (unsigned p = a; p < b; p++)
					model[p] = (unsigned char)(ALL << 4 | prot);
			} else if (rc != K_ENOMEM) {
				ck_abort_msg("insert gave %d", rc);
			}
			break;
		}
		case 1: {   /* allocate anywhere */
			vaddr_t at;
			size_t pages = b - a;
			int rc = vm_region_find_space(&map, P(pages), 0, P(MODEL_PAGES), &at);
			unsigned expect = MODEL_PAGES, run = 0;
			for (unsigned p = 0; p < MODEL_PAGES && expect == MODEL_PAGES; p++) {
				run = model[p] == 0xff ? run + 1 : 0;
				if (run == pages)
					expect = p + 1 - (unsigned)pages;
			}
			if (expect == MODEL_PAGES) {
				if (rc != K_ENOSPC)
					ck_abort_msg("found space where there is none");
				break;
			}
			if (rc != K_OK || at != P(expect))
				ck_abort_msg("find_space: %d at %#lx, expected page %u", rc, at, expect);
			if (vm_region_insert(&map, at, at + P(pages), prot, ALL) == K_OK)
				for (unsigned p = expect; p < expect + pages; p++)
					model[p] = (unsigned char)(ALL << 4 | prot);
			break;
		}
		case 2: {   /* deallocate */
			if (vm_region_clip(&map, P(a), P(b)) != K_OK)
				break;
			struct vm_region *r = vm_region_first_above(&map, P(a));
			while (r && r->start < P(b)) {
				struct vm_region *next = vm_region_next(&map, r);
				vm_region_remove(&map, r);
				r = next;
			}
			memset(model + a, 0xff, b - a);
			break;
		}
		case 3: {   /* protect (set the current protection) */
			if (vm_region_clip(&map, P(a), P(b)) != K_OK)
				break;
			for (struct vm_region *r = vm_region_first_above(&map, P(a));
			     r && r->start < P(b); r = vm_region_next(&map, r))
				r->prot = prot;
			vm_region_coalesce(&map, P(a), P(b));
			for (unsigned p = a; p < b; p++)
				if (model[p] != 0xff)
					model[p] = (unsigned char)((model[p] & 0xf0) | prot);
			break;
		}
		}
		budget = -1;
		compare_with_model();
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vm_region");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, insert_and_lookup);
	tcase_add_test(tc, neighbours_merge_only_when_equal);
	tcase_add_test(tc, find_space);
	tcase_add_test(tc, clip_splits_and_fails_cleanly);
	tcase_add_test(tc, clip_across_regions_then_remove);
	tcase_add_test(tc, range_allows);
	tcase_add_test(tc, random_against_model);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
