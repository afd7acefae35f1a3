/* Host tests for message copy-in and copy-out (src/ipc/kmsg.c): the exact
 * MACH_SEND_* code for every kind of malformed header and body, what an
 * error leaves in the sender's space, right transfer of every disposition
 * in the body, the header swap on receive, protected payloads, and no
 * leaked ports or memory.  Out-of-line data is test_kmsg_ool.c's. */
#include "kmsg_fixture.h"

START_TEST(test_sizes)
{
	ck_assert_ptr_null(ipc_kmsg_alloc(24));
	ck_assert_ptr_null(ipc_kmsg_alloc(36));
	ck_assert_ptr_null(ipc_kmsg_alloc(IPC_KMSG_MAX_SIZE + 8));
	ck_assert_uint_ge(IPC_KMSG_MAX_SIZE, 8192);
	struct ipc_kmsg *k = ipc_kmsg_alloc(IPC_KMSG_MAX_SIZE);
	ck_assert_ptr_nonnull(k);
	/* Big ones are pages; every byte is usable. */
	ck_assert_uint_eq(live_pages, 4);
	memset(k->msg.bytes, 0x5a, IPC_KMSG_MAX_SIZE);
	ipc_kmsg_free(k);
	ck_assert_uint_eq(live_pages, 0);
	k = ipc_kmsg_alloc(8192);
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->size, 8192);
	ipc_kmsg_free(k);
	/* Small ones stay kmalloc blocks. */
	k = ipc_kmsg_alloc(KMALLOC_MAX - 64);
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(live_pages, 0);
	ipc_kmsg_free(k);
	finish();
}
END_TEST

START_TEST(test_header_errors_leave_space)
{
	mach_port_name_t p = new_port(A), q = new_port(A);
	ck_assert_int_eq(ipc_space_insert_right(A, q, A, q, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	struct { uint32_t bits; mach_port_name_t remote, local; mach_msg_return_t want; } cases[] = {
		{ MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | 0x00100000, p, 0,
		  MACH_SEND_INVALID_HEADER },
		{ MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | 0x40000000, p, 0,
		  MACH_SEND_INVALID_HEADER },
		{ MACH_MSGH_BITS(0, 0), p, 0, MACH_SEND_INVALID_HEADER },
		{ MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_RECEIVE, 0), p, 0, MACH_SEND_INVALID_HEADER },
		{ MACH_MSGH_BITS(22, 0), p, 0, MACH_SEND_INVALID_HEADER },
		{ MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MOVE_RECEIVE), p, q,
		  MACH_SEND_INVALID_HEADER },
		{ MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), p, q, MACH_SEND_INVALID_HEADER },
		{ MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), MACH_PORT_NULL, 0,
		  MACH_SEND_INVALID_DEST },
		{ MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), MACH_PORT_DEAD, 0,
		  MACH_SEND_INVALID_DEST },
		{ MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), 0x777, 0, MACH_SEND_INVALID_DEST },
		{ MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), p, 0, MACH_SEND_INVALID_DEST },
		{ MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0), q, 0, MACH_SEND_INVALID_DEST },
		{ MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_MOVE_SEND), q, 0x777,
		  MACH_SEND_INVALID_REPLY },
		{ MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_COPY_SEND), q, p,
		  MACH_SEND_INVALID_REPLY },
		/* The one send right moved as destination cannot be the reply too. */
		{ MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_MOVE_SEND), q, q,
		  MACH_SEND_INVALID_REPLY },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ipc_kmsg *k = msg(48, cases[i].bits, cases[i].remote, cases[i].local);
		ck_assert_msg(ipc_kmsg_copyin(A, k) == cases[i].want, "case %zu", i);
		ipc_kmsg_free(k);
		ck_assert_uint_eq(type_of(A, p), MACH_PORT_TYPE_RECEIVE);
		ck_assert_uint_eq(type_of(A, q), MACH_PORT_TYPE_SEND_RECEIVE);
		ck_assert_uint_eq(send_refs(A, q), 1);
	}
	/* Upper halves of the name slots are ignored. */
	struct ipc_kmsg *k = msg(32, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), p, 0);
	k->msg.hdr.msgh_remote_slot |= 0xabcd00000000ull;
	ck_assert_int_eq(ipc_kmsg_copyin(A, k), MACH_MSG_SUCCESS);
	ipc_kmsg_destroy(k);
	finish();
}
END_TEST

