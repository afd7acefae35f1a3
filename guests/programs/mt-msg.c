/* Mach test suite: mach_msg itself - header dispositions, sequence
 * numbers, queue limits and send timeouts, receive timeouts, too-large
 * messages, port rights in the body (every disposition), port sets,
 * combined send+receive between two threads, and an interrupted receive
 * (thread_abort). */
#include <mt.h>
#include <mach_init.h>
#include <mach/port.h>
#include "mach.h"
#include "mach_port.h"

static mach_port_t self;
#define QLIMIT ((int)MACH_PORT_QLIMIT_DEFAULT)

struct simple_msg {
	mach_msg_header_t h;
	mach_msg_type_t t;
	uint64_t word;
};

struct port_msg {
	mach_msg_header_t h;
	mach_msg_type_t t;
	mach_port_name_inlined_t port;
};

struct any_msg {
	mach_msg_header_t h;
	char body[256];
};

static mach_msg_return_t send_simple(mach_port_t dest, mach_msg_type_name_t dtype,
				     mach_port_t reply, mach_msg_type_name_t rtype,
				     mach_msg_id_t id, mach_msg_option_t extra,
				     mach_msg_timeout_t timeout)
{
	struct simple_msg m;

	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(dtype, rtype);
	m.h.msgh_remote_port = dest;
	m.h.msgh_local_port = reply;
	m.h.msgh_id = id;
	m.t.msgt_name = MACH_MSG_TYPE_INTEGER_64;
	m.t.msgt_size = 64;
	m.t.msgt_number = 1;
	m.t.msgt_inline = TRUE;
	m.word = 0x1122334455667788ULL + (uint64_t)id;
	return mach_msg(&m.h, MACH_SEND_MSG | extra, sizeof(m), 0, MACH_PORT_NULL,
			timeout, MACH_PORT_NULL);
}

static mach_msg_return_t send_port(mach_port_t dest, mach_port_t what,
				   mach_msg_type_name_t disp, mach_msg_id_t id)
{
	struct port_msg m;

	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	m.h.msgh_remote_port = dest;
	m.h.msgh_id = id;
	m.t.msgt_name = disp;
	m.t.msgt_size = 64;
	m.t.msgt_number = 1;
	m.t.msgt_inline = TRUE;
	m.port.name = what;
	return mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, MACH_PORT_NULL,
			MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
}

static mach_msg_return_t recv_msg(mach_port_t port, void *buf, mach_msg_size_t size,
				  mach_msg_option_t extra, mach_msg_timeout_t timeout)
{
	memset(buf, 0, size);
	return mach_msg((mach_msg_header_t *)buf, MACH_RCV_MSG | extra, 0, size, port,
			timeout, MACH_PORT_NULL);
}

static mach_port_urefs_t send_refs(mach_port_t name)
{
	mach_port_urefs_t refs = 0xdead;

	if (mach_port_get_refs(self, name, MACH_PORT_RIGHT_SEND, &refs) != KERN_SUCCESS)
		return 0xdead;
	return refs;
}

