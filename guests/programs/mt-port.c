/* Mach test suite: port names, rights and their reference counts, port
 * sets, queue limits and protected payloads, all through the MIG stubs of
 * mach_port.defs (GNU Mach's documented behaviour). */
#include <mt.h>
#include <mach_init.h>
#include <mach/port.h>
#include "mach.h"
#include "mach_port.h"

static mach_port_t self;

static mach_port_urefs_t refs_of(mach_port_t name, mach_port_right_t right)
{
	mach_port_urefs_t refs = 0xdead;

	if (mach_port_get_refs(self, name, right, &refs) != KERN_SUCCESS)
		return 0xdead;
	return refs;
}

static mach_port_type_t type_of(mach_port_t name)
{
	mach_port_type_t type = 0xdead;

	if (mach_port_type(self, name, &type) != KERN_SUCCESS)
		return 0xdead;
	return type;
}

/* The receive status, or all ones (which no check expects) when the call
 * fails, so that checks of its fields fail too. */
static kern_return_t status_of(mach_port_t name, mach_port_status_t *st)
{
	kern_return_t kr = mach_port_get_receive_status(self, name, st);

	if (kr != KERN_SUCCESS)
		memset(st, 0xff, sizeof(*st));
	return kr;
}

static void test_allocate(void)
{
	mach_port_t rcv = MACH_PORT_NULL, set = MACH_PORT_NULL, dead = MACH_PORT_NULL;

	MT_KR(mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &rcv), KERN_SUCCESS,
	      "mach_port_allocate(RECEIVE)");
	mt_ok(MACH_PORT_VALID(rcv), "the new receive right has a valid name (0x%x)", rcv);
	mt_eq(type_of(rcv), MACH_PORT_TYPE_RECEIVE, "mach_port_type: a lone receive right");
	mt_eq(refs_of(rcv, MACH_PORT_RIGHT_RECEIVE), 1, "a receive right counts 1 reference");
	mt_eq(refs_of(rcv, MACH_PORT_RIGHT_SEND), 0, "and no send references");

	MT_KR(mach_port_allocate(self, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS,
	      "mach_port_allocate(PORT_SET)");
	mt_eq(type_of(set), MACH_PORT_TYPE_PORT_SET, "mach_port_type: a port set");

	MT_KR(mach_port_allocate(self, MACH_PORT_RIGHT_DEAD_NAME, &dead), KERN_SUCCESS,
	      "mach_port_allocate(DEAD_NAME)");
	mt_eq(type_of(dead), MACH_PORT_TYPE_DEAD_NAME, "mach_port_type: a dead name");
	mt_eq(refs_of(dead, MACH_PORT_RIGHT_DEAD_NAME), 1, "a new dead name has 1 reference");

	MT_KR(mach_port_allocate(self, MACH_PORT_RIGHT_SEND, &rcv), KERN_INVALID_VALUE,
	      "mach_port_allocate(SEND) is refused");
	MT_KR(mach_port_allocate(self, 77, &rcv), KERN_INVALID_VALUE,
	      "mach_port_allocate(bad right) is refused");

	MT_KR(mach_port_destroy(self, rcv), KERN_SUCCESS, "mach_port_destroy(receive)");
	MT_KR(mach_port_type(self, rcv, &(mach_port_type_t){0}), KERN_INVALID_NAME,
	      "a destroyed name is gone");
	MT_KR(mach_port_destroy(self, set), KERN_SUCCESS, "mach_port_destroy(port set)");
	MT_KR(mach_port_deallocate(self, dead), KERN_SUCCESS, "mach_port_deallocate(dead name)");
	MT_KR(mach_port_type(self, dead, &(mach_port_type_t){0}), KERN_INVALID_NAME,
	      "the dead name's last reference released the name");
}

