/* Host tests of the split virtqueue bookkeeping (virtio/core/virtqueue.c)
 * against the simulated device of virtio/core/vq_sim.c. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <kern/errno.h>
#include "virtio/virtqueue.h"
#include "virtio/core/vq_sim.h"

static struct virtqueue vq;
static struct vq_sim sim;
static void *ring_mem;
static unsigned notifies;

static void count_notify(struct virtqueue *q)
{
	ck_assert_ptr_eq(q, &vq);
	notifies++;
}

static void setup_queue(unsigned size)
{
	size_t bytes = ALIGN_UP(vq_mem_size(size), 64);
	ring_mem = aligned_alloc(64, bytes);
	ck_assert_ptr_nonnull(ring_mem);
	memset(ring_mem, 0xa5, bytes);   /* vq_init must clear what it uses */
	ck_assert_int_eq(vq_init(&vq, 3, size, ring_mem, count_notify, NULL), 0);
	vq_sim_attach(&sim, &vq);
	notifies = 0;
}

static void teardown_queue(void)
{
	free(ring_mem);
	ring_mem = NULL;
}

static struct vq_sg sg_of(void *buf, uint32_t len)
{
	return (struct vq_sg){ (paddr_t)(uintptr_t)buf, len };
}

/* Check's ck_assert records every passing check through a pipe; in loops of
 * 10^5 steps that is the whole run time (and minutes under valgrind), so hot
 * loops use this one, which costs nothing when it passes. */
#define LOOP_EQ(a, b) do { \
	unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
	if (a_ != b_) \
		ck_abort_msg("%s == %s failed: %llu != %llu", #a, #b, a_, b_); \
} while (0)

/* Cookies are just distinct non-NULL pointers. */
static char cookie_base[1 << 16];
#define COOKIE(n) ((void *)&cookie_base[(n) & 0xffff])

START_TEST(init_rejects_bad_sizes)
{
	static char mem[4096] __attribute__((aligned(64)));
	struct virtqueue q;
	ck_assert_int_eq(vq_init(&q, 0, 0, mem, count_notify, NULL), K_EINVAL);
	ck_assert_int_eq(vq_init(&q, 0, 3, mem, count_notify, NULL), K_EINVAL);
	ck_assert_int_eq(vq_init(&q, 0, 65536, mem, count_notify, NULL), K_EINVAL);
	ck_assert_int_eq(vq_init(&q, 0, 4, mem + 1, count_notify, NULL), K_EINVAL);
	ck_assert_int_eq(vq_init(&q, 0, 4, mem, NULL, NULL), K_EINVAL);
	ck_assert_int_eq(vq_init(&q, 0, 4, NULL, count_notify, NULL), K_EINVAL);
	ck_assert_uint_le(vq_mem_size(16), sizeof(mem));
	ck_assert_int_eq(vq_init(&q, 0, 16, mem, count_notify, NULL), 0);
	ck_assert_uint_eq(vq_num_free(&q), 16);
}
END_TEST

START_TEST(layout_is_aligned_and_disjoint)
{
	static const unsigned sizes[] = { 1, 2, 8, 128, 256, 1024, 32768 };
	for (unsigned k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		unsigned n = sizes[k];
		setup_queue(n);
		uintptr_t base = (uintptr_t)ring_mem, end = base + vq_mem_size(n);
		uintptr_t d = (uintptr_t)vq.desc, a = (uintptr_t)vq.avail, u = (uintptr_t)vq.used;
		ck_assert_uint_eq(d % 16, 0);
		ck_assert_uint_eq(a % 2, 0);
		ck_assert_uint_eq(u % 4, 0);
		ck_assert_uint_ge(a, d + 16 * n);
		ck_assert_uint_ge(u, a + 4 + 2 * n + 2);
		ck_assert_uint_le(u + 4 + 8 * n + 2, (uintptr_t)vq.slots);
		ck_assert_uint_le((uintptr_t)vq.slots, end);
		ck_assert_uint_eq(vq.avail->idx, 0);
		ck_assert_uint_eq(vq.used->idx, 0);
		ck_assert_uint_eq(vq.avail->flags, 0);
		ck_assert_uint_eq(vq_num_free(&vq), n);
		ck_assert(!vq_has_used(&vq));
		teardown_queue();
	}
}
END_TEST

