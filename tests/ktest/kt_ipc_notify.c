/* Self-tests of notifications through mach_msg (messages in kernel
 * buffers, received the way a task receives them): dead-name,
 * no-senders, send-once and port-destroyed messages in GNU Mach's LP64
 * layout; a receive right sent into its own queue; a receiver blocked
 * on a port set woken by a port that joins the set with messages. */
#include <ipc/mach_msg.h>
#include <ipc/notify.h>
#include <ipc/right.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include "kt_threads.h"

/* A notification as the receiver sees it. */
struct notification {
	mach_msg_header_t h;
	mach_msg_type_t t;
	uint64_t value;
};
_Static_assert(sizeof(struct notification) == IPC_NOTIFY_SIZE, "48-byte notifications");

static mach_msg_return_t kcall(struct ipc_space *space, void *buf, mach_msg_option_t option,
			       uint32_t send_size, uint32_t rcv_size, mach_port_name_t rcv_name,
			       uint32_t timeout_ms)
{
	struct ipc_msg_buf b = { .user = false, .addr = (uintptr_t)buf };
	return ipc_mach_msg(space, b, option, send_size, rcv_size, rcv_name, timeout_ms, 0);
}

static mach_msg_return_t rcv(struct ipc_space *space, mach_port_name_t name, struct notification *n)
{
	memset(n, 0, sizeof(*n));
	return kcall(space, n, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(*n), name, 0);
}

static size_t ports_now(void)
{
	struct ipc_stats s;
	ipc_stats(&s);
	return s.ports;
}

static struct ipc_port *sonce(struct ipc_space *space, mach_port_name_t name)
{
	struct ipc_port *p = NULL;
	if (ipc_right_copyin(space, name, MACH_MSG_TYPE_MAKE_SEND_ONCE, false, &p) != KERN_SUCCESS)
		return NULL;
	return p;
}

static bool is_value(const struct notification *n, mach_port_name_t local, int32_t id,
		     uint32_t type, uint32_t value)
{
	return n->h.msgh_id == id && n->h.msgh_size == IPC_NOTIFY_SIZE &&
	       n->h.msgh_bits == MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE) &&
	       n->h.msgh_local_port == local && n->h.msgh_remote_port == MACH_PORT_NULL &&
	       n->t.word == MSGT_WORD(type, 32, true) && n->t.number == 1 && n->value == value;
}