static void test_allocate_name(void)
{
	mach_port_t name = 0x12345;

	MT_KR(mach_port_allocate_name(self, MACH_PORT_RIGHT_RECEIVE, name), KERN_SUCCESS,
	      "mach_port_allocate_name(RECEIVE, 0x12345)");
	mt_eq(type_of(name), MACH_PORT_TYPE_RECEIVE, "the chosen name holds a receive right");
	MT_KR(mach_port_allocate_name(self, MACH_PORT_RIGHT_RECEIVE, name), KERN_NAME_EXISTS,
	      "allocating a taken name: KERN_NAME_EXISTS");
	MT_KR(mach_port_allocate_name(self, MACH_PORT_RIGHT_RECEIVE, MACH_PORT_NULL),
	      KERN_INVALID_VALUE, "allocate_name(MACH_PORT_NULL): KERN_INVALID_VALUE");
	MT_KR(mach_port_allocate_name(self, MACH_PORT_RIGHT_RECEIVE, MACH_PORT_DEAD),
	      KERN_INVALID_VALUE, "allocate_name(MACH_PORT_DEAD): KERN_INVALID_VALUE");
	MT_KR(mach_port_rename(self, name, 0x23456), KERN_SUCCESS, "mach_port_rename");
	mt_eq(type_of(0x23456), MACH_PORT_TYPE_RECEIVE, "the right moved to the new name");
	MT_KR(mach_port_type(self, name, &(mach_port_type_t){0}), KERN_INVALID_NAME,
	      "the old name is free");
	MT_KR(mach_port_rename(self, 0x23456, MACH_PORT_NULL), KERN_INVALID_VALUE,
	      "rename to MACH_PORT_NULL: KERN_INVALID_VALUE");
	MT_KR(mach_port_rename(self, 0x777777, 0x888888), KERN_INVALID_NAME,
	      "rename of an unknown name: KERN_INVALID_NAME");
	MT_KR(mach_port_destroy(self, 0x23456), KERN_SUCCESS, "destroy the renamed port");
}

static void test_refs(void)
{
	mach_port_t port = MACH_PORT_NULL;

	if (mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &port) != KERN_SUCCESS) {
		mt_fail("reference counting", "cannot allocate a port");
		return;
	}
	MT_KR(mach_port_insert_right(self, port, port, MACH_MSG_TYPE_MAKE_SEND),
	      KERN_SUCCESS, "insert_right(MAKE_SEND) under the receive right's name");
	mt_eq(type_of(port), MACH_PORT_TYPE_SEND_RECEIVE, "the name holds send and receive");
	mt_eq(refs_of(port, MACH_PORT_RIGHT_SEND), 1, "1 send reference");
	MT_KR(mach_port_mod_refs(self, port, MACH_PORT_RIGHT_SEND, 4), KERN_SUCCESS,
	      "mod_refs(SEND, +4)");
	mt_eq(refs_of(port, MACH_PORT_RIGHT_SEND), 5, "5 send references");
	MT_KR(mach_port_mod_refs(self, port, MACH_PORT_RIGHT_SEND, -6), KERN_INVALID_VALUE,
	      "mod_refs below zero: KERN_INVALID_VALUE");
	mt_eq(refs_of(port, MACH_PORT_RIGHT_SEND), 5, "a refused mod_refs changes nothing");
	MT_KR(mach_port_deallocate(self, port), KERN_SUCCESS, "deallocate drops one send ref");
	mt_eq(refs_of(port, MACH_PORT_RIGHT_SEND), 4, "4 send references");
	MT_KR(mach_port_mod_refs(self, port, MACH_PORT_RIGHT_SEND, -4), KERN_SUCCESS,
	      "mod_refs(SEND, -4)");
	mt_eq(type_of(port), MACH_PORT_TYPE_RECEIVE, "only the receive right is left");
	MT_KR(mach_port_mod_refs(self, port, MACH_PORT_RIGHT_RECEIVE, 1), KERN_INVALID_VALUE,
	      "a receive right cannot get a second reference");
	MT_KR(mach_port_mod_refs(self, port, MACH_PORT_RIGHT_PORT_SET, -1), KERN_INVALID_RIGHT,
	      "mod_refs of a right the name does not hold: KERN_INVALID_RIGHT");
	/* A send-once right always takes a name of its own. */
	MT_KR(mach_port_insert_right(self, port, port, MACH_MSG_TYPE_MAKE_SEND_ONCE),
	      KERN_NAME_EXISTS, "insert_right(MAKE_SEND_ONCE) under a used name: KERN_NAME_EXISTS");
	MT_KR(mach_port_insert_right(self, port + 0x200, port, MACH_MSG_TYPE_MAKE_SEND_ONCE),
	      KERN_SUCCESS, "insert_right(MAKE_SEND_ONCE) under a free name");
	mt_eq(type_of(port + 0x200), MACH_PORT_TYPE_SEND_ONCE, "that name holds a send-once right");
	/* One port has at most one name in a space. */
	MT_KR(mach_port_insert_right(self, port + 0x100, port, MACH_MSG_TYPE_MAKE_SEND),
	      KERN_RIGHT_EXISTS, "insert_right under a second name: KERN_RIGHT_EXISTS");
	MT_KR(mach_port_mod_refs(self, port, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS,
	      "mod_refs(RECEIVE, -1) destroys the receive right");
	mt_eq(type_of(port), 0xdead, "the name is gone");
	mt_eq(type_of(port + 0x200), MACH_PORT_TYPE_DEAD_NAME, "the send-once right became a dead name");
	MT_KR(mach_port_deallocate(self, port + 0x200), KERN_SUCCESS, "release the dead name");
}

