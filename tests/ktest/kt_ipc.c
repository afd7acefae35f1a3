/* Self-tests of mach_msg (ipc/mach_msg.h) driven from the kernel with
 * messages in kernel buffers: the same path as the trap minus the user
 * copy.  Each test makes its own spaces and checks, at the end, that no
 * port was leaked. */
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

struct msg_port {
	mach_msg_header_t h;
	mach_msg_type_t t;
	uint64_t port;
};

#define INT32_TYPE MSGT_WORD(2, 32, true)

static mach_msg_return_t kmsg_call(struct ipc_space *space, void *buf, mach_msg_option_t option,
				   uint32_t send_size, uint32_t rcv_size, mach_port_name_t rcv_name,
				   uint32_t timeout_ms)
{
	struct ipc_msg_buf b = { .user = false, .addr = (uintptr_t)buf };
	return ipc_mach_msg(space, b, option, send_size, rcv_size, rcv_name, timeout_ms, 0);
}

static void fill_int(struct msg_int *m, uint32_t bits, mach_port_name_t remote,
		     mach_port_name_t local, int32_t id, int32_t value)
{
	memset(m, 0, sizeof(*m));
	m->h.msgh_bits = bits;
	m->h.msgh_size = sizeof(*m);
	m->h.msgh_remote_port = remote;
	m->h.msgh_local_port = local;
	m->h.msgh_id = id;
	m->t.word = INT32_TYPE;
	m->t.number = 1;
	m->value = value;
}

static size_t ports_now(void)
{
	struct ipc_stats s;
	ipc_stats(&s);
	return s.ports;
}

static mach_port_urefs_t send_refs(struct ipc_space *space, mach_port_name_t name)
{
	mach_port_urefs_t refs = 0;
	if (ipc_space_get_refs(space, name, MACH_PORT_RIGHT_SEND, &refs) != KERN_SUCCESS)
		return 0;
	return refs;
}

/* A message to one's own port, with a send-once reply right: the header
 * comes back swapped, the data intact. */
KTEST(ipc_msg_to_own_port)
{
	size_t before = ports_now();
	struct ipc_space *space = ipc_space_create();
	KT_ASSERT(space);
	mach_port_name_t port;
	KT_ASSERT(ipc_space_allocate(space, MACH_PORT_RIGHT_RECEIVE, &port) == KERN_SUCCESS);

	struct msg_int m;
	fill_int(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE),
		 port, port, 1234, 0x5a5a);
	KT_EXPECT(kmsg_call(space, &m, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT,
			    sizeof(m), sizeof(m), port, 1000) == MACH_MSG_SUCCESS);
	KT_EXPECT(m.h.msgh_bits == MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE,
						  MACH_MSG_TYPE_PORT_SEND));
	KT_EXPECT(m.h.msgh_size == sizeof(m));
	KT_EXPECT(m.h.msgh_local_port == port);
	KT_EXPECT(MACH_PORT_VALID(m.h.msgh_remote_port) && m.h.msgh_remote_port != port);
	KT_EXPECT(m.h.msgh_id == 1234 && m.h.msgh_seqno == 0);
	KT_EXPECT(m.value == 0x5a5a && m.t.word == INT32_TYPE && m.t.number == 1);
	mach_port_type_t type = 0;
	KT_EXPECT(ipc_space_type(space, m.h.msgh_remote_port, &type) == KERN_SUCCESS &&
		  type == MACH_PORT_TYPE_SEND_ONCE);

	/* Reply through the send-once right: it is used up. */
	mach_port_name_t sonce = m.h.msgh_remote_port;
	fill_int(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0), sonce, 0, 1334, 7);
	KT_EXPECT(kmsg_call(space, &m, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT,
			    sizeof(m), sizeof(m), port, 1000) == MACH_MSG_SUCCESS);
	KT_EXPECT(m.h.msgh_seqno == 1 && m.value == 7 && m.h.msgh_remote_port == MACH_PORT_NULL);
	KT_EXPECT(ipc_space_type(space, sonce, &type) == KERN_INVALID_NAME);

	ipc_space_destroy(space);
	KT_EXPECT(ports_now() == before);
}