KTEST(ipc_notifications)
{
	size_t before = ports_now();
	struct ipc_space *a = ipc_space_create(), *b = ipc_space_create();
	KT_ASSERT(a && b);
	mach_port_name_t r = 0, n = 0, s = 0;
	struct ipc_port *prev = NULL;
	struct notification m;
	KT_ASSERT(ipc_space_allocate(a, MACH_PORT_RIGHT_RECEIVE, &r) == KERN_SUCCESS);
	KT_ASSERT(ipc_space_allocate(b, MACH_PORT_RIGHT_RECEIVE, &n) == KERN_SUCCESS);
	struct ipc_port *rp = NULL;
	KT_ASSERT(ipc_right_copyin(a, r, MACH_MSG_TYPE_MAKE_SEND, false, &rp) == KERN_SUCCESS);
	KT_ASSERT(ipc_right_copyout(b, rp, MACH_MSG_TYPE_PORT_SEND, false, &s) == KERN_SUCCESS);

	/* No-senders, armed by a, fired when b lets go. */
	KT_EXPECT(ipc_space_request_notification(a, r, MACH_NOTIFY_NO_SENDERS, 0, sonce(a, r),
						 &prev) == KERN_SUCCESS && prev == NULL);
	KT_EXPECT(ipc_space_mod_refs(b, s, MACH_PORT_RIGHT_SEND, 1) == KERN_SUCCESS);
	KT_EXPECT(ipc_space_mod_refs(b, s, MACH_PORT_RIGHT_SEND, -2) == KERN_SUCCESS);
	KT_EXPECT(rcv(a, r, &m) == MACH_MSG_SUCCESS);
	KT_EXPECT(is_value(&m, r, MACH_NOTIFY_NO_SENDERS, MACH_MSG_TYPE_INTEGER_32, 1));

	/* Dead-name: b watches its send right; a destroys the port. */
	KT_ASSERT(ipc_right_copyin(a, r, MACH_MSG_TYPE_MAKE_SEND, false, &rp) == KERN_SUCCESS);
	KT_ASSERT(ipc_right_copyout(b, rp, MACH_MSG_TYPE_PORT_SEND, false, &s) == KERN_SUCCESS);
	KT_EXPECT(ipc_space_request_notification(b, s, MACH_NOTIFY_DEAD_NAME, 0, sonce(b, n),
						 &prev) == KERN_SUCCESS && prev == NULL);
	KT_EXPECT(ipc_space_destroy_name(a, r) == KERN_SUCCESS);
	KT_EXPECT(rcv(b, n, &m) == MACH_MSG_SUCCESS);
	KT_EXPECT(is_value(&m, n, MACH_NOTIFY_DEAD_NAME, MACH_MSG_TYPE_PORT_NAME, s));
	mach_port_urefs_t urefs = 0;
	KT_EXPECT(ipc_space_get_refs(b, s, MACH_PORT_RIGHT_DEAD_NAME, &urefs) == KERN_SUCCESS &&
		  urefs == 2);
	KT_EXPECT(ipc_space_destroy_name(b, s) == KERN_SUCCESS);

	/* Send-once: a request's reply right thrown away by the server. */
	KT_ASSERT(ipc_space_allocate(a, MACH_PORT_RIGHT_RECEIVE, &r) == KERN_SUCCESS);
	struct notification req;
	memset(&req, 0, sizeof(req));
	req.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	req.h.msgh_size = 32;
	req.h.msgh_remote_port = r;
	req.h.msgh_local_port = n;
	req.h.msgh_id = 1;
	KT_EXPECT(kcall(b, &req, MACH_SEND_MSG, 32, 0, 0, 0) != MACH_MSG_SUCCESS);   /* no right to r */
	req.h.msgh_remote_port = r;
	req.h.msgh_local_port = r;
	KT_EXPECT(kcall(a, &req, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, 32, sizeof(req),
			r, 0) == MACH_MSG_SUCCESS);
	mach_port_name_t reply = req.h.msgh_remote_port;
	KT_EXPECT(MACH_PORT_VALID(reply));
	KT_EXPECT(ipc_space_deallocate(a, reply) == KERN_SUCCESS);
	KT_EXPECT(rcv(a, r, &m) == MACH_MSG_SUCCESS);
	KT_EXPECT(m.h.msgh_id == MACH_NOTIFY_SEND_ONCE && m.h.msgh_size == 32 &&
		  m.h.msgh_local_port == r);
	/* Used for a reply it says nothing. */
	KT_EXPECT(rcv(a, r, &m) == MACH_RCV_TIMED_OUT);

	/* Port-destroyed: a's receive right goes to b, queue and all. */
	req.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	req.h.msgh_remote_port = r;
	req.h.msgh_local_port = 0;
	req.h.msgh_id = 5;
	KT_EXPECT(kcall(a, &req, MACH_SEND_MSG, 32, 0, 0, 0) == MACH_MSG_SUCCESS);
	KT_EXPECT(ipc_space_request_notification(a, r, MACH_NOTIFY_PORT_DESTROYED, 0,
						 sonce(b, n), &prev) == KERN_SUCCESS);
	KT_EXPECT(ipc_space_destroy_name(a, r) == KERN_SUCCESS);
	KT_EXPECT(rcv(b, n, &m) == MACH_MSG_SUCCESS);
	KT_EXPECT(m.h.msgh_id == MACH_NOTIFY_PORT_DESTROYED && m.h.msgh_size == IPC_NOTIFY_SIZE);
	KT_EXPECT(m.h.msgh_bits == (MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE) |
				    MACH_MSGH_BITS_COMPLEX));
	KT_EXPECT(m.t.word == MSGT_WORD(MACH_MSG_TYPE_PORT_RECEIVE, 64, true) && m.t.number == 1);
	mach_port_name_t got = (mach_port_name_t)m.value;
	mach_port_type_t type = 0;
	KT_EXPECT(ipc_space_type(b, got, &type) == KERN_SUCCESS && type == MACH_PORT_TYPE_RECEIVE);
	KT_EXPECT(rcv(b, got, &m) == MACH_MSG_SUCCESS && m.h.msgh_id == 5);

	ipc_space_destroy(a);
	ipc_space_destroy(b);
	KT_EXPECT(ports_now() == before);
}

/* A message carrying a port's receive right into that port's queue:
 * accepted, and destroyed with the right (GNU Mach). */