static void test_extract(void)
{
	mach_port_t port = MACH_PORT_NULL, got = MACH_PORT_NULL;
	mach_msg_type_name_t gtype = 0;

	if (mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &port) != KERN_SUCCESS) {
		mt_fail("extract_right", "cannot allocate a port");
		return;
	}
	MT_KR(mach_port_extract_right(self, port, MACH_MSG_TYPE_MAKE_SEND, &got, &gtype),
	      KERN_SUCCESS, "extract_right(MAKE_SEND)");
	mt_eq(gtype, MACH_MSG_TYPE_PORT_SEND, "it comes back as a send right");
	mt_eq(got, port, "named as the receive right (one name per port in a space)");
	mt_eq(refs_of(port, MACH_PORT_RIGHT_SEND), 1, "one send reference in the name");
	MT_KR(mach_port_extract_right(self, port, MACH_MSG_TYPE_MOVE_RECEIVE, &got, &gtype),
	      KERN_SUCCESS, "extract_right(MOVE_RECEIVE)");
	mt_eq(gtype, MACH_MSG_TYPE_PORT_RECEIVE, "it comes back as a receive right");
	MT_KR(mach_port_extract_right(self, 0x4444, MACH_MSG_TYPE_COPY_SEND, &got, &gtype),
	      KERN_INVALID_NAME, "extract_right of an unknown name");
	MT_KR(mach_port_extract_right(self, port, 99, &got, &gtype),
	      KERN_INVALID_VALUE, "extract_right with a bad disposition");
	(void)mach_port_destroy(self, port);
}

static void test_names(void)
{
	mach_port_t a = 0, b = 0;
	mach_port_name_array_t names = 0;
	mach_port_type_array_t types = 0;
	mach_msg_type_number_t nn = 0, nt = 0;
	bool saw_a = false, saw_b = false;

	(void)mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &a);
	(void)mach_port_allocate(self, MACH_PORT_RIGHT_PORT_SET, &b);
	if (!MT_KR(mach_port_names(self, &names, &nn, &types, &nt), KERN_SUCCESS,
		   "mach_port_names"))
		goto out;
	mt_eq(nn, nt, "as many types as names");
	for (mach_msg_type_number_t i = 0; i < nn; i++) {
		if (names[i] == a && types[i] == MACH_PORT_TYPE_RECEIVE)
			saw_a = true;
		if (names[i] == b && types[i] == MACH_PORT_TYPE_PORT_SET)
			saw_b = true;
	}
	mt_ok(saw_a, "mach_port_names lists the receive right with its type");
	mt_ok(saw_b, "mach_port_names lists the port set with its type");
	MT_KR(vm_deallocate(self, (vm_address_t)names, nn * sizeof(*names)), KERN_SUCCESS,
	      "the names array is ordinary memory of ours");
	(void)vm_deallocate(self, (vm_address_t)types, nt * sizeof(*types));
out:
	(void)mach_port_destroy(self, a);
	(void)mach_port_destroy(self, b);
}

