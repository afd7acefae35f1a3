/* Host tests for the portable page-table walker (src/vm/ptable.c) with the
 * real x86_64 entry format.
 *
 * Table "physical addresses" are host pointers to zeroed pages.  The fake
 * allocator keeps the set of live tables, so ptable_page_ptr() can insist the
 * walker only reads tables it owns, and the tests can count them; it can also
 * be told to fail after a budget of allocations.  A fake pv_ops records every
 * TLB flush. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <kern/types.h>
#include <kern/errno.h>
#include <kern/page_alloc.h>
#include <kern/ptable.h>
#include <machine/param.h>
#include <machine/pte.h>
#include "pv/pv.h"

#define MAX_TABLES 512
static void *live[MAX_TABLES];
static size_t nlive, budget;

paddr_t ptable_page_alloc(void)
{
	if (budget == 0)
		return PADDR_NONE;
	budget--;
	void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	ck_assert_ptr_nonnull(p);
	memset(p, 0, PAGE_SIZE);
	ck_assert_uint_lt(nlive, MAX_TABLES);
	live[nlive++] = p;
	return (paddr_t)(uintptr_t)p;
}

static size_t live_index(paddr_t pa)
{
	for (size_t i = 0; i < nlive; i++)
		if (live[i] == (void *)(uintptr_t)pa)
			return i;
	ck_abort_msg("walker used %#llx, which is not a live table", (unsigned long long)pa);
	return 0;
}

void ptable_page_free(paddr_t pa)
{
	size_t i = live_index(pa);
	free(live[i]);
	live[i] = live[--nlive];
}

void *ptable_page_ptr(paddr_t pa)
{
	return live[live_index(pa)];
}

struct flush { vaddr_t va; size_t len; };
static struct flush flushes[64];
static size_t nflush;

static void record_flush(vaddr_t va, size_t len)
{
	ck_assert_uint_lt(nflush, ARRAY_SIZE(flushes));
	flushes[nflush++] = (struct flush){ va, len };
}

struct pv_ops pv_ops = { .tlb_flush_range = record_flush };

static struct ptable pt;

static void setup(void)
{
	nlive = nflush = 0;
	budget = SIZE_MAX;
	ck_assert_int_eq(ptable_create(&pt), K_OK);
}

static void teardown(void)
{
	ptable_destroy(&pt);
	ck_assert_uint_eq(pt.table_pages, 0);
	ck_assert_uint_eq(nlive, 0);
}

/* Expect [va, va+len) to translate to [pa, ...) with prot, or to be absent
 * when pa is PADDR_NONE. */
static void expect_range(vaddr_t va, size_t len, paddr_t pa, unsigned prot)
{
	for (size_t off = 0; off < len; off += PAGE_SIZE) {
		paddr_t got;
		unsigned got_prot;
		bool mapped = ptable_translate(&pt, va + off + 0x123, &got, &got_prot);
		if (pa == PADDR_NONE) {
			ck_assert_msg(!mapped, "va %#lx should be unmapped", (unsigned long)(va + off));
			continue;
		}
		ck_assert_msg(mapped, "va %#lx should be mapped", (unsigned long)(va + off));
		ck_assert_uint_eq(got, pa + off + 0x123);
		ck_assert_uint_eq(got_prot, prot);
	}
}

static void expect_one_flush(vaddr_t va, size_t len)
{
	ck_assert_uint_eq(nflush, 1);
	ck_assert_uint_eq(flushes[0].va, va);
	ck_assert_uint_eq(flushes[0].len, len);
	nflush = 0;
}

