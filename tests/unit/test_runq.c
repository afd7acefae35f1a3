/* Host tests for the scheduler's run queues (src/kern/runq.c): the most
 * urgent level always comes first, FIFO within a level, front insertion,
 * removal from the middle, the bitmap kept exact through all of it, and a
 * random workload checked against a simple model. */
#include <check.h>
#include <stdlib.h>
#include "src/kern/runq.h"

struct item {
	struct list link;
	unsigned prio;
	int id;
};

static struct item *item_of(struct list *n)
{
	return list_entry(n, struct item, link);
}

/* The bitmap says exactly which levels have entries, and count is their
 * total. */
static void check_consistent(const struct runq *rq)
{
	unsigned total = 0;
	for (unsigned p = 0; p < RUNQ_LEVELS; p++) {
		unsigned n = 0;
		list_foreach(it, &rq->queues[p])
			n++;
		ck_assert_msg(!!(rq->nonempty & (1u << p)) == (n > 0), "bitmap wrong at level %u", p);
		total += n;
	}
	ck_assert_uint_eq(rq->count, total);
}

START_TEST(test_empty)
{
	struct runq rq;
	runq_init(&rq);
	ck_assert_int_eq(runq_best(&rq), -1);
	unsigned prio = 99;
	ck_assert_ptr_null(runq_pop(&rq, &prio));
	ck_assert_uint_eq(prio, 99);
	ck_assert_uint_eq(rq.count, 0);
	check_consistent(&rq);
}
END_TEST

START_TEST(test_most_urgent_first)
{
	struct runq rq;
	runq_init(&rq);
	static const unsigned prios[] = { 16, 31, 0, 8, 16, 30, 1 };
	struct item items[7];
	for (int i = 0; i < 7; i++) {
		items[i] = (struct item){ .prio = prios[i], .id = i };
		runq_push_back(&rq, &items[i].link, prios[i]);
		check_consistent(&rq);
	}
	ck_assert_int_eq(runq_best(&rq), 0);
	/* 0, 1, 8, 16 (id 0, then id 4: FIFO), 30, 31 */
	static const int want[] = { 2, 6, 3, 0, 4, 5, 1 };
	for (int i = 0; i < 7; i++) {
		unsigned prio;
		struct list *n = runq_pop(&rq, &prio);
		ck_assert_ptr_nonnull(n);
		ck_assert_int_eq(item_of(n)->id, want[i]);
		ck_assert_uint_eq(prio, item_of(n)->prio);
		check_consistent(&rq);
	}
	ck_assert_ptr_null(runq_pop(&rq, NULL));
}
END_TEST

START_TEST(test_round_robin_within_level)
{
	struct runq rq;
	runq_init(&rq);
	struct item items[4];
	for (int i = 0; i < 4; i++) {
		items[i] = (struct item){ .prio = 12, .id = i };
		runq_push_back(&rq, &items[i].link, 12);
	}
	/* Take the head and put it back at the tail, as a quantum expiry
	 * does: the order rotates. */
	for (int turn = 0; turn < 12; turn++) {
		struct list *n = runq_pop(&rq, NULL);
		ck_assert_int_eq(item_of(n)->id, turn % 4);
		runq_push_back(&rq, n, 12);
		check_consistent(&rq);
	}
}
END_TEST

START_TEST(test_front_goes_first)
{
	struct runq rq;
	runq_init(&rq);
	struct item a = { .id = 1 }, b = { .id = 2 }, c = { .id = 3 };
	runq_push_back(&rq, &a.link, 5);
	runq_push_back(&rq, &b.link, 5);
	runq_push_front(&rq, &c.link, 5);   /* a preempted thread resumes first */
	ck_assert_int_eq(item_of(runq_pop(&rq, NULL))->id, 3);
	ck_assert_int_eq(item_of(runq_pop(&rq, NULL))->id, 1);
	ck_assert_int_eq(item_of(runq_pop(&rq, NULL))->id, 2);
	check_consistent(&rq);
}
END_TEST