/* Every header mistake gets its exact code, and leaves the rights alone. */
KTEST(ipc_msg_bad_headers)
{
	size_t before = ports_now();
	struct ipc_space *space = ipc_space_create();
	KT_ASSERT(space);
	mach_port_name_t port, snd;
	KT_ASSERT(ipc_space_allocate(space, MACH_PORT_RIGHT_RECEIVE, &port) == KERN_SUCCESS);
	KT_ASSERT(ipc_space_allocate(space, MACH_PORT_RIGHT_RECEIVE, &snd) == KERN_SUCCESS);
	KT_ASSERT(ipc_space_insert_right(space, snd, space, snd, MACH_MSG_TYPE_MAKE_SEND) ==
		  KERN_SUCCESS);
	KT_ASSERT(send_refs(space, snd) == 1);
	uint32_t ms_ms = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	struct msg_int m;

	fill_int(&m, ms_ms, port, 0, 1, 1);
	KT_EXPECT(kmsg_call(space, &m, MACH_SEND_MSG, 16, 0, 0, 0) == MACH_SEND_MSG_TOO_SMALL);
	KT_EXPECT(kmsg_call(space, &m, MACH_SEND_MSG, 36, 0, 0, 0) == MACH_SEND_MSG_TOO_SMALL);
	fill_int(&m, ms_ms | 0x00010000, port, 0, 1, 1);
	KT_EXPECT(kmsg_call(space, &m, MACH_SEND_MSG, sizeof(m), 0, 0, 0) ==
		  MACH_SEND_INVALID_HEADER);
	fill_int(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_RECEIVE, 0), port, 0, 1, 1);
	KT_EXPECT(kmsg_call(space, &m, MACH_SEND_MSG, sizeof(m), 0, 0, 0) ==
		  MACH_SEND_INVALID_HEADER);
	fill_int(&m, ms_ms, port, port, 1, 1);   /* a reply name without a type */
	KT_EXPECT(kmsg_call(space, &m, MACH_SEND_MSG, sizeof(m), 0, 0, 0) ==
		  MACH_SEND_INVALID_HEADER);
	fill_int(&m, ms_ms, MACH_PORT_NULL, 0, 1, 1);
	KT_EXPECT(kmsg_call(space, &m, MACH_SEND_MSG, sizeof(m), 0, 0, 0) ==
		  MACH_SEND_INVALID_DEST);
	fill_int(&m, ms_ms, 0x4242, 0, 1, 1);
	KT_EXPECT(kmsg_call(space, &m, MACH_SEND_MSG, sizeof(m), 0, 0, 0) ==
		  MACH_SEND_INVALID_DEST);
	/* COPY_SEND from a receive right without send rights. */
	fill_int(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), port, 0, 1, 1);
	KT_EXPECT(kmsg_call(space, &m, MACH_SEND_MSG, sizeof(m), 0, 0, 0) ==
		  MACH_SEND_INVALID_DEST);
	/* A bad reply: the moved destination right is put back. */
	fill_int(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_MOVE_SEND_ONCE),
		 snd, 0x4242, 1, 1);
	KT_EXPECT(kmsg_call(space, &m, MACH_SEND_MSG, sizeof(m), 0, 0, 0) ==
		  MACH_SEND_INVALID_REPLY);
	KT_EXPECT(send_refs(space, snd) == 1);
	/* An unmapped... here unreadable buffer is the trap's business; a
	 * receive on a name that is not a receive right: */
	KT_EXPECT(kmsg_call(space, &m, MACH_RCV_MSG, 0, sizeof(m), snd + 0x100, 0) ==
		  MACH_RCV_INVALID_NAME);

	/* Body errors destroy the header's rights: MOVE_SEND is consumed. */
	struct msg_port p;
	memset(&p, 0, sizeof(p));
	p.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	p.h.msgh_remote_port = snd;
	p.t.word = MSGT_WORD(MACH_MSG_TYPE_COPY_SEND, 64, true);
	p.t.number = 1;
	p.port = 0x4242;   /* no such name */
	KT_EXPECT(kmsg_call(space, &p, MACH_SEND_MSG, sizeof(p), 0, 0, 0) ==
		  MACH_SEND_INVALID_RIGHT);
	KT_EXPECT(send_refs(space, snd) == 1);   /* COPY_SEND took nothing */
	p.port = port;
	p.t.word = MSGT_WORD(MACH_MSG_TYPE_COPY_SEND, 32, true);   /* ports are 64 bits */
	KT_EXPECT(kmsg_call(space, &p, MACH_SEND_MSG, sizeof(p), 0, 0, 0) ==
		  MACH_SEND_INVALID_TYPE);
	/* Out of line, the data word is an address: a name is no readable
	 * memory (and a kernel buffer has no map at all). */
	p.t.word = MSGT_WORD(MACH_MSG_TYPE_MAKE_SEND, 64, false);
	KT_EXPECT(kmsg_call(space, &p, MACH_SEND_MSG, sizeof(p), 0, 0, 0) ==
		  MACH_SEND_INVALID_MEMORY);
	KT_EXPECT(send_refs(space, snd) == 1);
	p.t.word = MSGT_WORD(MACH_MSG_TYPE_MAKE_SEND, 64, true);
	p.t.number = 2;   /* runs past the end */
	KT_EXPECT(kmsg_call(space, &p, MACH_SEND_MSG, sizeof(p), 0, 0, 0) ==
		  MACH_SEND_MSG_TOO_SMALL);
	p.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	p.h.msgh_remote_port = snd;
	p.t.word = MSGT_WORD(99, 8, true);
	p.t.number = 1;
	KT_EXPECT(kmsg_call(space, &p, MACH_SEND_MSG, sizeof(p), 0, 0, 0) ==
		  MACH_SEND_INVALID_TYPE);
	KT_EXPECT(send_refs(space, snd) == 0);   /* consumed with the message */

	/* Nothing was queued by any of these. */
	KT_EXPECT(kmsg_call(space, &m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), port, 0) ==
		  MACH_RCV_TIMED_OUT);
	ipc_space_destroy(space);
	KT_EXPECT(ports_now() == before);
}