static void test_sets(void)
{
	mach_port_t set = 0, p1 = 0, p2 = 0, set2 = 0;
	mach_port_name_array_t members = 0;
	mach_msg_type_number_t count = 0;
	mach_port_status_t st;

	(void)mach_port_allocate(self, MACH_PORT_RIGHT_PORT_SET, &set);
	(void)mach_port_allocate(self, MACH_PORT_RIGHT_PORT_SET, &set2);
	(void)mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &p1);
	(void)mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &p2);
	MT_KR(mach_port_move_member(self, p1, set), KERN_SUCCESS, "move_member p1 -> set");
	MT_KR(mach_port_move_member(self, p2, set), KERN_SUCCESS, "move_member p2 -> set");
	if (MT_KR(mach_port_get_set_status(self, set, &members, &count), KERN_SUCCESS,
		  "get_set_status")) {
		mt_eq(count, 2, "the set has two members");
		mt_ok(count == 2 && ((members[0] == p1 && members[1] == p2) ||
				     (members[0] == p2 && members[1] == p1)),
		      "the members are p1 and p2");
		(void)vm_deallocate(self, (vm_address_t)members, count * sizeof(*members));
	}
	MT_KR(status_of(p1, &st), KERN_SUCCESS,
	      "get_receive_status of a member");
	mt_eq(st.mps_pset, set, "mps_pset names the set");
	MT_KR(mach_port_move_member(self, p1, set2), KERN_SUCCESS, "move p1 to another set");
	count = 0;
	if (mach_port_get_set_status(self, set, &members, &count) == KERN_SUCCESS) {
		mt_eq(count, 1, "the first set has one member left");
		(void)vm_deallocate(self, (vm_address_t)members, count * sizeof(*members));
	}
	MT_KR(mach_port_move_member(self, p1, MACH_PORT_NULL), KERN_SUCCESS,
	      "move_member(p1, NULL) takes it out of its set");
	MT_KR(status_of(p1, &st), KERN_SUCCESS, "get_receive_status");
	mt_eq(st.mps_pset, MACH_PORT_NULL, "p1 is in no set");
	MT_KR(mach_port_move_member(self, set, set2), KERN_INVALID_RIGHT,
	      "a set cannot be a member");
	MT_KR(mach_port_move_member(self, p1, p2), KERN_INVALID_RIGHT,
	      "a receive right is not a set");
	MT_KR(mach_port_get_set_status(self, p1, &members, &count), KERN_INVALID_RIGHT,
	      "get_set_status of a receive right");
	MT_KR(mach_port_destroy(self, set), KERN_SUCCESS, "destroy a set with a member");
	MT_KR(status_of(p2, &st), KERN_SUCCESS,
	      "the member survives its set");
	mt_eq(st.mps_pset, MACH_PORT_NULL, "and is in no set");
	(void)mach_port_destroy(self, set2);
	(void)mach_port_destroy(self, p1);
	(void)mach_port_destroy(self, p2);
}

/* Send a header-only message to port and check what the receiver sees
 * in msgh_local_port and the local bits. */
static void payload_probe(mach_port_t port, uint64_t want_local,
			  mach_msg_type_name_t want_type, const char *what)
{
	struct {
		mach_msg_header_t h;
		char room[64];
	} m;
	mach_msg_return_t mr;

	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.h.msgh_remote_port = port;
	mr = mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, sizeof(m.h),
		      sizeof(m), port, 1000, MACH_PORT_NULL);
	mt_ok(mr == MACH_MSG_SUCCESS && m.h.msgh_protected_payload == want_local &&
	      MACH_MSGH_BITS_LOCAL(m.h.msgh_bits) == want_type,
	      "%s (mr 0x%x, local 0x%lx, type %u)", what, mr,
	      (unsigned long)m.h.msgh_protected_payload, MACH_MSGH_BITS_LOCAL(m.h.msgh_bits));
}