START_TEST(test_remove_keeps_bitmap)
{
	struct runq rq;
	runq_init(&rq);
	struct item a = { .id = 1 }, b = { .id = 2 }, c = { .id = 3 };
	runq_push_back(&rq, &a.link, 3);
	runq_push_back(&rq, &b.link, 3);
	runq_push_back(&rq, &c.link, 7);
	runq_remove(&rq, &a.link, 3);
	check_consistent(&rq);
	ck_assert_int_eq(runq_best(&rq), 3);
	runq_remove(&rq, &b.link, 3);
	check_consistent(&rq);
	ck_assert_int_eq(runq_best(&rq), 7);       /* level 3 emptied: its bit went */
	/* Moving c to another level, as a priority change does. */
	runq_remove(&rq, &c.link, 7);
	runq_push_back(&rq, &c.link, 31);
	check_consistent(&rq);
	ck_assert_int_eq(runq_best(&rq), 31);
	runq_remove(&rq, &c.link, 31);
	ck_assert_int_eq(runq_best(&rq), -1);
	ck_assert_uint_eq(rq.count, 0);
}
END_TEST

START_TEST(test_every_level)
{
	struct runq rq;
	runq_init(&rq);
	struct item items[RUNQ_LEVELS];
	for (int p = RUNQ_LEVELS - 1; p >= 0; p--) {
		items[p] = (struct item){ .prio = (unsigned)p, .id = p };
		runq_push_back(&rq, &items[p].link, (unsigned)p);
		ck_assert_int_eq(runq_best(&rq), p);
	}
	ck_assert_uint_eq(rq.nonempty, 0xffffffffu);
	for (int p = 0; p < RUNQ_LEVELS; p++)
		ck_assert_int_eq(item_of(runq_pop(&rq, NULL))->id, p);
	ck_assert_uint_eq(rq.nonempty, 0);
}
END_TEST

/* Random pushes, pops and removals against a model: per level, the ids
 * in order. */
#define MODEL_ITEMS 200
#define MODEL_DEPTH MODEL_ITEMS

static int model[RUNQ_LEVELS][MODEL_DEPTH];
static int model_len[RUNQ_LEVELS];

static void model_remove(unsigned p, int id)
{
	for (int i = 0; i < model_len[p]; i++)
		if (model[p][i] == id) {
			for (int j = i; j + 1 < model_len[p]; j++)
				model[p][j] = model[p][j + 1];
			model_len[p]--;
			return;
		}
	ck_abort_msg("model has no id %d at level %u", id, p);
}

START_TEST(test_random_against_model)
{
	srand(1234 + (unsigned)_i);
	struct runq rq;
	runq_init(&rq);
	struct item items[MODEL_ITEMS];
	bool queued[MODEL_ITEMS] = { false };
	for (unsigned p = 0; p < RUNQ_LEVELS; p++)
		model_len[p] = 0;
	for (int i = 0; i < MODEL_ITEMS; i++)
		items[i].id = i;

	for (int op = 0; op < 20000; op++) {
		int i = rand() % MODEL_ITEMS;
		int what = rand() % 4;
		if (!queued[i] && what < 2) {
			unsigned p = (unsigned)(rand() % RUNQ_LEVELS);
			items[i].prio = p;
			if (what == 0) {
				runq_push_back(&rq, &items[i].link, p);
				model[p][model_len[p]++] = i;
			} else {
				runq_push_front(&rq, &items[i].link, p);
				for (int j = model_len[p]; j > 0; j--)
					model[p][j] = model[p][j - 1];
				model[p][0] = i;
				model_len[p]++;
			}
			queued[i] = true;
		} else if (queued[i] && what == 2) {
			runq_remove(&rq, &items[i].link, items[i].prio);
			model_remove(items[i].prio, i);
			queued[i] = false;
		} else if (what == 3) {
			int want_level = -1;
			for (unsigned p = 0; p < RUNQ_LEVELS && want_level < 0; p++)
				if (model_len[p])
					want_level = (int)p;
			ck_assert_int_eq(runq_best(&rq), want_level);
			unsigned prio;
			struct list *n = runq_pop(&rq, &prio);
			if (want_level < 0) {
				ck_assert_ptr_null(n);
			} else {
				ck_assert_ptr_nonnull(n);
				ck_assert_uint_eq(prio, (unsigned)want_level);
				ck_assert_int_eq(item_of(n)->id, model[want_level][0]);
				model_remove((unsigned)want_level, item_of(n)->id);
				queued[item_of(n)->id] = false;
			}
		}
		if (op % 64 == 0)
			check_consistent(&rq);
	}
	check_consistent(&rq);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("runq");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_most_urgent_first);
	tcase_add_test(tc, test_round_robin_within_level);
	tcase_add_test(tc, test_front_goes_first);
	tcase_add_test(tc, test_remove_keeps_bitmap);
	tcase_add_test(tc, test_every_level);
	tcase_add_loop_test(tc, test_random_against_model, 0, 4);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