/* Receive timeouts, queue limits with a timed-out send that gives its
 * rights back, and MACH_RCV_LARGE. */
KTEST(ipc_msg_timeouts_and_limits)
{
	size_t before = ports_now();
	struct ipc_space *space = ipc_space_create();
	KT_ASSERT(space);
	mach_port_name_t port;
	KT_ASSERT(ipc_space_allocate(space, MACH_PORT_RIGHT_RECEIVE, &port) == KERN_SUCCESS);
	KT_ASSERT(ipc_space_insert_right(space, port, space, port, MACH_MSG_TYPE_MAKE_SEND) ==
		  KERN_SUCCESS);
	struct msg_int m;

	uint64_t t0 = clock_ns();
	KT_EXPECT(kmsg_call(space, &m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), port, 20) ==
		  MACH_RCV_TIMED_OUT);
	KT_EXPECT(clock_ns() - t0 >= 20 * NSEC_PER_MSEC);

	KT_ASSERT(ipc_space_set_qlimit(space, port, 1) == KERN_SUCCESS);
	fill_int(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), port, 0, 1, 1);
	KT_EXPECT(kmsg_call(space, &m, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(m), 0, 0, 10) ==
		  MACH_MSG_SUCCESS);
	KT_EXPECT(send_refs(space, port) == 1);
	fill_int(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0), port, 0, 2, 2);
	t0 = clock_ns();
	KT_EXPECT(kmsg_call(space, &m, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(m), 0, 0, 10) ==
		  MACH_SEND_TIMED_OUT);
	KT_EXPECT(clock_ns() - t0 >= 10 * NSEC_PER_MSEC);
	/* Pseudo-receive: the moved right is back, under its name. */
	KT_EXPECT(send_refs(space, port) == 1);
	KT_EXPECT(m.h.msgh_remote_port == port && m.value == 2);

	/* Too small a buffer with MACH_RCV_LARGE: the size, and the message
	 * stays; without it the message is gone. */
	m.h.msgh_size = 0;
	KT_EXPECT(kmsg_call(space, &m, MACH_RCV_MSG | MACH_RCV_LARGE | MACH_RCV_TIMEOUT, 0, 40,
			    port, 0) == MACH_RCV_TOO_LARGE);
	KT_EXPECT(m.h.msgh_size == sizeof(m));
	KT_EXPECT(kmsg_call(space, &m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, 40, port, 0) ==
		  MACH_RCV_TOO_LARGE);
	KT_EXPECT(kmsg_call(space, &m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), port, 0) ==
		  MACH_RCV_TIMED_OUT);

	/* A send-once right is never held back by the queue limit. */
	fill_int(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), port, 0, 3, 3);
	KT_EXPECT(kmsg_call(space, &m, MACH_SEND_MSG, sizeof(m), 0, 0, 0) == MACH_MSG_SUCCESS);
	fill_int(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND_ONCE, 0), port, 0, 4, 4);
	KT_EXPECT(kmsg_call(space, &m, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(m), 0, 0, 0) ==
		  MACH_MSG_SUCCESS);
	KT_EXPECT(kmsg_call(space, &m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), port, 0) ==
		  MACH_MSG_SUCCESS && m.value == 3);
	KT_EXPECT(kmsg_call(space, &m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), port, 0) ==
		  MACH_MSG_SUCCESS && m.value == 4);

	ipc_space_destroy(space);
	KT_EXPECT(ports_now() == before);
}

