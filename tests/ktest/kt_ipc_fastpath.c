/* Self-tests of the IPC fast path (ipc_mqueue_send_receive): an RPC
 * between two threads whose server is already waiting goes by direct
 * hand-off (the scheduler counts it) and keeps the slow path's results:
 * sequence numbers, the reply right, the header swap, MACH_RCV_TOO_LARGE
 * for a receiver without room (no hand-off then). */
#include <ipc/mach_msg.h>
#include <ipc/right.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include "kt_threads.h"

struct msg_int {
	mach_msg_header_t h;
	mach_msg_type_t t;
	int32_t value, pad;
};

static mach_msg_return_t kcall(struct ipc_space *space, void *buf, mach_msg_option_t option,
			       uint32_t send_size, uint32_t rcv_size, mach_port_name_t rcv_name,
			       uint32_t timeout_ms)
{
	struct ipc_msg_buf b = { .user = false, .addr = (uintptr_t)buf };
	return ipc_mach_msg(space, b, option, send_size, rcv_size, rcv_name, timeout_ms, 0);
}

static uint64_t handoffs_now(void)
{
	struct sched_stats st;
	sched_stats(&st);
	return st.handoffs;
}

#define ROUNDS 20

/* The server: receive, answer value + 1 through the reply right and wait
 * for the next request in the same call, ROUNDS times. */
static struct {
	struct ipc_space *s;
	mach_port_name_t service;
	uint32_t rcv_size;
	mach_msg_return_t first, last;
	uint32_t seqno_bad;
	struct kt_group group;
} srv;

static void server(void *unused)
{
	struct msg_int m;
	memset(&m, 0, sizeof(m));
	srv.first = kcall(srv.s, &m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, srv.rcv_size, srv.service,
			  KT_PATIENCE_NS / NSEC_PER_MSEC);
	mach_msg_return_t mr = srv.first;
	for (uint32_t i = 0; mr == MACH_MSG_SUCCESS && i < ROUNDS; i++) {
		if (m.h.msgh_seqno != i)
			srv.seqno_bad++;
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(m.h.msgh_bits), 0);
		m.h.msgh_local_port = MACH_PORT_NULL;
		m.h.msgh_id += 100;
		m.value++;
		uint32_t n = i + 1 < ROUNDS ? sizeof(m) : 0;
		mr = kcall(srv.s, &m, MACH_SEND_MSG | (n ? MACH_RCV_MSG | MACH_RCV_TIMEOUT : 0),
			   sizeof(m), n, srv.service, KT_PATIENCE_NS / NSEC_PER_MSEC);
	}
	srv.last = mr;
	kt_group_done(&srv.group);
}

KTEST(ipc_fastpath_rpc)
{
	struct ipc_stats before;
	ipc_stats(&before);
	memset(&srv, 0, sizeof(srv));
	kt_group_init(&srv.group);
	srv.s = ipc_space_create();
	srv.rcv_size = sizeof(struct msg_int);
	KT_ASSERT(srv.s);
	mach_port_name_t reply = 0;
	KT_ASSERT(ipc_space_allocate(srv.s, MACH_PORT_RIGHT_RECEIVE, &srv.service) == KERN_SUCCESS);
	KT_ASSERT(ipc_space_allocate(srv.s, MACH_PORT_RIGHT_RECEIVE, &reply) == KERN_SUCCESS);
	KT_ASSERT(ipc_space_insert_right(srv.s, srv.service, srv.s, srv.service,
					 MACH_MSG_TYPE_MAKE_SEND) == KERN_SUCCESS);

	struct thread *t = thread_create_kernel("kt-fast-srv", server, NULL, SCHED_PRIO_KERNEL);
	KT_ASSERT(t);
	thread_start(t);
	thread_sleep(2 * NSEC_PER_MSEC);   /* it blocks in receive */

	uint64_t h0 = handoffs_now();
	bool ok = true;
	for (int32_t i = 0; i < ROUNDS; i++) {
		struct msg_int m;
		memset(&m, 0, sizeof(m));
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
		m.h.msgh_size = sizeof(m);
		m.h.msgh_remote_port = srv.service;
		m.h.msgh_local_port = reply;
		m.h.msgh_id = 700;
		m.t.word = MSGT_WORD(2, 32, true);
		m.t.number = 1;
		m.value = i * 10;
		mach_msg_return_t mr = kcall(srv.s, &m, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT,
					     sizeof(m), sizeof(m), reply,
					     KT_PATIENCE_NS / NSEC_PER_MSEC);
		if (mr != MACH_MSG_SUCCESS || m.value != i * 10 + 1 || m.h.msgh_id != 800 ||
		    m.h.msgh_local_port != reply || m.h.msgh_seqno != (uint32_t)i ||
		    MACH_MSGH_BITS_LOCAL(m.h.msgh_bits) != MACH_MSG_TYPE_PORT_SEND_ONCE) {
			ktest_note("round %d: mr %#x value %d id %d seqno %u", i, mr, m.value,
				   m.h.msgh_id, m.h.msgh_seqno);
			ok = false;
			break;
		}
	}
	KT_EXPECT(ok);
	KT_EXPECT(kt_group_wait(&srv.group, 1));
	KT_EXPECT(srv.first == MACH_MSG_SUCCESS && srv.last == MACH_MSG_SUCCESS);
	KT_EXPECT(srv.seqno_bad == 0);
	/* Both directions went by hand-off: most calls at least. */
	uint64_t h = handoffs_now() - h0;
	KT_EXPECT(h >= ROUNDS);
	if (h < ROUNDS)
		ktest_note("%llu hand-offs for %d round trips", (unsigned long long)h, ROUNDS);

	/* A waiting receiver without room: no hand-off, the slow path's
	 * MACH_RCV_TOO_LARGE (the message destroyed). */
	kt_group_init(&srv.group);
	srv.rcv_size = sizeof(mach_msg_header_t);
	t = thread_create_kernel("kt-fast-srv2", server, NULL, SCHED_PRIO_KERNEL);
	KT_ASSERT(t);
	thread_start(t);
	thread_sleep(2 * NSEC_PER_MSEC);
	h0 = handoffs_now();
	struct msg_int m;
	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.h.msgh_size = sizeof(m);
	m.h.msgh_remote_port = srv.service;
	m.h.msgh_local_port = reply;
	m.t.word = MSGT_WORD(2, 32, true);
	m.t.number = 1;
	/* The reply right dies with the message: a send-once notification
	 * comes back instead of an answer. */
	KT_EXPECT(kcall(srv.s, &m, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, sizeof(m),
			sizeof(m), reply, KT_PATIENCE_NS / NSEC_PER_MSEC) == MACH_MSG_SUCCESS);
	KT_EXPECT(m.h.msgh_id == 0107);
	KT_EXPECT(kt_group_wait(&srv.group, 1));
	KT_EXPECT(srv.first == MACH_RCV_TOO_LARGE);
	KT_EXPECT(handoffs_now() == h0);

	ipc_space_destroy(srv.s);
	struct ipc_stats after;
	ipc_stats(&after);
	KT_EXPECT(after.ports == before.ports);
}