START_TEST(chain_round_trip)
{
	char hdr[4] = "HDR:", body[6] = "hello!", reply[16];
	struct vq_sg sg[3] = { sg_of(hdr, 4), sg_of(body, 6), sg_of(reply, sizeof(reply)) };
	struct vq_sim_req req;
	char got[32];
	void *cookie;
	uint32_t len;

	setup_queue(8);
	ck_assert_int_eq(vq_get_used(&vq, &cookie, &len), K_ENOENT);
	ck_assert_int_eq(vq_add(&vq, sg, 2, 1, COOKIE(7)), 0);
	ck_assert_uint_eq(vq_num_free(&vq), 5);
	ck_assert_uint_eq(vq.avail->idx, 1);

	ck_assert_int_eq(vq_sim_pop(&sim, &req), 0);
	ck_assert_uint_eq(req.nout, 2);
	ck_assert_uint_eq(req.nin, 1);
	ck_assert_uint_eq(req.out_len, 10);
	ck_assert_uint_eq(req.in_len, 16);
	ck_assert_uint_eq(vq_sim_read(&sim, &req, got, sizeof(got)), 10);
	ck_assert_mem_eq(got, "HDR:hello!", 10);
	ck_assert_uint_eq(vq_sim_write(&sim, &req, "world", 5), 5);
	ck_assert_int_eq(vq_sim_pop(&sim, &req), K_ENOENT);
	ck_assert(!vq_has_used(&vq));
	vq_sim_push(&sim, req.head, 5);

	ck_assert(vq_has_used(&vq));
	ck_assert_int_eq(vq_get_used(&vq, &cookie, &len), 0);
	ck_assert_ptr_eq(cookie, COOKIE(7));
	ck_assert_uint_eq(len, 5);
	ck_assert_mem_eq(reply, "world", 5);
	ck_assert_uint_eq(vq_num_free(&vq), 8);
	ck_assert_int_eq(vq_get_used(&vq, &cookie, &len), K_ENOENT);
	teardown_queue();
}
END_TEST

START_TEST(full_queue_reports_enospc)
{
	char buf[8];
	struct vq_sg sg[9];
	struct vq_sim_req req;
	void *cookie;
	uint32_t len;

	for (int i = 0; i < 9; i++)
		sg[i] = sg_of(buf, sizeof(buf));
	setup_queue(8);
	ck_assert_int_eq(vq_add(&vq, sg, 9, 0, COOKIE(1)), K_EINVAL);  /* never fits */
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(vq_add(&vq, sg, 1, 1, COOKIE(i + 1)), 0);
	ck_assert_uint_eq(vq_num_free(&vq), 0);
	ck_assert_int_eq(vq_add(&vq, sg, 1, 0, COOKIE(9)), K_ENOSPC);
	ck_assert_uint_eq(vq.avail->idx, 4);   /* the refused chain was not published */

	/* One completion frees exactly two descriptors. */
	ck_assert_int_eq(vq_sim_pop(&sim, &req), 0);
	vq_sim_push(&sim, req.head, 0);
	ck_assert_int_eq(vq_get_used(&vq, &cookie, &len), 0);
	ck_assert_ptr_eq(cookie, COOKIE(1));
	ck_assert_uint_eq(vq_num_free(&vq), 2);
	ck_assert_int_eq(vq_add(&vq, sg, 3, 0, COOKIE(9)), K_ENOSPC);
	ck_assert_int_eq(vq_add(&vq, sg, 2, 0, COOKIE(9)), 0);
	ck_assert_int_eq(vq_add(&vq, sg, 1, 0, COOKIE(10)), K_ENOSPC);
	teardown_queue();
}
END_TEST

START_TEST(bad_arguments_are_refused)
{
	char buf[4];
	struct vq_sg sg[2] = { sg_of(buf, 4), sg_of(buf, 0) };
	setup_queue(4);
	ck_assert_int_eq(vq_add(&vq, sg, 1, 0, NULL), K_EINVAL);
	ck_assert_int_eq(vq_add(&vq, sg, 0, 0, COOKIE(1)), K_EINVAL);
	ck_assert_int_eq(vq_add(&vq, sg, 2, 0, COOKIE(1)), K_EINVAL);   /* zero length */
	ck_assert_int_eq(vq_add(&vq, sg, 1u << 31, 1u << 31, COOKIE(1)), K_EINVAL);
	ck_assert_uint_eq(vq_num_free(&vq), 4);
	ck_assert_uint_eq(vq.avail->idx, 0);
	teardown_queue();
}
END_TEST