/* Two tasks: B's server thread (a kernel-side thread of B) blocks in
 * receive on a port set; A sends it a message carrying A's receive right
 * (MOVE_RECEIVE) and a reply right; the server answers through the reply
 * right and A receives the answer.  A's receive right now lives in B. */
static struct {
	struct ipc_space *b;
	mach_port_name_t set, service;
	mach_msg_return_t rcv, reply;
	mach_port_name_t got_port;
	mach_port_type_t got_type;
	struct kt_group group;
} srv;

static void server(void *unused)
{
	struct msg_port p;
	srv.rcv = kmsg_call(srv.b, &p, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(p), srv.set,
			    KT_PATIENCE_NS / NSEC_PER_MSEC);
	if (srv.rcv == MACH_MSG_SUCCESS) {
		srv.got_port = (mach_port_name_t)p.port;
		ipc_space_type(srv.b, srv.got_port, &srv.got_type);
		struct msg_int m;
		fill_int(&m, MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(p.h.msgh_bits), 0),
			 p.h.msgh_remote_port, 0, p.h.msgh_id + 100, 4321);
		srv.reply = kmsg_call(srv.b, &m, MACH_SEND_MSG, sizeof(m), 0, 0, 0);
	}
	kt_group_done(&srv.group);
}

KTEST(ipc_msg_between_tasks)
{
	memset(&srv, 0, sizeof(srv));
	kt_group_init(&srv.group);
	struct task *ta = task_create("kt-ipc-a"), *tb = task_create("kt-ipc-b");
	if (!ta || !tb) {
		KT_EXPECT(ta && tb);
		if (ta) { task_terminate(ta, 0, NULL); task_wait(ta); }
		if (tb) { task_terminate(tb, 0, NULL); task_wait(tb); }
		return;
	}
	size_t before = ports_now();
	struct ipc_space *a = ta->itk_space;
	srv.b = tb->itk_space;
	KT_EXPECT(ipc_space_allocate(srv.b, MACH_PORT_RIGHT_RECEIVE, &srv.service) == KERN_SUCCESS);
	KT_EXPECT(ipc_space_allocate(srv.b, MACH_PORT_RIGHT_PORT_SET, &srv.set) == KERN_SUCCESS);
	KT_EXPECT(ipc_space_move_member(srv.b, srv.service, srv.set) == KERN_SUCCESS);
	/* A gets a send right to the service. */
	struct ipc_port *sp = NULL;
	mach_port_name_t to_service = MACH_PORT_NULL, gift = MACH_PORT_NULL, reply = MACH_PORT_NULL;
	if (ipc_right_copyin(srv.b, srv.service, MACH_MSG_TYPE_MAKE_SEND, false, &sp) ==
	    KERN_SUCCESS)
		KT_EXPECT(ipc_right_copyout(a, sp, MACH_MSG_TYPE_PORT_SEND, false, &to_service) ==
			  KERN_SUCCESS);
	KT_EXPECT(ipc_space_allocate(a, MACH_PORT_RIGHT_RECEIVE, &gift) == KERN_SUCCESS);
	KT_EXPECT(ipc_space_allocate(a, MACH_PORT_RIGHT_RECEIVE, &reply) == KERN_SUCCESS);

	/* The server is more urgent: it runs and blocks at once. */
	struct thread *t = thread_create_task_kernel(tb, server, NULL, SCHED_PRIO_KERNEL - 1);
	KT_EXPECT(t);
	if (t)
		thread_start(t);

	struct msg_port p;
	memset(&p, 0, sizeof(p));
	p.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE) |
			MACH_MSGH_BITS_COMPLEX;
	p.h.msgh_remote_port = to_service;
	p.h.msgh_local_port = reply;
	p.h.msgh_id = 77;
	p.t.word = MSGT_WORD(MACH_MSG_TYPE_MOVE_RECEIVE, 64, true);
	p.t.number = 1;
	p.port = gift;
	struct msg_int m;
	memset(&m, 0, sizeof(m));
	KT_EXPECT(kmsg_call(a, &p, MACH_SEND_MSG, sizeof(p), 0, 0, 0) == MACH_MSG_SUCCESS);
	KT_EXPECT(kmsg_call(a, &m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), reply,
			    KT_PATIENCE_NS / NSEC_PER_MSEC) == MACH_MSG_SUCCESS);
	KT_EXPECT(kt_group_wait(&srv.group, 1));
	KT_EXPECT(srv.rcv == MACH_MSG_SUCCESS && srv.reply == MACH_MSG_SUCCESS);
	KT_EXPECT(m.value == 4321 && m.h.msgh_id == 177 && m.h.msgh_local_port == reply);
	KT_EXPECT(srv.got_type == MACH_PORT_TYPE_RECEIVE);
	mach_port_type_t type;
	KT_EXPECT(ipc_space_type(a, gift, &type) == KERN_INVALID_NAME);

	/* The tasks' ends take every port with them, their own included. */
	task_terminate(ta, 0, NULL);
	task_terminate(tb, 0, NULL);
	KT_EXPECT(task_wait(ta) == 0);
	task_wait(tb);
	KT_EXPECT(ports_now() == before - 2);
}