KTEST(ipc_circular_receive_right)
{
	size_t before = ports_now();
	struct ipc_space *a = ipc_space_create();
	KT_ASSERT(a);
	mach_port_name_t p = 0;
	KT_ASSERT(ipc_space_allocate(a, MACH_PORT_RIGHT_RECEIVE, &p) == KERN_SUCCESS);
	struct notification m;
	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	m.h.msgh_size = sizeof(m);
	m.h.msgh_remote_port = p;
	m.t.word = MSGT_WORD(MACH_MSG_TYPE_MOVE_RECEIVE, 64, true);
	m.t.number = 1;
	m.value = p;
	KT_EXPECT(kcall(a, &m, MACH_SEND_MSG, sizeof(m), 0, 0, 0) == MACH_MSG_SUCCESS);
	mach_port_type_t type = 0;
	KT_EXPECT(ipc_space_type(a, p, &type) == KERN_INVALID_NAME);
	KT_EXPECT(ports_now() == before);
	ipc_space_destroy(a);
	KT_EXPECT(ports_now() == before);
}

/* A receiver blocked on a set wakes when a port that already holds a
 * message joins the set. */
static struct {
	struct ipc_space *s;
	mach_port_name_t set;
	mach_msg_return_t mr;
	int32_t id;
	struct kt_group group;
} pw;

static void set_receiver(void *unused)
{
	struct notification m;
	memset(&m, 0, sizeof(m));
	pw.mr = kcall(pw.s, &m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), pw.set,
		      KT_PATIENCE_NS / NSEC_PER_MSEC);
	pw.id = m.h.msgh_id;
	kt_group_done(&pw.group);
}

KTEST(ipc_pset_wakes_on_move)
{
	size_t before = ports_now();
	memset(&pw, 0, sizeof(pw));
	kt_group_init(&pw.group);
	pw.s = ipc_space_create();
	KT_ASSERT(pw.s);
	mach_port_name_t p = 0;
	KT_ASSERT(ipc_space_allocate(pw.s, MACH_PORT_RIGHT_PORT_SET, &pw.set) == KERN_SUCCESS);
	KT_ASSERT(ipc_space_allocate(pw.s, MACH_PORT_RIGHT_RECEIVE, &p) == KERN_SUCCESS);
	struct thread *t = thread_create_kernel("kt-set-rcv", set_receiver, NULL,
						SCHED_PRIO_KERNEL - 1);
	KT_ASSERT(t);
	thread_start(t);
	/* Let it block on the empty set. */
	thread_sleep(5 * NSEC_PER_MSEC);
	KT_EXPECT(pw.group.done == 0);

	struct notification m;
	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.h.msgh_size = 32;
	m.h.msgh_remote_port = p;
	m.h.msgh_id = 4242;
	KT_EXPECT(kcall(pw.s, &m, MACH_SEND_MSG, 32, 0, 0, 0) == MACH_MSG_SUCCESS);
	thread_sleep(5 * NSEC_PER_MSEC);
	KT_EXPECT(pw.group.done == 0);   /* p is not in the set yet */
	KT_EXPECT(ipc_space_move_member(pw.s, p, pw.set) == KERN_SUCCESS);
	KT_EXPECT(kt_group_wait(&pw.group, 1));
	KT_EXPECT(pw.mr == MACH_MSG_SUCCESS && pw.id == 4242);
	ipc_space_destroy(pw.s);
	KT_EXPECT(ports_now() == before);
}

/* MACH_SEND_NOTIFY on a full queue: forced in with MACH_SEND_WILL_NOTIFY,
 * MACH_NOTIFY_MSG_ACCEPTED once it is taken; a bad notify name gives the
 * message back with MACH_SEND_INVALID_NOTIFY. */