START_TEST(out_of_order_completion_restores_free_list)
{
	static const unsigned ndesc[4] = { 1, 2, 3, 2 };   /* fills all 8 */
	static const unsigned order[4] = { 2, 0, 3, 1 };
	char buf[64];
	struct vq_sg sg[8];
	struct vq_sim_req req[4];
	void *cookie;
	uint32_t len;

	for (int i = 0; i < 8; i++)
		sg[i] = sg_of(buf + 8 * i, 8);
	setup_queue(8);
	for (int c = 0; c < 4; c++)
		ck_assert_int_eq(vq_add(&vq, sg, 1, ndesc[c] - 1, COOKIE(100 + c)), 0);
	ck_assert_uint_eq(vq_num_free(&vq), 0);
	for (int c = 0; c < 4; c++) {
		ck_assert_int_eq(vq_sim_pop(&sim, &req[c]), 0);
		ck_assert_uint_eq(req[c].nout + req[c].nin, ndesc[c]);
	}
	for (int k = 0; k < 4; k++)
		vq_sim_push(&sim, req[order[k]].head, 8 * (ndesc[order[k]] - 1));
	for (int k = 0; k < 4; k++) {
		unsigned c = order[k];
		ck_assert_int_eq(vq_get_used(&vq, &cookie, &len), 0);
		ck_assert_ptr_eq(cookie, COOKIE(100 + c));
		ck_assert_uint_eq(len, 8 * (ndesc[c] - 1));
	}
	ck_assert_uint_eq(vq_num_free(&vq), 8);
	/* The recovered list must hold every descriptor exactly once: one chain
	 * of all 8 fits and the device sees 8 distinct descriptors. */
	ck_assert_int_eq(vq_add(&vq, sg, 4, 4, COOKIE(200)), 0);
	ck_assert_int_eq(vq_sim_pop(&sim, &req[0]), 0);
	ck_assert_uint_eq(req[0].nout, 4);
	ck_assert_uint_eq(req[0].nin, 4);
	unsigned seen = 0;
	for (uint16_t i = req[0].head, n = 0; n < 8; n++) {
		ck_assert_uint_lt(i, 8);
		ck_assert(!(seen & (1u << i)));
		seen |= 1u << i;
		i = vq.desc[i].next;
	}
	ck_assert_uint_eq(seen, 0xff);
	teardown_queue();
}
END_TEST

/* A long random run: chains of random shape, completed in random order, with
 * random written lengths, over more than 65536 operations so both 16-bit
 * ring indices wrap several times. */
START_TEST(random_traffic_wraps_indices)
{
	enum { QSIZE = 16, OPS = 400000 };
	struct outstanding { uint16_t head; unsigned tag, ndesc, nin; } out[QSIZE];
	unsigned npending = 0, busy = 0, next_tag = 1, completed = 0, added = 0;
	uint32_t rng = 12345;
	uint8_t bufs[4][4];
	struct vq_sg sg[4];

	setup_queue(QSIZE);
	for (int i = 0; i < 4; i++)
		sg[i] = sg_of(bufs[i], 4);
	for (unsigned op = 0; op < OPS; op++) {
		rng = rng * 1103515245u + 12345u;
		unsigned r = rng >> 8;
		if (r % 3 != 0) {
			/* add a chain of 1..4 descriptors, readable ones first */
			unsigned n = 1 + r % 4, nin = (r >> 4) % (n + 1), nout = n - nin;
			int err = vq_add(&vq, sg, nout, nin, COOKIE(next_tag));
			if (n > QSIZE - busy) {
				LOOP_EQ(err, K_ENOSPC);
				continue;
			}
			LOOP_EQ(err, 0);
			struct vq_sim_req req;
			LOOP_EQ(vq_sim_pop(&sim, &req), 0);
			LOOP_EQ(req.nout, nout);
			LOOP_EQ(req.nin, nin);
			out[npending++] = (struct outstanding){ req.head, next_tag, n, nin };
			busy += n;
			next_tag++;
			added++;
		} else if (npending) {
			/* complete a random outstanding chain */
			unsigned k = (r >> 3) % npending;
			struct outstanding o = out[k];
			out[k] = out[--npending];
			busy -= o.ndesc;
			uint32_t written = o.nin ? (r >> 5) % (4 * o.nin + 1) : 0;
			vq_sim_push(&sim, o.head, written);
			void *cookie;
			uint32_t len;
			LOOP_EQ(vq_get_used(&vq, &cookie, &len), 0);
			LOOP_EQ(cookie, COOKIE(o.tag));
			LOOP_EQ(len, written);
			completed++;
		}
		LOOP_EQ(vq_num_free(&vq), QSIZE - busy);
	}
	ck_assert_uint_gt(added, 2 * 65536);
	ck_assert_uint_gt(completed, 65536);
	ck_assert_uint_eq(vq.avail->idx, (uint16_t)added);
	ck_assert_uint_eq(vq.used->idx, (uint16_t)completed);
	teardown_queue();
}
END_TEST