/* A blocked sender (queue full) goes on when a message is taken; a
 * blocked receiver that is interrupted gets MACH_RCV_INTERRUPTED. */
static struct {
	struct ipc_space *s;
	mach_port_name_t port;
	mach_msg_return_t send, rcv;
	struct kt_group group;
} blk;

static void blocked_sender(void *unused)
{
	struct msg_int m;
	fill_int(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), blk.port, 0, 2, 22);
	blk.send = kmsg_call(blk.s, &m, MACH_SEND_MSG, sizeof(m), 0, 0, 0);
	kt_group_done(&blk.group);
}

static void blocked_receiver(void *unused)
{
	struct msg_int m;
	blk.rcv = kmsg_call(blk.s, &m, MACH_RCV_MSG, 0, sizeof(m), blk.port, 0);
	kt_group_done(&blk.group);
}

KTEST(ipc_msg_blocking_and_interrupt)
{
	size_t before = ports_now();
	memset(&blk, 0, sizeof(blk));
	kt_group_init(&blk.group);
	blk.s = ipc_space_create();
	KT_ASSERT(blk.s);
	KT_ASSERT(ipc_space_allocate(blk.s, MACH_PORT_RIGHT_RECEIVE, &blk.port) == KERN_SUCCESS);
	KT_ASSERT(ipc_space_insert_right(blk.s, blk.port, blk.s, blk.port,
					 MACH_MSG_TYPE_MAKE_SEND) == KERN_SUCCESS);
	KT_ASSERT(ipc_space_set_qlimit(blk.s, blk.port, 1) == KERN_SUCCESS);
	struct msg_int m;
	fill_int(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), blk.port, 0, 1, 11);
	KT_ASSERT(kmsg_call(blk.s, &m, MACH_SEND_MSG, sizeof(m), 0, 0, 0) == MACH_MSG_SUCCESS);

	struct thread *t = thread_create_kernel("kt-ipc-sender", blocked_sender, NULL,
						SCHED_PRIO_KERNEL - 1);
	KT_ASSERT(t);
	thread_start(t);
	KT_EXPECT(blk.group.done == 0);   /* blocked on the full queue */
	KT_EXPECT(kmsg_call(blk.s, &m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), blk.port,
			    1000) == MACH_MSG_SUCCESS && m.value == 11);
	KT_EXPECT(kt_group_wait(&blk.group, 1));
	KT_EXPECT(blk.send == MACH_MSG_SUCCESS);
	KT_EXPECT(kmsg_call(blk.s, &m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), blk.port,
			    1000) == MACH_MSG_SUCCESS && m.value == 22);

	t = thread_create_kernel("kt-ipc-receiver", blocked_receiver, NULL, SCHED_PRIO_KERNEL - 1);
	KT_ASSERT(t);
	thread_start(t);
	KT_EXPECT(blk.group.done == 1);   /* blocked on the empty queue */
	thread_interrupt(t);
	KT_EXPECT(kt_group_wait(&blk.group, 2));
	KT_EXPECT(blk.rcv == MACH_RCV_INTERRUPTED);

	ipc_space_destroy(blk.s);
	KT_EXPECT(ports_now() == before);
}

