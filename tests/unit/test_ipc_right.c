/* Host tests for right transfer (src/ipc/right.c): the effect of every
 * message disposition on the sending and the receiving space, reference
 * and right counts on the port, dead names after the receive right is
 * destroyed (lazily converted), dead ports in transit, insert/extract
 * right, and the errors that leave a space unchanged. */
#include <check.h>
#include <stdlib.h>
#include <ipc/right.h>
#include "ipc_host_stubs.h"

static struct ipc_space *A, *B, *C;

static void setup(void)
{
	A = ipc_space_create();
	B = ipc_space_create();
	C = ipc_space_create();
}

static size_t ports_alive(void)
{
	struct ipc_stats st;
	ipc_stats(&st);
	return st.ports + st.psets;
}

static void teardown(void)
{
	ipc_space_destroy(A);
	ipc_space_destroy(B);
	ipc_space_destroy(C);
}

static void destroy_all_and_check(void)
{
	teardown();
	A = B = C = NULL;
	ck_assert_uint_eq(ports_alive(), 0);
	ck_assert_uint_eq(stub_live_allocs, 0);
}

static mach_port_type_t type_of(struct ipc_space *s, mach_port_name_t n)
{
	mach_port_type_t t = 0xdead;
	ck_assert_int_eq(ipc_space_type(s, n, &t), KERN_SUCCESS);
	return t;
}

static bool name_gone(struct ipc_space *s, mach_port_name_t n)
{
	mach_port_type_t t;
	return ipc_space_type(s, n, &t) == KERN_INVALID_NAME;
}

static mach_port_urefs_t refs_of(struct ipc_space *s, mach_port_name_t n, mach_port_right_t r)
{
	mach_port_urefs_t u = 0xdead;
	ck_assert_int_eq(ipc_space_get_refs(s, n, r, &u), KERN_SUCCESS);
	return u;
}

/* Send name from src with disposition and receive it in dst: the name
 * there. */
static mach_port_name_t transfer(struct ipc_space *src, mach_port_name_t name,
				 mach_msg_type_name_t disp, struct ipc_space *dst)
{
	struct ipc_port *p = NULL;
	mach_port_name_t out = MACH_PORT_NULL;
	ck_assert_int_eq(ipc_right_copyin(src, name, disp, true, &p), KERN_SUCCESS);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(ipc_right_copyout(dst, p, ipc_right_transit_type(disp), false, &out),
			 KERN_SUCCESS);
	return out;
}

static struct ipc_port *port_of(struct ipc_space *s, mach_port_name_t n)
{
	return (struct ipc_port *)ipc_entry_lookup(s, n)->object;
}

static mach_port_name_t new_port(struct ipc_space *s)
{
	mach_port_name_t n;
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &n), KERN_SUCCESS);
	return n;
}

START_TEST(test_make_send)
{
	mach_port_name_t r = new_port(A);
	struct ipc_port *port = port_of(A, r);
	mach_port_name_t s1 = transfer(A, r, MACH_MSG_TYPE_MAKE_SEND, B);
	ck_assert_uint_eq(type_of(A, r), MACH_PORT_TYPE_RECEIVE);
	ck_assert_uint_eq(type_of(B, s1), MACH_PORT_TYPE_SEND);
	ck_assert_uint_eq(refs_of(B, s1, MACH_PORT_RIGHT_SEND), 1);
	ck_assert_uint_eq(port->srights, 1);
	ck_assert_uint_eq(port->mscount, 1);
	ck_assert_uint_eq(port->obj.refs, 2);
	/* The same port arriving again gets the same name. */
	mach_port_name_t s2 = transfer(A, r, MACH_MSG_TYPE_MAKE_SEND, B);
	ck_assert_uint_eq(s2, s1);
	ck_assert_uint_eq(refs_of(B, s1, MACH_PORT_RIGHT_SEND), 2);
	ck_assert_uint_eq(port->srights, 1);
	ck_assert_uint_eq(port->mscount, 2);
	ck_assert_uint_eq(port->obj.refs, 2);
	ck_assert_uint_eq(B->nr_entries, 1);
	/* And into the receiver's own space: joins the receive right's name. */
	mach_port_name_t s3 = transfer(A, r, MACH_MSG_TYPE_MAKE_SEND, A);
	ck_assert_uint_eq(s3, r);
	ck_assert_uint_eq(type_of(A, r), MACH_PORT_TYPE_SEND_RECEIVE);
	ck_assert_uint_eq(port->srights, 2);
	ck_assert_uint_eq(port->obj.refs, 2);
	destroy_all_and_check();
}
END_TEST