static void test_header(void)
{
	mach_port_t a = mach_reply_port(), r = mach_reply_port();
	struct any_msg m;
	mach_port_t so;

	mt_ok(MACH_PORT_VALID(a) && MACH_PORT_VALID(r) && a != r,
	      "mach_reply_port gives two distinct receive rights");
	MT_KR(send_simple(a, MACH_MSG_TYPE_MAKE_SEND, r, MACH_MSG_TYPE_MAKE_SEND_ONCE, 100, 0, 0),
	      MACH_MSG_SUCCESS, "send: MAKE_SEND destination, MAKE_SEND_ONCE reply");
	if (!MT_KR(recv_msg(a, &m, sizeof(m), MACH_RCV_TIMEOUT, 1000), MACH_MSG_SUCCESS,
		   "receive it"))
		return;
	mt_eq(m.h.msgh_id, 100, "msgh_id arrives");
	mt_eq(m.h.msgh_size, sizeof(struct simple_msg), "msgh_size is the message's size");
	mt_eq(m.h.msgh_local_port, a, "msgh_local_port names the receive right");
	mt_eq(MACH_MSGH_BITS_LOCAL(m.h.msgh_bits), MACH_MSG_TYPE_PORT_SEND,
	      "the local bits say PORT_SEND (a made send right)");
	mt_eq(MACH_MSGH_BITS_REMOTE(m.h.msgh_bits), MACH_MSG_TYPE_PORT_SEND_ONCE,
	      "the remote bits say PORT_SEND_ONCE");
	so = m.h.msgh_remote_port;
	mt_ok(MACH_PORT_VALID(so) && so != r, "the send-once right has a name of its own (0x%x)", so);
	mt_eq(((struct simple_msg *)&m)->word, 0x1122334455667788ULL + 100, "the body arrives");
	MT_KR(send_simple(so, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 200, 0, 0),
	      MACH_MSG_SUCCESS, "reply through the send-once right (MOVE_SEND_ONCE)");
	if (MT_KR(recv_msg(r, &m, sizeof(m), MACH_RCV_TIMEOUT, 1000), MACH_MSG_SUCCESS,
		  "the reply arrives on the reply port"))
		mt_eq(m.h.msgh_id, 200, "with its id");
	MT_KR(send_simple(so, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 201, 0, 0),
	      MACH_SEND_INVALID_DEST, "a used send-once right is gone");
	MT_KR(send_simple(a, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1, 0, 0),
	      MACH_SEND_INVALID_DEST, "COPY_SEND from a name holding only a receive right");
	MT_KR(send_simple(a, MACH_MSG_TYPE_MOVE_RECEIVE, MACH_PORT_NULL, 0, 1, 0, 0),
	      MACH_SEND_INVALID_HEADER, "MOVE_RECEIVE as the destination disposition");
	MT_KR(send_simple(a, MACH_MSG_TYPE_MAKE_SEND, 0x7777, MACH_MSG_TYPE_MAKE_SEND_ONCE, 1, 0, 0),
	      MACH_SEND_INVALID_REPLY, "a reply name that does not exist");
	MT_KR(recv_msg(a, &m, sizeof(m), MACH_RCV_TIMEOUT, 0), MACH_RCV_TIMED_OUT,
	      "refused sends queued nothing");
	(void)mach_port_destroy(self, a);
	(void)mach_port_destroy(self, r);
}

static void test_seqno_and_limits(void)
{
	mach_port_t a = mach_reply_port();
	struct any_msg m;
	int sent = 0;
	uint64_t t0;

	for (int i = 0; i < QLIMIT; i++)
		if (send_simple(a, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 300 + i,
				MACH_SEND_TIMEOUT, 0) == MACH_MSG_SUCCESS)
			sent++;
	mt_eq(sent, QLIMIT, "a port takes its default qlimit (%d) of messages",
	      QLIMIT);
	t0 = machv_clock_ns();
	MT_KR(send_simple(a, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 399,
			  MACH_SEND_TIMEOUT, 20),
	      MACH_SEND_TIMED_OUT, "one more through a send right times out");
	mt_ok(machv_clock_ns() - t0 >= 15 * 1000000ULL, "after about its 20 ms timeout");
	MT_KR(send_simple(a, MACH_MSG_TYPE_MAKE_SEND_ONCE, MACH_PORT_NULL, 0, 398,
			  MACH_SEND_TIMEOUT, 0),
	      MACH_MSG_SUCCESS, "a send-once right passes a full queue");
	for (int i = 0; i < QLIMIT + 1; i++) {
		if (recv_msg(a, &m, sizeof(m), MACH_RCV_TIMEOUT, 0) != MACH_MSG_SUCCESS) {
			mt_fail("drain the queue", "a message is missing");
			break;
		}
		if (i == 0)
			mt_eq(m.h.msgh_seqno, 0, "the first message has seqno 0");
		if (i == QLIMIT)
			mt_eq(m.h.msgh_seqno, QLIMIT,
			      "seqnos count up in queue order");
		if (i < QLIMIT && m.h.msgh_id != (mach_msg_id_t)(300 + i))
			mt_fail("messages arrive in order", "out of order");
	}
	t0 = machv_clock_ns();
	MT_KR(recv_msg(a, &m, sizeof(m), MACH_RCV_TIMEOUT, 20), MACH_RCV_TIMED_OUT,
	      "receive on an empty port with a 20 ms timeout");
	mt_ok(machv_clock_ns() - t0 >= 15 * 1000000ULL, "waited about 20 ms");

	/* Too large: without MACH_RCV_LARGE the message is lost, with it
	 * the message stays and msgh_size tells the size. */
	(void)send_simple(a, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 500, 0, 0);
	MT_KR(recv_msg(a, &m, sizeof(mach_msg_header_t), MACH_RCV_TIMEOUT | MACH_RCV_LARGE, 0),
	      MACH_RCV_TOO_LARGE, "MACH_RCV_LARGE into a header-sized buffer");
	mt_eq(m.h.msgh_size, sizeof(struct simple_msg), "msgh_size says what is needed");
	MT_KR(recv_msg(a, &m, sizeof(m), MACH_RCV_TIMEOUT, 0), MACH_MSG_SUCCESS,
	      "the message stayed queued");
	(void)send_simple(a, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 501, 0, 0);
	MT_KR(recv_msg(a, &m, sizeof(mach_msg_header_t), MACH_RCV_TIMEOUT, 0),
	      MACH_RCV_TOO_LARGE, "too small a buffer without MACH_RCV_LARGE");
	MT_KR(recv_msg(a, &m, sizeof(m), MACH_RCV_TIMEOUT, 0), MACH_RCV_TIMED_OUT,
	      "the message was destroyed");
	MT_KR(mach_port_set_qlimit(self, a, 1), KERN_SUCCESS, "set_qlimit(1)");
	(void)send_simple(a, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 502, MACH_SEND_TIMEOUT, 0);
	MT_KR(send_simple(a, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 503, MACH_SEND_TIMEOUT, 0),
	      MACH_SEND_TIMED_OUT, "the qlimit of 1 holds");
	(void)mach_port_destroy(self, a);
	MT_KR(recv_msg(a, &m, sizeof(m), MACH_RCV_TIMEOUT, 0), MACH_RCV_INVALID_NAME,
	      "receive on a destroyed name");
}