/* Strict FIFO traffic at full depth, past the 16-bit wrap, on the smallest
 * queue: the ring slot index (idx & mask) and the free list must stay in
 * step when every slot is reused tens of thousands of times. */
START_TEST(full_depth_fifo_wraps)
{
	enum { QSIZE = 2 };
	char b[2];
	struct vq_sg sg = sg_of(b, 1);
	struct vq_sim_req req;
	void *cookie;
	uint32_t len;
	unsigned tag = 0;

	setup_queue(QSIZE);
	ck_assert_int_eq(vq_add(&vq, &sg, 0, 1, COOKIE(tag++)), 0);
	ck_assert_int_eq(vq_add(&vq, &sg, 0, 1, COOKIE(tag++)), 0);
	for (unsigned i = 0; i < 70000; i++) {
		LOOP_EQ(vq_sim_pop(&sim, &req), 0);
		vq_sim_push(&sim, req.head, 1);
		LOOP_EQ(vq_get_used(&vq, &cookie, &len), 0);
		LOOP_EQ(cookie, COOKIE(i));
		LOOP_EQ(len, 1);
		LOOP_EQ(vq_add(&vq, &sg, 0, 1, COOKIE(tag++)), 0);
		LOOP_EQ(vq_add(&vq, &sg, 0, 1, COOKIE(tag)), K_ENOSPC);
	}
	ck_assert_uint_eq(vq.avail->idx, (uint16_t)70002);
	ck_assert_uint_eq(vq.used->idx, (uint16_t)70000);
	teardown_queue();
}
END_TEST

START_TEST(kick_honours_no_notify)
{
	char b[4];
	struct vq_sg sg = sg_of(b, 4);

	setup_queue(4);
	ck_assert(!vq_kick(&vq));            /* nothing added */
	ck_assert_uint_eq(notifies, 0);
	ck_assert_int_eq(vq_add(&vq, &sg, 1, 0, COOKIE(1)), 0);
	ck_assert_int_eq(vq_add(&vq, &sg, 1, 0, COOKIE(2)), 0);
	ck_assert(vq_kick(&vq));             /* one notify covers both */
	ck_assert_uint_eq(notifies, 1);
	ck_assert(!vq_kick(&vq));            /* nothing new since */
	ck_assert_uint_eq(notifies, 1);

	vq_sim_set_no_notify(&sim, true);
	ck_assert_int_eq(vq_add(&vq, &sg, 1, 0, COOKIE(3)), 0);
	ck_assert(!vq_kick(&vq));
	ck_assert_uint_eq(notifies, 1);
	ck_assert_uint_eq(vq_sim_pending(&sim), 3);   /* published all the same */

	vq_sim_set_no_notify(&sim, false);
	ck_assert(!vq_kick(&vq));            /* that chain's kick was dropped, not owed */
	ck_assert_int_eq(vq_add(&vq, &sg, 1, 0, COOKIE(4)), 0);
	ck_assert(vq_kick(&vq));
	ck_assert_uint_eq(notifies, 2);
	teardown_queue();
}
END_TEST