/* A receiver blocked on a port whose receive right is destroyed wakes
 * with MACH_RCV_PORT_DIED; a blocked sender with MACH_SEND_INTERRUPTED
 * when interrupted. */
static struct {
	struct ipc_space *s;
	mach_port_name_t port;
	mach_msg_return_t rcv;
	struct kt_group group;
} dying;

static void dying_receiver(void *unused)
{
	struct msg_int m;
	dying.rcv = kmsg_call(dying.s, &m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m),
			      dying.port, KT_PATIENCE_NS / NSEC_PER_MSEC);
	kt_group_done(&dying.group);
}

KTEST(ipc_msg_port_dies_under_receiver)
{
	size_t before = ports_now();
	memset(&dying, 0, sizeof(dying));
	kt_group_init(&dying.group);
	dying.s = ipc_space_create();
	KT_ASSERT(dying.s);
	KT_ASSERT(ipc_space_allocate(dying.s, MACH_PORT_RIGHT_RECEIVE, &dying.port) ==
		  KERN_SUCCESS);
	struct thread *t = thread_create_kernel("kt-ipc-dying", dying_receiver, NULL,
						SCHED_PRIO_KERNEL - 1);
	KT_ASSERT(t);
	thread_start(t);
	KT_EXPECT(dying.group.done == 0);   /* it is blocked */
	KT_EXPECT(ipc_space_destroy_name(dying.s, dying.port) == KERN_SUCCESS);
	KT_EXPECT(kt_group_wait(&dying.group, 1));
	KT_EXPECT(dying.rcv == MACH_RCV_PORT_DIED);
	ipc_space_destroy(dying.s);
	KT_EXPECT(ports_now() == before);
}