static void test_body_rights(void)
{
	mach_port_t dst = mach_reply_port(), p = mach_reply_port();
	struct any_msg m;
	struct port_msg *pm = (struct port_msg *)&m;
	mach_port_t got;

	(void)mach_port_insert_right(self, p, p, MACH_MSG_TYPE_MAKE_SEND);
	static const struct {
		mach_msg_type_name_t disp, want;
		const char *name;
	} cases[] = {
		{ MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_PORT_SEND, "MAKE_SEND" },
		{ MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_PORT_SEND, "COPY_SEND" },
		{ MACH_MSG_TYPE_MAKE_SEND_ONCE, MACH_MSG_TYPE_PORT_SEND_ONCE, "MAKE_SEND_ONCE" },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!MT_KR(send_port(dst, p, cases[i].disp, 600 + i), MACH_MSG_SUCCESS,
			   "a %s right in the body is accepted", cases[i].name))
			continue;
		if (!MT_KR(recv_msg(dst, &m, sizeof(m), MACH_RCV_TIMEOUT, 1000),
			   MACH_MSG_SUCCESS, "receive the %s message", cases[i].name))
			continue;
		mt_ok(m.h.msgh_bits & MACH_MSGH_BITS_COMPLEX, "%s: the message is complex",
		      cases[i].name);
		mt_eq(pm->t.msgt_name, cases[i].want, "%s arrives as type %u", cases[i].name,
		      cases[i].want);
		got = pm->port.name;
		if (cases[i].want == MACH_MSG_TYPE_PORT_SEND)
			mt_eq(got, p, "%s: a send right lands on the receive right's name",
			      cases[i].name);
		else
			mt_ok(MACH_PORT_VALID(got) && got != p,
			      "%s: a send-once right gets a name of its own", cases[i].name);
		if (cases[i].want == MACH_MSG_TYPE_PORT_SEND_ONCE)
			(void)mach_port_deallocate(self, got);
	}
	/* The name now holds the receive right and 3 send references (the
	 * inserted one, the made one, the copied one). */
	mt_eq(send_refs(p), 3, "the send rights merged: 3 references");
	if (MT_KR(send_port(dst, p, MACH_MSG_TYPE_MOVE_SEND, 610), MACH_MSG_SUCCESS,
		  "MOVE_SEND in the body"))
		mt_eq(send_refs(p), 2, "MOVE_SEND took one reference away");
	(void)recv_msg(dst, &m, sizeof(m), MACH_RCV_TIMEOUT, 1000);
	if (MT_KR(send_port(dst, p, MACH_MSG_TYPE_MOVE_RECEIVE, 611), MACH_MSG_SUCCESS,
		  "MOVE_RECEIVE in the body")) {
		MT_KR(recv_msg(p, &m, sizeof(m), MACH_RCV_TIMEOUT, 0), MACH_RCV_INVALID_NAME,
		      "the receive right left the sender's name");
		if (MT_KR(recv_msg(dst, &m, sizeof(m), MACH_RCV_TIMEOUT, 1000), MACH_MSG_SUCCESS,
			  "receive the receive right")) {
			mt_eq(pm->t.msgt_name, MACH_MSG_TYPE_PORT_RECEIVE, "it arrives as PORT_RECEIVE");
			got = pm->port.name;
			MT_KR(send_simple(got, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 612, 0, 0),
			      MACH_MSG_SUCCESS, "the moved receive right works: send to it");
			MT_KR(recv_msg(got, &m, sizeof(m), MACH_RCV_TIMEOUT, 1000), MACH_MSG_SUCCESS,
			      "and receive from it");
			(void)mach_port_destroy(self, got);
		}
	}
	MT_KR(send_port(dst, 0x6543, MACH_MSG_TYPE_COPY_SEND, 620), MACH_SEND_INVALID_RIGHT,
	      "a bad name in the body: MACH_SEND_INVALID_RIGHT");
	MT_KR(send_port(dst, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, 621), MACH_MSG_SUCCESS,
	      "MACH_PORT_NULL in the body passes");
	if (MT_KR(recv_msg(dst, &m, sizeof(m), MACH_RCV_TIMEOUT, 1000), MACH_MSG_SUCCESS,
		  "receive it"))
		mt_eq(pm->port.name, MACH_PORT_NULL, "as MACH_PORT_NULL");
	(void)mach_port_destroy(self, dst);
}