START_TEST(interrupt_suppression_flags)
{
	char b[4];
	struct vq_sg sg = sg_of(b, 4);
	struct vq_sim_req req;

	setup_queue(4);
	ck_assert(vq_sim_interrupt_wanted(&sim));
	vq_disable_interrupts(&vq);
	ck_assert(!vq_sim_interrupt_wanted(&sim));
	ck_assert(!vq_enable_interrupts(&vq));   /* nothing arrived meanwhile */
	ck_assert(vq_sim_interrupt_wanted(&sim));

	/* A completion while suppressed must be reported by the re-enable. */
	vq_disable_interrupts(&vq);
	ck_assert_int_eq(vq_add(&vq, &sg, 0, 1, COOKIE(1)), 0);
	ck_assert_int_eq(vq_sim_pop(&sim, &req), 0);
	vq_sim_push(&sim, req.head, 2);
	ck_assert(!vq_sim_interrupt_wanted(&sim));
	ck_assert(vq_enable_interrupts(&vq));
	ck_assert(vq_sim_interrupt_wanted(&sim));
	/* Suppression leaves the avail ring itself alone. */
	ck_assert_uint_eq(vq.avail->idx, 1);
	teardown_queue();
}
END_TEST

START_TEST(bad_used_entries_are_skipped)
{
	char b[8];
	struct vq_sg sg[2] = { sg_of(b, 4), sg_of(b + 4, 4) };
	struct vq_sim_req req;
	void *cookie;
	uint32_t len;

	setup_queue(4);
	ck_assert_int_eq(vq_add(&vq, sg, 1, 1, COOKIE(5)), 0);
	ck_assert_int_eq(vq_sim_pop(&sim, &req), 0);
	vq_sim_push(&sim, 4 + 3, 0);              /* out of range */
	vq_sim_push(&sim, (req.head + 1) % 4, 0); /* not a chain head */
	vq_sim_push(&sim, req.head, 1000);        /* overstated length */
	vq_sim_push(&sim, req.head, 1);           /* completed twice */
	ck_assert_int_eq(vq_get_used(&vq, &cookie, &len), K_EIO);
	ck_assert_int_eq(vq_get_used(&vq, &cookie, &len), K_EIO);
	ck_assert_int_eq(vq_get_used(&vq, &cookie, &len), 0);
	ck_assert_ptr_eq(cookie, COOKIE(5));
	ck_assert_uint_eq(len, 4);                /* clamped to the writable part */
	ck_assert_int_eq(vq_get_used(&vq, &cookie, &len), K_EIO);
	ck_assert_int_eq(vq_get_used(&vq, &cookie, &len), K_ENOENT);
	ck_assert_uint_eq(vq_num_free(&vq), 4);   /* no double give-back */
	teardown_queue();
}
END_TEST

START_TEST(device_sees_valid_chains)
{
	/* The simulated device rejects malformed chains: check it does, so
	 * that its acceptance of ours above means something. */
	char b[4];
	struct vq_sg sg[2] = { sg_of(b, 2), sg_of(b + 2, 2) };
	struct vq_sim_req req;

	setup_queue(4);
	ck_assert_int_eq(vq_add(&vq, sg, 1, 1, COOKIE(1)), 0);
	vq.desc[vq.avail->ring[0]].flags = VRING_DESC_F_WRITE | VRING_DESC_F_NEXT;
	vq.desc[vq.desc[vq.avail->ring[0]].next].flags = 0;  /* readable after writable */
	ck_assert_int_eq(vq_sim_pop(&sim, &req), K_EIO);
	ck_assert_int_eq(vq_add(&vq, sg, 2, 0, COOKIE(2)), 0);
	uint16_t h = vq.avail->ring[1];
	vq.desc[vq.desc[h].next].flags |= VRING_DESC_F_NEXT;
	vq.desc[vq.desc[h].next].next = h;                   /* a loop */
	ck_assert_int_eq(vq_sim_pop(&sim, &req), K_EIO);
	teardown_queue();
}
END_TEST

static Suite *virtqueue_suite(void)
{
	Suite *s = suite_create("virtqueue");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, init_rejects_bad_sizes);
	tcase_add_test(tc, layout_is_aligned_and_disjoint);
	tcase_add_test(tc, chain_round_trip);
	tcase_add_test(tc, full_queue_reports_enospc);
	tcase_add_test(tc, bad_arguments_are_refused);
	tcase_add_test(tc, out_of_order_completion_restores_free_list);
	tcase_add_test(tc, random_traffic_wraps_indices);
	tcase_add_test(tc, full_depth_fifo_wraps);
	tcase_add_test(tc, kick_honours_no_notify);
	tcase_add_test(tc, interrupt_suppression_flags);
	tcase_add_test(tc, bad_used_entries_are_skipped);
	tcase_add_test(tc, device_sees_valid_chains);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(virtqueue_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