/* Header swap on receive, and the reply right in the receiver's space. */
START_TEST(test_copyout_swaps_header)
{
	mach_port_name_t service = new_port(B), reply = new_port(A);
	struct ipc_port *sp;
	mach_port_name_t to_service;
	ck_assert_int_eq(ipc_right_copyin(B, service, MACH_MSG_TYPE_MAKE_SEND, false, &sp),
			 KERN_SUCCESS);
	ck_assert_int_eq(ipc_right_copyout(A, sp, MACH_MSG_TYPE_PORT_SEND, false, &to_service),
			 KERN_SUCCESS);

	struct ipc_kmsg *k = msg(32, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND,
						    MACH_MSG_TYPE_MAKE_SEND_ONCE),
				 to_service, reply);
	ck_assert_int_eq(ipc_kmsg_copyin(A, k), MACH_MSG_SUCCESS);
	ck_assert_ptr_eq(ipc_kmsg_dest(k), sp);
	ck_assert_uint_eq(k->msg.hdr.msgh_bits, MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND,
							      MACH_MSG_TYPE_PORT_SEND_ONCE));
	ck_assert_int_eq(ipc_kmsg_copyout(B, k, false), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(k->msg.hdr.msgh_bits, MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE,
							      MACH_MSG_TYPE_PORT_SEND));
	ck_assert_uint_eq(k->msg.hdr.msgh_local_port, service);
	ck_assert_uint_eq(k->msg.hdr.msgh_remote_slot >> 32, 0);
	mach_port_name_t sonce = k->msg.hdr.msgh_remote_port;
	ck_assert_uint_eq(type_of(B, sonce), MACH_PORT_TYPE_SEND_ONCE);
	ck_assert_uint_eq(sp->srights, 1);   /* A's, not the message's */
	ipc_kmsg_free(k);

	/* A protected payload replaces the local name. */
	ck_assert_int_eq(ipc_space_set_protected_payload(B, service, 0x1122334455667788ull),
			 KERN_SUCCESS);
	k = msg(32, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), to_service, 0);
	ck_assert_int_eq(ipc_kmsg_copyin(A, k), MACH_MSG_SUCCESS);
	ck_assert_int_eq(ipc_kmsg_copyout(B, k, false), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(MACH_MSGH_BITS_LOCAL(k->msg.hdr.msgh_bits),
			  MACH_MSG_TYPE_PROTECTED_PAYLOAD);
	ck_assert_uint_eq(k->msg.hdr.msgh_protected_payload, 0x1122334455667788ull);
	ipc_kmsg_free(k);
	finish();
}
END_TEST