START_TEST(test_copy_send)
{
	mach_port_name_t r = new_port(A);
	struct ipc_port *port = port_of(A, r);
	mach_port_name_t sb = transfer(A, r, MACH_MSG_TYPE_MAKE_SEND, B);
	mach_port_name_t sc = transfer(B, sb, MACH_MSG_TYPE_COPY_SEND, C);
	ck_assert_uint_eq(refs_of(B, sb, MACH_PORT_RIGHT_SEND), 1);   /* unchanged */
	ck_assert_uint_eq(refs_of(C, sc, MACH_PORT_RIGHT_SEND), 1);
	ck_assert_uint_eq(port->srights, 2);
	ck_assert_uint_eq(port->mscount, 1);
	ck_assert_uint_eq(port->obj.refs, 3);
	/* Copy back to its own space: one more user reference. */
	ck_assert_uint_eq(transfer(B, sb, MACH_MSG_TYPE_COPY_SEND, B), sb);
	ck_assert_uint_eq(refs_of(B, sb, MACH_PORT_RIGHT_SEND), 2);
	ck_assert_uint_eq(port->srights, 2);
	/* COPY_SEND needs a send right. */
	struct ipc_port *p;
	ck_assert_int_eq(ipc_right_copyin(A, r, MACH_MSG_TYPE_COPY_SEND, true, &p), KERN_INVALID_RIGHT);
	destroy_all_and_check();
}
END_TEST

START_TEST(test_move_send)
{
	mach_port_name_t r = new_port(A);
	struct ipc_port *port = port_of(A, r);
	mach_port_name_t sb = transfer(A, r, MACH_MSG_TYPE_MAKE_SEND, B);
	ck_assert_int_eq(ipc_space_mod_refs(B, sb, MACH_PORT_RIGHT_SEND, 1), KERN_SUCCESS);
	mach_port_name_t sc = transfer(B, sb, MACH_MSG_TYPE_MOVE_SEND, C);
	ck_assert_uint_eq(refs_of(B, sb, MACH_PORT_RIGHT_SEND), 1);
	ck_assert_uint_eq(refs_of(C, sc, MACH_PORT_RIGHT_SEND), 1);
	ck_assert_uint_eq(port->srights, 2);
	ck_assert_uint_eq(port->obj.refs, 3);
	/* The last reference moves the right itself; the name goes. */
	ck_assert_uint_eq(transfer(B, sb, MACH_MSG_TYPE_MOVE_SEND, C), sc);
	ck_assert(name_gone(B, sb));
	ck_assert_uint_eq(B->nr_entries, 0);
	ck_assert_uint_eq(refs_of(C, sc, MACH_PORT_RIGHT_SEND), 2);
	ck_assert_uint_eq(port->srights, 1);
	ck_assert_uint_eq(port->obj.refs, 2);
	/* From a send+receive name, the receive right stays. */
	ck_assert_uint_eq(transfer(C, sc, MACH_MSG_TYPE_COPY_SEND, A), r);
	ck_assert_uint_eq(type_of(A, r), MACH_PORT_TYPE_SEND_RECEIVE);
	mach_port_name_t sb2 = transfer(A, r, MACH_MSG_TYPE_MOVE_SEND, B);
	ck_assert_uint_eq(type_of(A, r), MACH_PORT_TYPE_RECEIVE);
	ck_assert_uint_eq(refs_of(B, sb2, MACH_PORT_RIGHT_SEND), 1);
	ck_assert_uint_eq(port->srights, 2);
	ck_assert_uint_eq(port->obj.refs, 3);
	struct ipc_port *p;
	ck_assert_int_eq(ipc_right_copyin(A, r, MACH_MSG_TYPE_MOVE_SEND, true, &p), KERN_INVALID_RIGHT);
	destroy_all_and_check();
}
END_TEST