KTEST(ipc_send_notify)
{
	size_t before = ports_now();
	struct ipc_space *s = ipc_space_create();
	KT_ASSERT(s);
	mach_port_name_t p = 0, n = 0;
	KT_ASSERT(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &p) == KERN_SUCCESS);
	KT_ASSERT(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &n) == KERN_SUCCESS);
	KT_ASSERT(ipc_space_insert_right(s, p, s, p, MACH_MSG_TYPE_MAKE_SEND) == KERN_SUCCESS);
	KT_ASSERT(ipc_space_set_qlimit(s, p, 1) == KERN_SUCCESS);

	struct notification m;
	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	m.h.msgh_size = 32;
	m.h.msgh_remote_port = p;
	m.h.msgh_id = 1;
	struct ipc_msg_buf b = { .user = false, .addr = (uintptr_t)&m };
	/* Room: an ordinary send. */
	KT_EXPECT(ipc_mach_msg(s, b, MACH_SEND_MSG | MACH_SEND_NOTIFY, 32, 0, 0, 0, n) ==
		  MACH_MSG_SUCCESS);
	/* Full: no notify port, a bad one, a send right instead of a
	 * receive right. */
	m.h.msgh_id = 2;
	KT_EXPECT(ipc_mach_msg(s, b, MACH_SEND_MSG | MACH_SEND_NOTIFY, 32, 0, 0, 0, 0) ==
		  MACH_SEND_INVALID_NOTIFY);
	KT_EXPECT(m.h.msgh_remote_port == p && m.h.msgh_id == 2);
	KT_EXPECT(ipc_mach_msg(s, b, MACH_SEND_MSG | MACH_SEND_NOTIFY, 32, 0, 0, 0, 0x4242) ==
		  MACH_SEND_INVALID_NOTIFY);
	KT_EXPECT(m.h.msgh_remote_port == p);
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	KT_EXPECT(ipc_mach_msg(s, b, MACH_SEND_MSG | MACH_SEND_NOTIFY | MACH_SEND_TIMEOUT, 32, 0,
			       0, 10, n) == MACH_SEND_WILL_NOTIFY);
	struct ipc_port_status st;
	KT_EXPECT(ipc_space_get_receive_status(s, p, &st) == KERN_SUCCESS && st.msgcount == 2);
	KT_EXPECT(ipc_space_get_receive_status(s, n, &st) == KERN_SUCCESS && st.sorights == 1);
	KT_EXPECT(rcv(s, n, &m) == MACH_RCV_TIMED_OUT);
	/* One at a time per name: the next is given back. */
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	m.h.msgh_size = 32;
	m.h.msgh_remote_port = p;
	m.h.msgh_local_port = 0;
	m.h.msgh_id = 3;
	KT_EXPECT(ipc_mach_msg(s, b, MACH_SEND_MSG | MACH_SEND_NOTIFY, 32, 0, 0, 0, n) ==
		  MACH_SEND_NOTIFY_IN_PROGRESS);
	KT_EXPECT(m.h.msgh_remote_port == p && m.h.msgh_id == 3);
	KT_EXPECT(ipc_space_get_receive_status(s, p, &st) == KERN_SUCCESS && st.msgcount == 2);
	KT_EXPECT(ipc_space_get_receive_status(s, n, &st) == KERN_SUCCESS && st.sorights == 1);

	KT_EXPECT(rcv(s, p, &m) == MACH_MSG_SUCCESS && m.h.msgh_id == 1);
	KT_EXPECT(rcv(s, n, &m) == MACH_RCV_TIMED_OUT);
	KT_EXPECT(rcv(s, p, &m) == MACH_MSG_SUCCESS && m.h.msgh_id == 2);
	KT_EXPECT(rcv(s, n, &m) == MACH_MSG_SUCCESS);
	KT_EXPECT(is_value(&m, n, MACH_NOTIFY_MSG_ACCEPTED, MACH_MSG_TYPE_PORT_NAME, p));
	/* Accepted: the name may force a message again. */
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	m.h.msgh_size = 32;
	m.h.msgh_remote_port = p;
	m.h.msgh_local_port = 0;
	m.h.msgh_id = 4;
	KT_EXPECT(ipc_mach_msg(s, b, MACH_SEND_MSG, 32, 0, 0, 0, 0) == MACH_MSG_SUCCESS);
	KT_EXPECT(ipc_mach_msg(s, b, MACH_SEND_MSG | MACH_SEND_NOTIFY, 32, 0, 0, 0, n) ==
		  MACH_SEND_WILL_NOTIFY);
	KT_EXPECT(rcv(s, p, &m) == MACH_MSG_SUCCESS && m.h.msgh_id == 4);
	KT_EXPECT(rcv(s, p, &m) == MACH_MSG_SUCCESS && m.h.msgh_id == 4);
	KT_EXPECT(rcv(s, n, &m) == MACH_MSG_SUCCESS && m.h.msgh_id == MACH_NOTIFY_MSG_ACCEPTED);

	/* Forced, then destroyed with its port: the notification still
	 * comes. */
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	m.h.msgh_size = 32;
	m.h.msgh_remote_port = p;
	m.h.msgh_local_port = 0;
	KT_EXPECT(ipc_mach_msg(s, b, MACH_SEND_MSG, 32, 0, 0, 0, 0) == MACH_MSG_SUCCESS);
	KT_EXPECT(ipc_mach_msg(s, b, MACH_SEND_MSG | MACH_SEND_NOTIFY, 32, 0, 0, 0, n) ==
		  MACH_SEND_WILL_NOTIFY);
	KT_EXPECT(ipc_space_mod_refs(s, p, MACH_PORT_RIGHT_RECEIVE, -1) == KERN_SUCCESS);
	KT_EXPECT(rcv(s, n, &m) == MACH_MSG_SUCCESS && m.h.msgh_id == MACH_NOTIFY_MSG_ACCEPTED);

	ipc_space_destroy(s);
	KT_EXPECT(ports_now() == before);
}