static void test_status(void)
{
	mach_port_t port = 0;
	mach_port_status_t st;

	(void)mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &port);
	if (!MT_KR(status_of(port, &st), KERN_SUCCESS,
		   "get_receive_status of a new port"))
		goto out;
	mt_eq(st.mps_qlimit, MACH_PORT_QLIMIT_DEFAULT, "default qlimit");
	mt_eq(st.mps_msgcount, 0, "no messages");
	mt_eq(st.mps_srights, 0, "no send rights");
	mt_eq(st.mps_mscount, 0, "make-send count 0");
	MT_KR(mach_port_set_qlimit(self, port, 1), KERN_SUCCESS, "set_qlimit(1)");
	MT_KR(mach_port_set_qlimit(self, port, MACH_PORT_QLIMIT_MAX + 1), KERN_INVALID_VALUE,
	      "set_qlimit above the maximum");
	MT_KR(mach_port_set_mscount(self, port, 7), KERN_SUCCESS, "set_mscount(7)");
	MT_KR(mach_port_set_seqno(self, port, 40), KERN_SUCCESS, "set_seqno(40)");
	MT_KR(mach_port_insert_right(self, port, port, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS,
	      "make a send right");
	if (MT_KR(status_of(port, &st), KERN_SUCCESS,
		  "get_receive_status again")) {
		mt_eq(st.mps_qlimit, 1, "qlimit is 1");
		mt_eq(st.mps_mscount, 8, "make-send count went 7 -> 8");
		mt_eq(st.mps_srights, 1, "a send right exists");
		mt_eq(st.mps_seqno, 40, "seqno as set");
	}
	MT_KR(mach_port_set_protected_payload(self, port, 0xfeedface), KERN_SUCCESS,
	      "set_protected_payload");
	payload_probe(port, 0xfeedface, MACH_MSG_TYPE_PROTECTED_PAYLOAD,
		      "with a payload: msgh_local_port carries it, type PROTECTED_PAYLOAD");
	MT_KR(mach_port_clear_protected_payload(self, port), KERN_SUCCESS,
	      "clear_protected_payload");
	payload_probe(port, port, MACH_MSG_TYPE_PORT_SEND,
		      "cleared: msgh_local_port is the name again");
	MT_KR(mach_port_set_protected_payload(self, 0x5555, 1), KERN_INVALID_NAME,
	      "set_protected_payload of an unknown name");
	MT_KR(mach_port_get_receive_status(self, 0x5555, &st), KERN_INVALID_NAME,
	      "get_receive_status of an unknown name");
out:
	(void)mach_port_destroy(self, port);
}

static void test_task_port(void)
{
	mach_port_t again = mach_task_self();
	mach_port_urefs_t before;

	mt_eq(again, self, "mach_task_self gives the same name each time");
	before = refs_of(self, MACH_PORT_RIGHT_SEND);
	(void)mach_task_self();
	mt_eq(refs_of(self, MACH_PORT_RIGHT_SEND), before + 1,
	      "each mach_task_self adds a send reference");
	MT_KR(mach_port_deallocate(self, self), KERN_SUCCESS, "give one back");
	mt_eq(type_of(self), MACH_PORT_TYPE_SEND, "the task port name holds a send right");
}

/* Two threads making RPCs at once: each must use its own reply port
 * (guests/lib/mach/mig_support.c), or answers would cross. */
static volatile int worker_good, worker_done;
static char worker_stack[16384] __attribute__((aligned(16)));
static mach_port_t worker_port;

static void rpc_worker(void *arg)
{
	for (int i = 0; i < 300; i++) {
		mach_port_type_t t = 0;
		if (mach_port_type(self, worker_port, &t) == KERN_SUCCESS &&
		    t == MACH_PORT_TYPE_RECEIVE)
			worker_good++;
	}
	worker_done = 1;
}

static void test_concurrent_rpcs(void)
{
	mach_port_t set = 0;
	int good = 0;

	worker_port = mach_reply_port();
	(void)mach_port_allocate(self, MACH_PORT_RIGHT_PORT_SET, &set);
	if (thread_spawn(rpc_worker, NULL, worker_stack, sizeof(worker_stack)) < 0) {
		mt_fail("concurrent RPCs", "thread_spawn failed");
		return;
	}
	for (int i = 0; i < 300; i++) {
		mach_port_type_t t = 0;
		if (mach_port_type(self, set, &t) == KERN_SUCCESS && t == MACH_PORT_TYPE_PORT_SET)
			good++;
	}
	for (int i = 0; i < 400 && !worker_done; i++)
		sleep_ms(5);
	mt_eq(good, 300, "300 RPCs from this thread, beside another thread's");
	mt_eq(worker_good, 300, "300 RPCs from the other thread, each with its own answer");
	(void)mach_port_destroy(self, set);
	(void)mach_port_destroy(self, worker_port);
}

int main(int argc, char **argv, char **envp)
{
	mt_begin("mt-port");
	self = mach_task_self();
	test_task_port();
	test_allocate();
	test_allocate_name();
	test_refs();
	test_extract();
	test_names();
	test_sets();
	test_status();
	test_concurrent_rpcs();
	return mt_end();
}