START_TEST(test_send_once)
{
	mach_port_name_t r = new_port(A);
	struct ipc_port *port = port_of(A, r);
	mach_port_name_t o1 = transfer(A, r, MACH_MSG_TYPE_MAKE_SEND_ONCE, B);
	mach_port_name_t o2 = transfer(A, r, MACH_MSG_TYPE_MAKE_SEND_ONCE, B);
	/* Each send-once right has its own name. */
	ck_assert_uint_ne(o1, o2);
	ck_assert_uint_eq(type_of(B, o1), MACH_PORT_TYPE_SEND_ONCE);
	ck_assert_uint_eq(refs_of(B, o1, MACH_PORT_RIGHT_SEND_ONCE), 1);
	ck_assert_uint_eq(refs_of(B, o1, MACH_PORT_RIGHT_SEND), 0);
	ck_assert_uint_eq(port->sorights, 2);
	ck_assert_uint_eq(port->srights, 0);
	ck_assert_uint_eq(port->obj.refs, 3);
	/* Move one on: gone from B. */
	mach_port_name_t oc = transfer(B, o1, MACH_MSG_TYPE_MOVE_SEND_ONCE, C);
	ck_assert(name_gone(B, o1));
	ck_assert_uint_eq(type_of(C, oc), MACH_PORT_TYPE_SEND_ONCE);
	ck_assert_uint_eq(port->sorights, 2);
	/* Send-once cannot be copied or moved as send; deallocate uses it up. */
	struct ipc_port *p;
	ck_assert_int_eq(ipc_right_copyin(B, o2, MACH_MSG_TYPE_COPY_SEND, true, &p), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_right_copyin(B, o2, MACH_MSG_TYPE_MOVE_SEND, true, &p), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_mod_refs(B, o2, MACH_PORT_RIGHT_SEND_ONCE, 1), KERN_INVALID_VALUE);
	ck_assert_int_eq(ipc_space_deallocate(B, o2), KERN_SUCCESS);
	ck_assert(name_gone(B, o2));
	ck_assert_uint_eq(port->sorights, 1);
	ck_assert_int_eq(ipc_space_mod_refs(C, oc, MACH_PORT_RIGHT_SEND_ONCE, -1), KERN_SUCCESS);
	ck_assert_uint_eq(port->sorights, 0);
	ck_assert_uint_eq(port->obj.refs, 1);
	/* A send right cannot move as send-once. */
	mach_port_name_t sb = transfer(A, r, MACH_MSG_TYPE_MAKE_SEND, B);
	ck_assert_int_eq(ipc_right_copyin(B, sb, MACH_MSG_TYPE_MOVE_SEND_ONCE, true, &p),
			 KERN_INVALID_RIGHT);
	destroy_all_and_check();
}
END_TEST