/* A receiver blocked on a port wakes at once when the receive right
 * leaves the space in a message (MACH_RCV_PORT_DIED, as GNU Mach), and
 * when the port joins a set (MACH_RCV_PORT_CHANGED). */
static struct {
	struct ipc_space *s;
	mach_port_name_t port;
	mach_msg_return_t mr;
	struct kt_group group;
} lose;

static void losing_receiver(void *unused)
{
	struct notification m;
	lose.mr = kcall(lose.s, &m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), lose.port,
			KT_PATIENCE_NS / NSEC_PER_MSEC);
	kt_group_done(&lose.group);
}

KTEST(ipc_receiver_loses_port)
{
	size_t before = ports_now();
	memset(&lose, 0, sizeof(lose));
	kt_group_init(&lose.group);
	lose.s = ipc_space_create();
	KT_ASSERT(lose.s);
	mach_port_name_t to = 0, set = 0;
	KT_ASSERT(ipc_space_allocate(lose.s, MACH_PORT_RIGHT_RECEIVE, &lose.port) == KERN_SUCCESS);
	KT_ASSERT(ipc_space_allocate(lose.s, MACH_PORT_RIGHT_RECEIVE, &to) == KERN_SUCCESS);
	KT_ASSERT(ipc_space_allocate(lose.s, MACH_PORT_RIGHT_PORT_SET, &set) == KERN_SUCCESS);

	struct thread *t = thread_create_kernel("kt-lose-rcv", losing_receiver, NULL,
						SCHED_PRIO_KERNEL - 1);
	KT_ASSERT(t);
	thread_start(t);
	thread_sleep(5 * NSEC_PER_MSEC);
	KT_EXPECT(lose.group.done == 0);
	uint64_t t0 = clock_ns();
	struct notification m;
	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	m.h.msgh_size = sizeof(m);
	m.h.msgh_remote_port = to;
	m.t.word = MSGT_WORD(MACH_MSG_TYPE_MOVE_RECEIVE, 64, true);
	m.t.number = 1;
	m.value = lose.port;
	KT_EXPECT(kcall(lose.s, &m, MACH_SEND_MSG, sizeof(m), 0, 0, 0) == MACH_MSG_SUCCESS);
	KT_EXPECT(kt_group_wait(&lose.group, 1));
	KT_EXPECT(lose.mr == MACH_RCV_PORT_DIED);
	KT_EXPECT(clock_ns() - t0 < KT_PATIENCE_NS / 2);

	/* The right comes back under a new name; now it joins a set. */
	memset(&m, 0, sizeof(m));
	KT_EXPECT(kcall(lose.s, &m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), to, 0) ==
		  MACH_MSG_SUCCESS);
	lose.port = (mach_port_name_t)m.value;
	t = thread_create_kernel("kt-lose-rcv2", losing_receiver, NULL, SCHED_PRIO_KERNEL - 1);
	KT_ASSERT(t);
	thread_start(t);
	thread_sleep(5 * NSEC_PER_MSEC);
	KT_EXPECT(lose.group.done == 1);
	t0 = clock_ns();
	KT_EXPECT(ipc_space_move_member(lose.s, lose.port, set) == KERN_SUCCESS);
	KT_EXPECT(kt_group_wait(&lose.group, 2));
	KT_EXPECT(lose.mr == MACH_RCV_PORT_CHANGED);
	KT_EXPECT(clock_ns() - t0 < KT_PATIENCE_NS / 2);

	ipc_space_destroy(lose.s);
	KT_EXPECT(ports_now() == before);
}