START_TEST(test_map_translate_unmap)
{
	const vaddr_t va = 0x40000000;
	const paddr_t pa = 0x12345000;
	ck_assert_uint_eq(pt.table_pages, 1);     /* a fresh tree is one root */
	ck_assert_uint_eq(nlive, 1);
	ck_assert_int_eq(ptable_map(&pt, va, pa, 3 * PAGE_SIZE, PROT_RW), K_OK);
	ck_assert_uint_eq(pt.table_pages, 4);     /* root + one table per level */
	ck_assert_uint_eq(nlive, 4);
	ck_assert_uint_eq(nflush, 0);             /* mapping needs no flush */
	expect_range(va, 3 * PAGE_SIZE, pa, PROT_RW);
	expect_range(va - PAGE_SIZE, PAGE_SIZE, PADDR_NONE, 0);
	expect_range(va + 3 * PAGE_SIZE, PAGE_SIZE, PADDR_NONE, 0);
	ck_assert(ptable_translate(&pt, va, NULL, NULL));

	ck_assert_int_eq(ptable_unmap(&pt, va, 3 * PAGE_SIZE), K_OK);
	expect_one_flush(va, 3 * PAGE_SIZE);
	expect_range(va, 3 * PAGE_SIZE, PADDR_NONE, 0);
	ck_assert_uint_eq(pt.table_pages, 1);     /* back to the bare root */
	ck_assert_uint_eq(nlive, 1);
	struct ptable other;
	budget = 0;
	ck_assert_int_eq(ptable_create(&other), K_ENOMEM);
}
END_TEST