START_TEST(test_move_receive)
{
	mach_port_name_t r = new_port(A);
	struct ipc_port *port = port_of(A, r);
	mach_port_name_t set;
	ck_assert_int_eq(ipc_space_allocate(A, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_move_member(A, r, set), KERN_SUCCESS);
	mach_port_name_t rb = transfer(A, r, MACH_MSG_TYPE_MOVE_RECEIVE, B);
	ck_assert(name_gone(A, r));
	ck_assert_uint_eq(type_of(B, rb), MACH_PORT_TYPE_RECEIVE);
	ck_assert_ptr_eq(port->receiver, B);
	ck_assert_uint_eq(port->receiver_name, rb);
	ck_assert_ptr_null(port->pset);   /* left its set on the way out */
	size_t cnt;
	ck_assert_int_eq(ipc_space_get_set_status(A, set, NULL, 0, &cnt), KERN_SUCCESS);
	ck_assert_uint_eq(cnt, 0);
	ck_assert_uint_eq(port->obj.refs, 1);
	/* Into a space that holds send rights: the names merge. */
	mach_port_name_t sc = transfer(B, rb, MACH_MSG_TYPE_MAKE_SEND, C);
	ck_assert_uint_eq(transfer(B, rb, MACH_MSG_TYPE_MOVE_RECEIVE, C), sc);
	ck_assert_uint_eq(type_of(C, sc), MACH_PORT_TYPE_SEND_RECEIVE);
	ck_assert_uint_eq(refs_of(C, sc, MACH_PORT_RIGHT_SEND), 1);
	ck_assert_ptr_eq(port->receiver, C);
	ck_assert_uint_eq(port->obj.refs, 1);
	ck_assert_uint_eq(port->srights, 1);
	/* Out of a send+receive name: the send right stays behind. */
	mach_port_name_t ra = transfer(C, sc, MACH_MSG_TYPE_MOVE_RECEIVE, A);
	ck_assert_uint_eq(type_of(C, sc), MACH_PORT_TYPE_SEND);
	ck_assert_uint_eq(type_of(A, ra), MACH_PORT_TYPE_RECEIVE);
	ck_assert_uint_eq(port->obj.refs, 2);
	/* The receive right in transit: nobody receives. */
	struct ipc_port *p;
	ck_assert_int_eq(ipc_right_copyin(A, ra, MACH_MSG_TYPE_MOVE_RECEIVE, true, &p), KERN_SUCCESS);
	ck_assert_ptr_null(port->receiver);
	ck_assert(port->active);
	ck_assert_int_eq(ipc_right_copyin(C, sc, MACH_MSG_TYPE_MOVE_RECEIVE, true, &p),
			 KERN_INVALID_RIGHT);
	ipc_right_destroy_transit(port, MACH_MSG_TYPE_PORT_RECEIVE);
	ck_assert_uint_eq(type_of(C, sc), MACH_PORT_TYPE_DEAD_NAME);
	destroy_all_and_check();
}
END_TEST

/* Destroying the receive right: every holder sees a dead name, with its
 * send references kept and a send-once right counted as one; the port is
 * freed once the last holder has noticed. */
START_TEST(test_destroy_gives_dead_names)
{
	mach_port_name_t r = new_port(A);
	mach_port_name_t sb = transfer(A, r, MACH_MSG_TYPE_MAKE_SEND, B);
	ck_assert_int_eq(ipc_space_mod_refs(B, sb, MACH_PORT_RIGHT_SEND, 2), KERN_SUCCESS);
	mach_port_name_t oc = transfer(A, r, MACH_MSG_TYPE_MAKE_SEND_ONCE, C);
	mach_port_name_t sc = transfer(A, r, MACH_MSG_TYPE_MAKE_SEND, C);
	ck_assert_uint_eq(ports_alive(), 1);
	ck_assert_int_eq(ipc_space_destroy_name(A, r), KERN_SUCCESS);
	ck_assert(name_gone(A, r));
	ck_assert_uint_eq(ports_alive(), 1);   /* still referenced by B and C */
	ck_assert_uint_eq(type_of(B, sb), MACH_PORT_TYPE_DEAD_NAME);
	ck_assert_uint_eq(refs_of(B, sb, MACH_PORT_RIGHT_DEAD_NAME), 3);
	ck_assert_uint_eq(refs_of(B, sb, MACH_PORT_RIGHT_SEND), 0);
	ck_assert_uint_eq(type_of(C, oc), MACH_PORT_TYPE_DEAD_NAME);
	ck_assert_uint_eq(refs_of(C, oc, MACH_PORT_RIGHT_DEAD_NAME), 1);
	ck_assert_uint_eq(ports_alive(), 1);
	size_t cnt;
	mach_port_name_t names[4];
	mach_port_type_t types[4];
	ck_assert_int_eq(ipc_space_names(C, names, types, 4, &cnt), KERN_SUCCESS);
	ck_assert_uint_eq(cnt, 2);
	ck_assert_uint_eq(types[0], MACH_PORT_TYPE_DEAD_NAME);
	ck_assert_uint_eq(types[1], MACH_PORT_TYPE_DEAD_NAME);
	ck_assert_uint_eq(ports_alive(), 0);   /* the listing converted sc too */
	/* Dead names in messages: copy leaves the references, move takes one,
	 * and a caller that does not accept dead names gets INVALID_RIGHT. */
	struct ipc_port *p;
	ck_assert_int_eq(ipc_right_copyin(B, sb, MACH_MSG_TYPE_COPY_SEND, true, &p), KERN_SUCCESS);
	ck_assert_ptr_eq(p, IPC_PORT_DEAD);
	ck_assert_uint_eq(refs_of(B, sb, MACH_PORT_RIGHT_DEAD_NAME), 3);
	ck_assert_int_eq(ipc_right_copyin(B, sb, MACH_MSG_TYPE_MOVE_SEND, true, &p), KERN_SUCCESS);
	ck_assert_ptr_eq(p, IPC_PORT_DEAD);
	ck_assert_uint_eq(refs_of(B, sb, MACH_PORT_RIGHT_DEAD_NAME), 2);
	ck_assert_int_eq(ipc_right_copyin(B, sb, MACH_MSG_TYPE_MOVE_SEND, false, &p), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_right_copyin(B, sb, MACH_MSG_TYPE_MAKE_SEND, true, &p), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_right_copyin(C, oc, MACH_MSG_TYPE_MOVE_SEND_ONCE, true, &p), KERN_SUCCESS);
	ck_assert_ptr_eq(p, IPC_PORT_DEAD);
	ck_assert(name_gone(C, oc));
	mach_port_name_t out;
	ck_assert_int_eq(ipc_right_copyout(A, IPC_PORT_DEAD, MACH_MSG_TYPE_PORT_SEND, false, &out),
			 KERN_SUCCESS);
	ck_assert_uint_eq(out, MACH_PORT_DEAD);
	ck_assert_uint_eq(A->nr_entries, 0);
	(void)sc;
	destroy_all_and_check();
}
END_TEST

/* A port that dies while a right to it is in a message arrives as
 * MACH_PORT_DEAD and its counts drop. */
START_TEST(test_death_in_transit)
{
	mach_port_name_t r = new_port(A);
	struct ipc_port *s1, *s2, *so;
	ck_assert_int_eq(ipc_right_copyin(A, r, MACH_MSG_TYPE_MAKE_SEND, true, &s1), KERN_SUCCESS);
	ck_assert_int_eq(ipc_right_copyin(A, r, MACH_MSG_TYPE_MAKE_SEND, true, &s2), KERN_SUCCESS);
	ck_assert_int_eq(ipc_right_copyin(A, r, MACH_MSG_TYPE_MAKE_SEND_ONCE, true, &so), KERN_SUCCESS);
	ck_assert_uint_eq(s1->obj.refs, 4);
	ck_assert_int_eq(ipc_space_destroy_name(A, r), KERN_SUCCESS);
	ck_assert_uint_eq(s1->srights, 2);
	mach_port_name_t out;
	ck_assert_int_eq(ipc_right_copyout(B, s1, MACH_MSG_TYPE_PORT_SEND, false, &out), KERN_SUCCESS);
	ck_assert_uint_eq(out, MACH_PORT_DEAD);
	ck_assert_uint_eq(s1->srights, 1);
	ck_assert_int_eq(ipc_right_copyout(B, so, MACH_MSG_TYPE_PORT_SEND_ONCE, false, &out),
			 KERN_SUCCESS);
	ck_assert_uint_eq(out, MACH_PORT_DEAD);
	ck_assert_uint_eq(B->nr_entries, 0);
	ck_assert_uint_eq(ports_alive(), 1);
	ipc_right_destroy_transit(s2, MACH_MSG_TYPE_PORT_SEND);
	ck_assert_uint_eq(ports_alive(), 0);
	destroy_all_and_check();
}
END_TEST

START_TEST(test_copyin_errors_leave_space)
{
	mach_port_name_t r = new_port(A);
	mach_port_name_t set, dead;
	ck_assert_int_eq(ipc_space_allocate(A, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_allocate(A, MACH_PORT_RIGHT_DEAD_NAME, &dead), KERN_SUCCESS);
	struct ipc_port *p = NULL;
	static const mach_msg_type_name_t bad_disps[] = { 0, 15, 22, 0x100, MACH_MSG_TYPE_PORT_RECEIVE - 16 };
	for (size_t i = 0; i < sizeof(bad_disps) / sizeof(bad_disps[0]); i++)
		ck_assert_int_eq(ipc_right_copyin(A, r, bad_disps[i], true, &p), KERN_INVALID_VALUE);
	for (mach_msg_type_name_t d = MACH_MSG_TYPE_MOVE_RECEIVE; d <= MACH_MSG_TYPE_MAKE_SEND_ONCE; d++) {
		ck_assert_int_eq(ipc_right_copyin(A, 0x5555, d, true, &p), KERN_INVALID_NAME);
		ck_assert_int_eq(ipc_right_copyin(A, MACH_PORT_NULL, d, true, &p), KERN_INVALID_NAME);
		ck_assert_int_eq(ipc_right_copyin(A, MACH_PORT_DEAD, d, true, &p), KERN_INVALID_NAME);
		ck_assert_int_eq(ipc_right_copyin(A, set, d, true, &p), KERN_INVALID_RIGHT);
	}
	ck_assert_int_eq(ipc_right_copyin(A, dead, MACH_MSG_TYPE_MOVE_RECEIVE, true, &p), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_right_copyin(A, dead, MACH_MSG_TYPE_MAKE_SEND_ONCE, true, &p), KERN_INVALID_RIGHT);
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(A->nr_entries, 3);
	ck_assert_uint_eq(type_of(A, r), MACH_PORT_TYPE_RECEIVE);
	ck_assert_uint_eq(port_of(A, r)->obj.refs, 1);
	ck_assert_uint_eq(port_of(A, r)->srights, 0);
	mach_port_name_t out;
	ck_assert_int_eq(ipc_right_copyout(B, port_of(A, r), 99, false, &out), KERN_INVALID_VALUE);
	destroy_all_and_check();
}
END_TEST

START_TEST(test_insert_extract)
{
	mach_port_name_t r = new_port(A), r2 = new_port(A);
	mach_port_name_t want = MACH_PORT_MAKE(4242, 1);
	ck_assert_int_eq(ipc_space_insert_right(B, want, A, r, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	ck_assert_uint_eq(type_of(B, want), MACH_PORT_TYPE_SEND);
	/* Again under the same name: one more reference. */
	ck_assert_int_eq(ipc_space_insert_right(B, want, A, r, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	ck_assert_uint_eq(refs_of(B, want, MACH_PORT_RIGHT_SEND), 2);
	/* Under another name: the port already has one here. */
	struct ipc_port *port = port_of(A, r);
	ck_assert_int_eq(ipc_space_insert_right(B, MACH_PORT_MAKE(4243, 0), A, r, MACH_MSG_TYPE_MAKE_SEND),
			 KERN_RIGHT_EXISTS);
	ck_assert_uint_eq(port->srights, 1);       /* the failed right was destroyed */
	ck_assert_uint_eq(B->nr_entries, 1);
	/* A name holding something else. */
	ck_assert_int_eq(ipc_space_insert_right(B, want, A, r2, MACH_MSG_TYPE_MAKE_SEND),
			 KERN_NAME_EXISTS);
	ck_assert_uint_eq(port_of(A, r2)->srights, 0);
	ck_assert_int_eq(ipc_space_insert_right(B, MACH_PORT_NULL, A, r2, MACH_MSG_TYPE_MAKE_SEND),
			 KERN_INVALID_VALUE);
	/* Send-once rights always take the name given, if free. */
	ck_assert_int_eq(ipc_space_insert_right(B, MACH_PORT_MAKE(5000, 2), A, r,
						MACH_MSG_TYPE_MAKE_SEND_ONCE), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_insert_right(B, want, A, r, MACH_MSG_TYPE_MAKE_SEND_ONCE),
			 KERN_NAME_EXISTS);
	ck_assert_uint_eq(port->sorights, 1);
	/* A receive right under a chosen name. */
	mach_port_name_t rn = MACH_PORT_MAKE(6000, 0);
	ck_assert_int_eq(ipc_space_insert_right(C, rn, A, r2, MACH_MSG_TYPE_MOVE_RECEIVE), KERN_SUCCESS);
	ck_assert(name_gone(A, r2));
	ck_assert_uint_eq(type_of(C, rn), MACH_PORT_TYPE_RECEIVE);
	ck_assert_uint_eq(port_of(C, rn)->receiver_name, rn);
	/* Extract gives the transit type. */
	struct ipc_port *p;
	mach_msg_type_name_t t;
	ck_assert_int_eq(ipc_space_extract_right(B, want, MACH_MSG_TYPE_COPY_SEND, &p, &t), KERN_SUCCESS);
	ck_assert_ptr_eq(p, port);
	ck_assert_uint_eq(t, MACH_MSG_TYPE_PORT_SEND);
	ck_assert_uint_eq(port->srights, 2);
	ipc_right_destroy_transit(p, t);
	ck_assert_int_eq(ipc_space_extract_right(B, want, MACH_MSG_TYPE_MAKE_SEND, &p, &t), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_extract_right(C, rn, MACH_MSG_TYPE_MAKE_SEND_ONCE, &p, &t), KERN_SUCCESS);
	ck_assert_uint_eq(t, MACH_MSG_TYPE_PORT_SEND_ONCE);
	ipc_right_destroy_transit(p, t);
	/* A dead name cannot be inserted. */
	mach_port_name_t dn;
	ck_assert_int_eq(ipc_space_allocate(A, MACH_PORT_RIGHT_DEAD_NAME, &dn), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_insert_right(B, MACH_PORT_MAKE(7000, 0), A, dn, MACH_MSG_TYPE_COPY_SEND),
			 KERN_INVALID_CAPABILITY);
	destroy_all_and_check();
}
END_TEST

/* Destroying a space kills the ports it received on and drops its send
 * rights; other spaces see dead names. */
START_TEST(test_space_destroy_effects)
{
	mach_port_name_t ra = new_port(A);
	mach_port_name_t rb = new_port(B);
	mach_port_name_t sb = transfer(A, ra, MACH_MSG_TYPE_MAKE_SEND, B);
	mach_port_name_t sa = transfer(B, rb, MACH_MSG_TYPE_MAKE_SEND, A);
	struct ipc_port *pb = port_of(B, rb);
	ipc_space_destroy(A);
	A = ipc_space_create();
	ck_assert_uint_eq(type_of(B, sb), MACH_PORT_TYPE_DEAD_NAME);
	ck_assert_uint_eq(pb->srights, 0);       /* A's send right went with A */
	ck_assert_uint_eq(pb->obj.refs, 1);
	ck_assert_uint_eq(ports_alive(), 1);
	(void)sa;
	destroy_all_and_check();
}
END_TEST

/* Many transfers back and forth keep the counts exact. */
START_TEST(test_transfer_churn)
{
	mach_port_name_t r = new_port(A);
	struct ipc_port *port = port_of(A, r);
	for (int i = 0; i < 1000; i++) {
		mach_port_name_t sb = transfer(A, r, MACH_MSG_TYPE_MAKE_SEND, B);
		mach_port_name_t sc = transfer(B, sb, MACH_MSG_TYPE_MOVE_SEND, C);
		mach_port_name_t o = transfer(A, r, MACH_MSG_TYPE_MAKE_SEND_ONCE, C);
		ck_assert_uint_ne(o, sc);
		ck_assert_int_eq(ipc_space_deallocate(C, o), KERN_SUCCESS);
		ck_assert(name_gone(B, sb));
		ck_assert_uint_eq(refs_of(C, sc, MACH_PORT_RIGHT_SEND), (uint32_t)i + 1);
	}
	ck_assert_uint_eq(port->srights, 1);
	ck_assert_uint_eq(port->sorights, 0);
	ck_assert_uint_eq(port->mscount, 1000);
	ck_assert_uint_eq(port->obj.refs, 2);
	ck_assert_uint_eq(C->nr_entries, 1);
	destroy_all_and_check();
}
END_TEST

static Suite *ipc_right_suite(void)
{
	Suite *s = suite_create("ipc_right");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_make_send);
	tcase_add_test(tc, test_copy_send);
	tcase_add_test(tc, test_move_send);
	tcase_add_test(tc, test_send_once);
	tcase_add_test(tc, test_move_receive);
	tcase_add_test(tc, test_destroy_gives_dead_names);
	tcase_add_test(tc, test_death_in_transit);
	tcase_add_test(tc, test_copyin_errors_leave_space);
	tcase_add_test(tc, test_insert_extract);
	tcase_add_test(tc, test_space_destroy_effects);
	tcase_add_test(tc, test_transfer_churn);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ipc_right_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