/* The dispositions test_header and test_body_rights leave out: MOVE_SEND
 * as the destination, MOVE_SEND_ONCE in the body. */
static void test_more_dispositions(void)
{
	mach_port_t dst = mach_reply_port(), p = mach_reply_port(), so = MACH_PORT_NULL;
	mach_msg_type_name_t got_type = 0;
	struct any_msg m;
	struct port_msg *pm = (struct port_msg *)&m;

	(void)mach_port_insert_right(self, dst, dst, MACH_MSG_TYPE_MAKE_SEND);
	(void)mach_port_mod_refs(self, dst, MACH_PORT_RIGHT_SEND, 1);
	MT_KR(send_simple(dst, MACH_MSG_TYPE_MOVE_SEND, MACH_PORT_NULL, 0, 650, 0, 0),
	      MACH_MSG_SUCCESS, "MOVE_SEND as the destination");
	mt_eq(send_refs(dst), 1, "it consumed one of two send references");
	(void)recv_msg(dst, &m, sizeof(m), MACH_RCV_TIMEOUT, 1000);
	if (MT_KR(mach_port_extract_right(self, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so, &got_type),
		  KERN_SUCCESS, "make a send-once right to p")) {
		MT_KR(send_port(dst, so, MACH_MSG_TYPE_MOVE_SEND_ONCE, 651), MACH_MSG_SUCCESS,
		      "MOVE_SEND_ONCE in the body");
		MT_KR(send_simple(so, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 1, 0, 0),
		      MACH_SEND_INVALID_DEST, "the sender's send-once right is gone");
		if (MT_KR(recv_msg(dst, &m, sizeof(m), MACH_RCV_TIMEOUT, 1000), MACH_MSG_SUCCESS,
			  "receive it")) {
			mt_eq(pm->t.msgt_name, MACH_MSG_TYPE_PORT_SEND_ONCE, "it arrives as PORT_SEND_ONCE");
			MT_KR(send_simple(pm->port.name, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0,
					  652, 0, 0),
			      MACH_MSG_SUCCESS, "and can be used once");
			if (MT_KR(recv_msg(p, &m, sizeof(m), MACH_RCV_TIMEOUT, 1000), MACH_MSG_SUCCESS,
				  "the message arrives at p"))
				mt_eq(m.h.msgh_id, 652, "with its id");
		}
	}
	(void)mach_port_destroy(self, dst);
	(void)mach_port_destroy(self, p);
}