START_TEST(test_prot_round_trip)
{
	static const unsigned prots[] = {
		PROT_R, PROT_RW, PROT_RX, PROT_RW | PROT_X, PROT_R | PROT_USER,
		PROT_RW | PROT_USER | PROT_X, PROT_RW | PROT_NOCACHE, PROT_R | PROT_GLOBAL,
		PROT_RW | PROT_GLOBAL | PROT_NOCACHE,
	};
	for (size_t i = 0; i < ARRAY_SIZE(prots); i++) {
		vaddr_t va = 0x7000000 + i * 0x10000;
		ck_assert_int_eq(ptable_map(&pt, va, 0x9000000 + i * PAGE_SIZE, PAGE_SIZE, prots[i]), K_OK);
		expect_range(va, PAGE_SIZE, 0x9000000 + i * PAGE_SIZE, prots[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(prots); i++) {
		vaddr_t va = 0x7000000 + i * 0x10000;
		unsigned next = prots[(i + 1) % ARRAY_SIZE(prots)];
		ck_assert_int_eq(ptable_protect(&pt, va, PAGE_SIZE, next), K_OK);
		expect_one_flush(va, PAGE_SIZE);
		expect_range(va, PAGE_SIZE, 0x9000000 + i * PAGE_SIZE, next);
	}
}
END_TEST

START_TEST(test_boundaries_and_high_half)
{
	/* Crosses a 1 GiB boundary in the high half: two leaf tables, two
	 * level-1 tables, one level-2 table. */
	const vaddr_t va = 0xffffc0003fffe000UL;
	ck_assert_int_eq(ptable_map(&pt, va, 0x200000, 4 * PAGE_SIZE, PROT_RW), K_OK);
	ck_assert_uint_eq(pt.table_pages, 6);
	expect_range(va, 4 * PAGE_SIZE, 0x200000, PROT_RW);
	/* The very top of the address space: the range must not wrap. */
	const vaddr_t top = 0xffffffffffffe000UL;
	ck_assert_int_eq(ptable_map(&pt, top, 0x500000, 2 * PAGE_SIZE, PROT_R), K_OK);
	expect_range(top, 2 * PAGE_SIZE, 0x500000, PROT_R);
	ck_assert_int_eq(ptable_unmap(&pt, top, 2 * PAGE_SIZE), K_OK);
	ck_assert_int_eq(ptable_unmap(&pt, va, 4 * PAGE_SIZE), K_OK);
	ck_assert_uint_eq(pt.table_pages, 1);
	ck_assert_uint_eq(nlive, 1);
}
END_TEST

START_TEST(test_exist_all_or_nothing)
{
	const vaddr_t a = 0x10000000;
	ck_assert_int_eq(ptable_map(&pt, a, 0x800000, 4 * PAGE_SIZE, PROT_RW), K_OK);
	size_t tables = pt.table_pages;
	/* Overlaps A's start, and would need no new tables before it: still
	 * nothing of it may appear. */
	ck_assert_int_eq(ptable_map(&pt, a - 2 * PAGE_SIZE, 0x900000, 4 * PAGE_SIZE, PROT_R), K_EEXIST);
	ck_assert_int_eq(ptable_map(&pt, a + 3 * PAGE_SIZE, 0x900000, 0x400000, PROT_R), K_EEXIST);
	ck_assert_int_eq(ptable_map(&pt, a, 0x900000, 4 * PAGE_SIZE, PROT_R), K_EEXIST);
	expect_range(a - 2 * PAGE_SIZE, 2 * PAGE_SIZE, PADDR_NONE, 0);
	expect_range(a + 4 * PAGE_SIZE, 0x400000 - PAGE_SIZE, PADDR_NONE, 0);
	expect_range(a, 4 * PAGE_SIZE, 0x800000, PROT_RW);
	ck_assert_uint_eq(pt.table_pages, tables);
	ck_assert_uint_eq(nlive, tables);
}
END_TEST

START_TEST(test_enomem_rollback)
{
	ck_assert_int_eq(ptable_map(&pt, 0x40000000, 0x1000000, PAGE_SIZE, PROT_RW), K_OK);
	size_t tables = pt.table_pages;
	/* In another 512 GiB slot, across a 1 GiB boundary: needs 5 new tables. */
	const vaddr_t va = 0x803fffe000UL;
	const size_t len = 4 * PAGE_SIZE;
	for (size_t b = 0; b < 5; b++) {
		budget = b;
		nflush = 0;
		ck_assert_int_eq(ptable_map(&pt, va, 0x2000000, len, PROT_RW), K_ENOMEM);
		ck_assert_uint_eq(pt.table_pages, tables);
		ck_assert_uint_eq(nlive, tables);
		expect_range(va, len, PADDR_NONE, 0);
		expect_range(0x40000000, PAGE_SIZE, 0x1000000, PROT_RW);
		for (size_t i = 0; i < nflush; i++) {   /* undo flushes only its range */
			ck_assert_uint_eq(flushes[i].va, va);
			ck_assert_uint_eq(flushes[i].len, len);
		}
	}
	budget = 5;
	ck_assert_int_eq(ptable_map(&pt, va, 0x2000000, len, PROT_RW), K_OK);
	ck_assert_uint_eq(pt.table_pages, tables + 5);
	expect_range(va, len, 0x2000000, PROT_RW);
}
END_TEST

START_TEST(test_unmap_holes_and_partial)
{
	const vaddr_t va = 0x20000000;
	for (int i = 0; i < 5; i += 2)
		ck_assert_int_eq(ptable_map(&pt, va + i * PAGE_SIZE, 0x3000000 + i * PAGE_SIZE, PAGE_SIZE, PROT_RW), K_OK);
	size_t tables = pt.table_pages;
	ck_assert_int_eq(ptable_unmap(&pt, va + PAGE_SIZE, 3 * PAGE_SIZE), K_OK);   /* hole, page, hole */
	expect_one_flush(va + PAGE_SIZE, 3 * PAGE_SIZE);
	expect_range(va, PAGE_SIZE, 0x3000000, PROT_RW);
	expect_range(va + PAGE_SIZE, 3 * PAGE_SIZE, PADDR_NONE, 0);
	expect_range(va + 4 * PAGE_SIZE, PAGE_SIZE, 0x3000000 + 4 * PAGE_SIZE, PROT_RW);
	ck_assert_uint_eq(pt.table_pages, tables);   /* the leaf table is still used */
	/* Nothing mapped: succeeds, flushes nothing. */
	ck_assert_int_eq(ptable_unmap(&pt, 0x50000000, 8 * PAGE_SIZE), K_OK);
	ck_assert_uint_eq(nflush, 0);
	ck_assert_int_eq(ptable_unmap(&pt, va, 0x200000), K_OK);
	expect_one_flush(va, 0x200000);
	ck_assert_uint_eq(pt.table_pages, 1);
	ck_assert_uint_eq(nlive, 1);
}
END_TEST

START_TEST(test_protect)
{
	const vaddr_t va = 0x30000000;
	ck_assert_int_eq(ptable_map(&pt, va, 0x4000000, 2 * PAGE_SIZE, PROT_RW), K_OK);
	ck_assert_int_eq(ptable_map(&pt, va + 3 * PAGE_SIZE, 0x5000000, PAGE_SIZE, PROT_RW), K_OK);
	ck_assert_int_eq(ptable_protect(&pt, va + PAGE_SIZE, 3 * PAGE_SIZE, PROT_R), K_OK);
	expect_one_flush(va + PAGE_SIZE, 3 * PAGE_SIZE);
	expect_range(va, PAGE_SIZE, 0x4000000, PROT_RW);
	expect_range(va + PAGE_SIZE, PAGE_SIZE, 0x4001000, PROT_R);
	expect_range(va + 2 * PAGE_SIZE, PAGE_SIZE, PADDR_NONE, 0);
	expect_range(va + 3 * PAGE_SIZE, PAGE_SIZE, 0x5000000, PROT_R);
	ck_assert_int_eq(ptable_protect(&pt, va + 8 * PAGE_SIZE, PAGE_SIZE, PROT_R), K_ENOENT);
	ck_assert_int_eq(ptable_protect(&pt, 0x7000000000UL, PAGE_SIZE, PROT_R), K_ENOENT);
	ck_assert_uint_eq(nflush, 0);
}
END_TEST

START_TEST(test_bad_arguments)
{
	const vaddr_t va = 0x60000000;
	ck_assert_int_eq(ptable_map(&pt, va + 1, 0x1000, PAGE_SIZE, PROT_R), K_EINVAL);
	ck_assert_int_eq(ptable_map(&pt, va, 0x1001, PAGE_SIZE, PROT_R), K_EINVAL);
	ck_assert_int_eq(ptable_map(&pt, va, 0x1000, PAGE_SIZE + 1, PROT_R), K_EINVAL);
	ck_assert_int_eq(ptable_map(&pt, va, 0x1000, 0, PROT_R), K_EINVAL);
	ck_assert_int_eq(ptable_map(&pt, 0xfffffffffffff000UL, 0x1000, 2 * PAGE_SIZE, PROT_R), K_EINVAL);
	ck_assert_int_eq(ptable_map(&pt, va, 1ULL << 52, PAGE_SIZE, PROT_R), K_EINVAL);
	ck_assert_int_eq(ptable_map(&pt, va, (1ULL << 52) - PAGE_SIZE, 2 * PAGE_SIZE, PROT_R), K_EINVAL);
	ck_assert_int_eq(ptable_map(&pt, 0, 0, (size_t)1 << 49, PROT_R), K_EINVAL);
	ck_assert_int_eq(ptable_unmap(&pt, va + 8, PAGE_SIZE), K_EINVAL);
	ck_assert_int_eq(ptable_unmap(&pt, va, 0), K_EINVAL);
	ck_assert_int_eq(ptable_protect(&pt, va, 12, PROT_R), K_EINVAL);
	ck_assert_uint_eq(pt.table_pages, 1);
	ck_assert_uint_eq(nflush, 0);
}
END_TEST

/* Hand-build large leaves the way an arch's boot code would. */
static pte_t *new_table(pte_t *parent_entry)
{
	paddr_t t = ptable_page_alloc();
	pt.table_pages++;
	*parent_entry = pte_table(t);
	return ptable_page_ptr(t);
}

START_TEST(test_large_leaves)
{
	pte_t *root = ptable_page_ptr(pt.root);
	pte_t *l2 = new_table(&root[0]);
	l2[1] = pte_leaf(0x1c0000000ULL, PROT_RW) | PTE_PS;   /* 1 GiB at va 1 GiB */
	pte_t *l1 = new_table(&l2[2]);
	/* 2 MiB at va 2 GiB + 6 MiB; bit 12 (x86 PAT) must not leak into pa. */
	l1[3] = pte_leaf(0x300200000ULL, PROT_RX) | PTE_PS | (1ULL << 12);
	paddr_t pa;
	unsigned prot;
	ck_assert(ptable_translate(&pt, 0x40000000 + 0x12345678, &pa, &prot));
	ck_assert_uint_eq(pa, 0x1c0000000ULL + 0x12345678);
	ck_assert_uint_eq(prot, PROT_RW);
	ck_assert(ptable_translate(&pt, 0x80600000 + 0x1abcd, &pa, &prot));
	ck_assert_uint_eq(pa, 0x300200000ULL + 0x1abcd);
	ck_assert_uint_eq(prot, PROT_RX);
	ck_assert(!ptable_translate(&pt, 0x80800000, &pa, &prot));

	size_t tables = pt.table_pages;
	ck_assert_int_eq(ptable_map(&pt, 0x80700000, 0x1000, PAGE_SIZE, PROT_R), K_EEXIST);
	ck_assert_int_eq(ptable_map(&pt, 0x7ffff000, 0x1000, 2 * PAGE_SIZE, PROT_R), K_EEXIST);
	ck_assert_uint_eq(pt.table_pages, tables);
	/* The portable code cannot rebuild or split a large leaf: refused. */
	ck_assert_int_eq(ptable_protect(&pt, 0x80600000, 0x200000, PROT_R), K_EINVAL);
	ck_assert_int_eq(ptable_unmap(&pt, 0x80600000, PAGE_SIZE), K_EINVAL);
	ck_assert(ptable_translate(&pt, 0x80600000, &pa, &prot));
	ck_assert_uint_eq(prot, PROT_RX);
	/* Unmapping the whole leaf works, and frees the table that held it. */
	nflush = 0;
	ck_assert_int_eq(ptable_unmap(&pt, 0x80600000, 0x200000), K_OK);
	expect_one_flush(0x80600000, 0x200000);
	ck_assert(!ptable_translate(&pt, 0x80600000, &pa, &prot));
	ck_assert_uint_eq(pt.table_pages, tables - 1);
	ck_assert_uint_eq(nlive, tables - 1);
}
END_TEST

START_TEST(test_random_against_model)
{
	enum { WINDOW = 1536, OPS = 3000 };
	const vaddr_t base = 0x3ff00000;   /* straddles a 1 GiB boundary */
	static paddr_t model_pa[WINDOW];   /* 0 = unmapped */
	static unsigned model_prot[WINDOW];
	memset(model_pa, 0, sizeof(model_pa));
	srand(99);
	for (int op = 0; op < OPS; op++) {
		size_t first = (size_t)rand() % WINDOW;
		size_t n = 1 + (size_t)rand() % MIN((size_t)64, WINDOW - first);
		vaddr_t va = base + first * PAGE_SIZE;
		bool any = false;
		for (size_t i = 0; i < n; i++)
			any |= model_pa[first + i] != 0;
		int kind = rand() % 3;
		if (kind == 0) {
			paddr_t pa = 0x100000000ULL + (paddr_t)op * 0x100000;
			unsigned prot = rand() % 2 ? PROT_RW : PROT_RX;
			int rc = ptable_map(&pt, va, pa, n * PAGE_SIZE, prot);
			ck_assert_int_eq(rc, any ? K_EEXIST : K_OK);
			for (size_t i = 0; rc == K_OK && i < n; i++) {
				model_pa[first + i] = pa + i * PAGE_SIZE;
				model_prot[first + i] = prot;
			}
		} else if (kind == 1) {
			ck_assert_int_eq(ptable_unmap(&pt, va, n * PAGE_SIZE), K_OK);
			memset(&model_pa[first], 0, n * sizeof(model_pa[0]));
		} else {
			int rc = ptable_protect(&pt, va, n * PAGE_SIZE, PROT_R);
			ck_assert_int_eq(rc, any ? K_OK : K_ENOENT);
			for (size_t i = 0; i < n; i++)
				model_prot[first + i] = PROT_R;
		}
		nflush = 0;
		if (op % 50 == 0)
			for (size_t i = 0; i < WINDOW; i++)
				expect_range(base + i * PAGE_SIZE, PAGE_SIZE,
					     model_pa[i] ? model_pa[i] : PADDR_NONE, model_prot[i]);
	}
	ck_assert_int_eq(ptable_unmap(&pt, base, WINDOW * PAGE_SIZE), K_OK);
	ck_assert_uint_eq(pt.table_pages, 1);
	ck_assert_uint_eq(nlive, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ptable");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_map_translate_unmap);
	tcase_add_test(tc, test_prot_round_trip);
	tcase_add_test(tc, test_boundaries_and_high_half);
	tcase_add_test(tc, test_exist_all_or_nothing);
	tcase_add_test(tc, test_enomem_rollback);
	tcase_add_test(tc, test_unmap_holes_and_partial);
	tcase_add_test(tc, test_protect);
	tcase_add_test(tc, test_bad_arguments);
	tcase_add_test(tc, test_large_leaves);
	tcase_add_test(tc, test_random_against_model);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