/* Every disposition in the body, from A to B. */
START_TEST(test_body_dispositions)
{
	mach_port_name_t dest = new_port(B);
	struct ipc_port *dp;
	mach_port_name_t to_dest;
	ck_assert_int_eq(ipc_right_copyin(B, dest, MACH_MSG_TYPE_MAKE_SEND, false, &dp),
			 KERN_SUCCESS);
	ck_assert_int_eq(ipc_right_copyout(A, dp, MACH_MSG_TYPE_PORT_SEND, false, &to_dest),
			 KERN_SUCCESS);
	mach_port_name_t r1 = new_port(A), r2 = new_port(A), r3 = new_port(A);
	ck_assert_int_eq(ipc_space_insert_right(A, r2, A, r2, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_insert_right(A, r2, A, r2, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	struct ipc_port *so;
	mach_port_name_t sonce;
	ck_assert_int_eq(ipc_right_copyin(A, r3, MACH_MSG_TYPE_MAKE_SEND_ONCE, false, &so),
			 KERN_SUCCESS);
	ck_assert_int_eq(ipc_right_copyout(A, so, MACH_MSG_TYPE_PORT_SEND_ONCE, false, &sonce),
			 KERN_SUCCESS);

	static const struct { uint32_t disp; int which; mach_port_type_t in_b; } d[] = {
		{ MACH_MSG_TYPE_MOVE_RECEIVE, 1, MACH_PORT_TYPE_RECEIVE },
		{ MACH_MSG_TYPE_COPY_SEND, 2, MACH_PORT_TYPE_SEND },
		{ MACH_MSG_TYPE_MOVE_SEND, 2, MACH_PORT_TYPE_SEND },
		{ MACH_MSG_TYPE_MAKE_SEND, 3, MACH_PORT_TYPE_SEND },
		{ MACH_MSG_TYPE_MAKE_SEND_ONCE, 3, MACH_PORT_TYPE_SEND_ONCE },
		{ MACH_MSG_TYPE_MOVE_SEND_ONCE, 4, MACH_PORT_TYPE_SEND_ONCE },
	};
	mach_port_name_t names[] = { 0, r1, r2, r3, sonce };
	uint32_t n = sizeof(d) / sizeof(d[0]);
	/* Each in its own descriptor, plus one of PORT_NAME data and NULL/DEAD. */
	uint32_t size = 32 + n * 16 + 16 + 24;
	struct ipc_kmsg *k = msg(size, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) |
				       MACH_MSGH_BITS_COMPLEX, to_dest, 0);
	uint32_t off = 32;
	for (uint32_t i = 0; i < n; i++, off += 16) {
		desc(k, off)->word = MSGT_WORD(d[i].disp, 64, true);
		desc(k, off)->number = 1;
		*word(k, off + 8) = names[d[i].which];
	}
	desc(k, off)->word = MSGT_WORD(MACH_MSG_TYPE_PORT_NAME, 32, true);
	desc(k, off)->number = 1;
	*word(k, off + 8) = 0x4444;
	off += 16;
	desc(k, off)->word = MSGT_WORD(MACH_MSG_TYPE_COPY_SEND, 64, true);
	desc(k, off)->number = 2;
	*word(k, off + 8) = MACH_PORT_NULL;
	*word(k, off + 16) = MACH_PORT_DEAD;

	ck_assert_int_eq(ipc_kmsg_copyin(A, k), MACH_MSG_SUCCESS);
	/* In A: r1's receive right left; r2 lost one of its two urefs; the
	 * send-once right was moved. */
	ck_assert_uint_eq(type_of(A, r1), 0);
	ck_assert_uint_eq(send_refs(A, r2), 1);
	ck_assert_uint_eq(type_of(A, sonce), 0);
	ck_assert_int_eq(ipc_kmsg_copyout(B, k, false), MACH_MSG_SUCCESS);
	off = 32;
	for (uint32_t i = 0; i < n; i++, off += 16) {
		ck_assert_uint_eq(MSGT_NAME(desc(k, off)->word), ipc_right_transit_type(d[i].disp));
		mach_port_name_t got = (mach_port_name_t)*word(k, off + 8);
		ck_assert_uint_eq(*word(k, off + 8) >> 32, 0);
		ck_assert_msg(type_of(B, got) & d[i].in_b, "disposition %u", d[i].disp);
	}
	ck_assert_uint_eq(*word(k, off + 8), 0x4444);
	off += 16;
	ck_assert_uint_eq(*word(k, off + 8), MACH_PORT_NULL);
	ck_assert_uint_eq(*word(k, off + 16), MACH_PORT_DEAD);
	ipc_kmsg_free(k);
	finish();
}
END_TEST

/* Body errors: the exact code, the rights taken so far destroyed, the
 * header's too. */
START_TEST(test_body_errors)
{
	mach_port_name_t p = new_port(A), q = new_port(A);
	ck_assert_int_eq(ipc_space_insert_right(A, p, A, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	struct ipc_port *port_q = (struct ipc_port *)ipc_entry_lookup(A, q)->object;

	struct { uint32_t word, number; uint64_t a, b; uint32_t size; mach_msg_return_t want; }
	cases[] = {
		{ MSGT_WORD(MACH_MSG_TYPE_MAKE_SEND_ONCE, 64, true), 2, q, 0x777, 56,
		  MACH_SEND_INVALID_RIGHT },
		{ MSGT_WORD(MACH_MSG_TYPE_MAKE_SEND_ONCE, 64, true), 3, q, q, 56,
		  MACH_SEND_MSG_TOO_SMALL },
		{ MSGT_WORD(MACH_MSG_TYPE_MAKE_SEND, 32, true), 1, q, 0, 56,
		  MACH_SEND_INVALID_TYPE },
		{ MSGT_WORD(MACH_MSG_TYPE_MAKE_SEND, 64, false), 1, q, 0, 56,
		  MACH_SEND_INVALID_TYPE },
		{ MSGT_WORD(24, 8, true), 1, 0, 0, 56, MACH_SEND_INVALID_TYPE },
		{ MSGT_WORD(255, 8, true), 1, 0, 0, 56, MACH_SEND_INVALID_TYPE },
		{ MSGT_WORD(2, 32, true), 0x40000000, 0, 0, 56, MACH_SEND_MSG_TOO_SMALL },
		{ MSGT_WORD(2, 0xffff, true), 0xffffffff, 0, 0, 56, MACH_SEND_MSG_TOO_SMALL },
		{ MSGT_WORD(2, 32, true), 1, 0, 0, 36 + 4, MACH_SEND_MSG_TOO_SMALL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ipc_kmsg *k = msg(cases[i].size, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0) |
							MACH_MSGH_BITS_COMPLEX, p, 0);
		desc(k, 32)->word = cases[i].word;
		desc(k, 32)->number = cases[i].number;
		if (cases[i].size >= 56) {
			*word(k, 40) = cases[i].a;
			*word(k, 48) = cases[i].b;
		}
		ck_assert_uint_eq(send_refs(A, p), 1);
		ck_assert_msg(ipc_kmsg_copyin(A, k) == cases[i].want, "case %zu", i);
		ipc_kmsg_free(k);
		/* The moved destination right went with the message... */
		ck_assert_uint_eq(send_refs(A, p), 0);
		/* ...and the send-once right made before the bad one too. */
		ck_assert_uint_eq(port_q->sorights, 0);
		ck_assert_uint_eq(type_of(A, q), MACH_PORT_TYPE_RECEIVE);
		ck_assert_int_eq(ipc_space_insert_right(A, p, A, p, MACH_MSG_TYPE_MAKE_SEND),
				 KERN_SUCCESS);
	}
	/* Without the complex bit the body is plain data. */
	struct ipc_kmsg *k = msg(56, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), p, 0);
	desc(k, 32)->word = MSGT_WORD(255, 8, false);
	ck_assert_int_eq(ipc_kmsg_copyin(A, k), MACH_MSG_SUCCESS);
	ipc_kmsg_destroy(k);
	finish();
}
END_TEST

/* A message destroyed in transit kills the receive rights it carried and
 * gives back the counts of its send rights. */
START_TEST(test_destroy_in_transit)
{
	mach_port_name_t p = new_port(A), r = new_port(A);
	struct ipc_port *port_p = (struct ipc_port *)ipc_entry_lookup(A, p)->object;
	struct ipc_port *port_r = (struct ipc_port *)ipc_entry_lookup(A, r)->object;
	struct ipc_kmsg *k = msg(48, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND,
						    MACH_MSG_TYPE_MAKE_SEND_ONCE) |
				     MACH_MSGH_BITS_COMPLEX, p, p);
	desc(k, 32)->word = MSGT_WORD(MACH_MSG_TYPE_MOVE_RECEIVE, 64, true);
	desc(k, 32)->number = 1;
	*word(k, 40) = r;
	ck_assert_int_eq(ipc_kmsg_copyin(A, k), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(port_p->srights, 1);
	ck_assert_uint_eq(port_p->sorights, 1);
	ipc_port_reference(port_r);
	ipc_kmsg_destroy(k);
	ck_assert(!port_r->active);
	ipc_port_release(port_r);
	ck_assert_uint_eq(port_p->srights, 0);
	ck_assert_uint_eq(port_p->sorights, 0);
	finish();
}
END_TEST

/* A pseudo-receive gives the rights back under their names. */
START_TEST(test_pseudo_receive)
{
	mach_port_name_t p = new_port(A);
	ck_assert_int_eq(ipc_space_insert_right(A, p, A, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	struct ipc_kmsg *k = msg(32, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0), p, 0);
	ck_assert_int_eq(ipc_kmsg_copyin(A, k), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(send_refs(A, p), 0);
	ck_assert_int_eq(ipc_kmsg_copyout(A, k, true), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(send_refs(A, p), 1);
	ck_assert_uint_eq(k->msg.hdr.msgh_remote_port, p);
	ipc_kmsg_free(k);
	finish();
}
END_TEST

static Suite *kmsg_suite(void)
{
	Suite *s = suite_create("ipc_kmsg");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_header_errors_leave_space);
	tcase_add_test(tc, test_copyout_swaps_header);
	tcase_add_test(tc, test_body_dispositions);
	tcase_add_test(tc, test_body_errors);
	tcase_add_test(tc, test_destroy_in_transit);
	tcase_add_test(tc, test_pseudo_receive);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(kmsg_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