static void test_port_set(void)
{
	mach_port_t set = 0, p1 = mach_reply_port(), p2 = mach_reply_port();
	struct any_msg m;

	if (!MT_KR(mach_port_allocate(self, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS,
		   "allocate a port set")) {
		(void)mach_port_destroy(self, p1);
		(void)mach_port_destroy(self, p2);
		return;
	}
	(void)mach_port_move_member(self, p1, set);
	(void)mach_port_move_member(self, p2, set);
	(void)send_simple(p2, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 700, 0, 0);
	if (MT_KR(recv_msg(set, &m, sizeof(m), MACH_RCV_TIMEOUT, 1000), MACH_MSG_SUCCESS,
		  "receive through the set"))
		mt_eq(m.h.msgh_local_port, p2, "msgh_local_port names the member it came to");
	MT_KR(recv_msg(p1, &m, sizeof(m), MACH_RCV_TIMEOUT, 0), MACH_RCV_IN_SET,
	      "receiving from a member directly: MACH_RCV_IN_SET");
	MT_KR(recv_msg(set, &m, sizeof(m), MACH_RCV_TIMEOUT, 10), MACH_RCV_TIMED_OUT,
	      "an empty set times out");
	(void)mach_port_destroy(self, set);
	(void)mach_port_destroy(self, p1);
	(void)mach_port_destroy(self, p2);
}

/* The second thread: an echo server for the combined send+receive case,
 * then a receive that the main thread interrupts. */
static mach_port_t echo_port, abort_port;
static volatile mach_port_t echo_thread;
static volatile int echo_done, abort_result = 1;
static char echo_stack[16384] __attribute__((aligned(16)));

static void echo_main(void *arg)
{
	struct any_msg m;

	echo_thread = mach_thread_self();
	for (int i = 0; i < 20; i++) {
		if (recv_msg(echo_port, &m, sizeof(m), 0, 0) != MACH_MSG_SUCCESS)
			break;
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(m.h.msgh_bits), 0);
		m.h.msgh_local_port = MACH_PORT_NULL;
		m.h.msgh_id += 100;
		if (mach_msg(&m.h, MACH_SEND_MSG, m.h.msgh_size, 0, MACH_PORT_NULL, 0,
			     MACH_PORT_NULL) != MACH_MSG_SUCCESS)
			break;
	}
	echo_done = 1;
	abort_result = mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_INTERRUPT, 0, sizeof(m),
				abort_port, 0, MACH_PORT_NULL);
	echo_done = 2;
}

static void test_threads(void)
{
	struct simple_msg m;
	mach_port_t reply = mach_reply_port();
	int good = 0;

	echo_port = mach_reply_port();
	abort_port = mach_reply_port();
	if (thread_spawn(echo_main, NULL, echo_stack, sizeof(echo_stack)) < 0) {
		mt_fail("start the echo thread", "thread_spawn failed");
		return;
	}
	for (int i = 0; i < 20; i++) {
		memset(&m, 0, sizeof(m));
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
		m.h.msgh_remote_port = echo_port;
		m.h.msgh_local_port = reply;
		m.h.msgh_id = 800 + i;
		m.t.msgt_name = MACH_MSG_TYPE_INTEGER_64;
		m.t.msgt_size = 64;
		m.t.msgt_number = 1;
		m.t.msgt_inline = TRUE;
		m.word = (uint64_t)i * 3;
		if (mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, sizeof(m),
			     sizeof(m), reply, 2000, MACH_PORT_NULL) == MACH_MSG_SUCCESS &&
		    m.h.msgh_id == 900 + i && m.word == (uint64_t)i * 3)
			good++;
	}
	mt_eq(good, 20, "20 combined send+receive round trips to another thread");
	for (int i = 0; i < 200 && echo_done != 1; i++)
		sleep_ms(5);
	sleep_ms(20);   /* let it block in the receive */
	mt_ok(echo_thread != MACH_PORT_NULL, "the thread has a thread port");
	MT_KR(thread_abort(echo_thread), KERN_SUCCESS, "thread_abort on a blocked receive");
	for (int i = 0; i < 100 && echo_done != 2; i++)
		sleep_ms(5);
	mt_eq(abort_result, MACH_RCV_INTERRUPTED,
	      "the receive (MACH_RCV_INTERRUPT) returns MACH_RCV_INTERRUPTED");
}

int main(int argc, char **argv, char **envp)
{
	mt_begin("mt-msg");
	self = mach_task_self();
	test_header();
	test_seqno_and_limits();
	test_body_rights();
	test_more_dispositions();
	test_port_set();
	test_threads();
	return mt_end();
}
