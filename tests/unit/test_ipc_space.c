/* Host tests for IPC spaces (src/ipc/space.c, mach_port.c): the name
 * table's lifecycle and reference counts, generations that make stale
 * names fail, the error codes of every mach_port_* operation, port sets,
 * renaming, 100,000 names with all memory returned, and allocation
 * failures that leave nothing behind. */
#include <check.h>
#include <stdlib.h>
#include <ipc/right.h>
#include <kern/kmem.h>
#include "ipc_host_stubs.h"

static size_t ports_alive(void)
{
	struct ipc_stats st;
	ipc_stats(&st);
	return st.ports + st.psets;
}

/* Every test ends with all spaces destroyed: nothing may remain. */
static void assert_all_freed(void)
{
	ck_assert_uint_eq(ports_alive(), 0);
	ck_assert_uint_eq(stub_live_allocs, 0);
	ck_assert_uint_eq(stub_live_bytes, 0);
}

static mach_port_type_t type_of(struct ipc_space *s, mach_port_name_t n)
{
	mach_port_type_t t = 0xdead;
	ck_assert_int_eq(ipc_space_type(s, n, &t), KERN_SUCCESS);
	return t;
}

static mach_port_urefs_t refs_of(struct ipc_space *s, mach_port_name_t n, mach_port_right_t r)
{
	mach_port_urefs_t u = 0xdead;
	ck_assert_int_eq(ipc_space_get_refs(s, n, r, &u), KERN_SUCCESS);
	return u;
}

/* A send right to the receive right under name, in the same space. */
static void make_send_here(struct ipc_space *s, mach_port_name_t name)
{
	struct ipc_port *p;
	mach_port_name_t got;
	ck_assert_int_eq(ipc_right_copyin(s, name, MACH_MSG_TYPE_MAKE_SEND, false, &p), KERN_SUCCESS);
	ck_assert_int_eq(ipc_right_copyout(s, p, MACH_MSG_TYPE_PORT_SEND, false, &got), KERN_SUCCESS);
	ck_assert_uint_eq(got, name);
}

START_TEST(test_receive_lifecycle)
{
	struct ipc_space *s = ipc_space_create();
	ck_assert_ptr_nonnull(s);
	mach_port_name_t n = MACH_PORT_NULL;
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &n), KERN_SUCCESS);
	ck_assert(MACH_PORT_VALID(n));
	ck_assert_uint_ne(MACH_PORT_INDEX(n), 0);
	ck_assert_uint_eq(type_of(s, n), MACH_PORT_TYPE_RECEIVE);
	ck_assert_uint_eq(refs_of(s, n, MACH_PORT_RIGHT_RECEIVE), 1);
	ck_assert_uint_eq(refs_of(s, n, MACH_PORT_RIGHT_SEND), 0);
	ck_assert_uint_eq(ports_alive(), 1);

	struct ipc_entry *e = ipc_entry_lookup(s, n);
	struct ipc_port *port = (struct ipc_port *)e->object;
	ck_assert_ptr_eq(port->receiver, s);
	ck_assert_uint_eq(port->receiver_name, n);
	ck_assert_uint_eq(port->qlimit, MACH_PORT_QLIMIT_DEFAULT);
	ck_assert_uint_eq(port->obj.refs, 1);

	make_send_here(s, n);
	ck_assert_uint_eq(type_of(s, n), MACH_PORT_TYPE_SEND_RECEIVE);
	ck_assert_uint_eq(port->srights, 1);
	ck_assert_uint_eq(port->mscount, 1);
	ck_assert_uint_eq(port->obj.refs, 1);   /* one entry, one reference */
	ck_assert_int_eq(ipc_space_mod_refs(s, n, MACH_PORT_RIGHT_SEND, 4), KERN_SUCCESS);
	ck_assert_uint_eq(refs_of(s, n, MACH_PORT_RIGHT_SEND), 5);
	ck_assert_uint_eq(port->srights, 1);
	/* deallocate drops one send reference at a time; the last one leaves
	 * the receive right alone. */
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(ipc_space_deallocate(s, n), KERN_SUCCESS);
	ck_assert_uint_eq(type_of(s, n), MACH_PORT_TYPE_RECEIVE);
	ck_assert_uint_eq(port->srights, 0);
	ck_assert_int_eq(ipc_space_deallocate(s, n), KERN_INVALID_RIGHT);

	ck_assert_int_eq(ipc_space_destroy_name(s, n), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_destroy_name(s, n), KERN_INVALID_NAME);
	mach_port_type_t t;
	ck_assert_int_eq(ipc_space_type(s, n, &t), KERN_INVALID_NAME);
	ck_assert_uint_eq(ports_alive(), 0);
	ck_assert_uint_eq(s->nr_entries, 0);
	ipc_space_destroy(s);
	assert_all_freed();
}
END_TEST

START_TEST(test_mod_refs_receive_destroys)
{
	struct ipc_space *s = ipc_space_create();
	mach_port_name_t n;
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &n), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_mod_refs(s, n, MACH_PORT_RIGHT_RECEIVE, 1), KERN_INVALID_VALUE);
	ck_assert_int_eq(ipc_space_mod_refs(s, n, MACH_PORT_RIGHT_RECEIVE, -2), KERN_INVALID_VALUE);
	ck_assert_int_eq(ipc_space_mod_refs(s, n, MACH_PORT_RIGHT_RECEIVE, 0), KERN_SUCCESS);
	make_send_here(s, n);
	ck_assert_int_eq(ipc_space_mod_refs(s, n, MACH_PORT_RIGHT_SEND, 2), KERN_SUCCESS);
	/* Destroying the receive right leaves the send references as a dead
	 * name under the same name. */
	ck_assert_int_eq(ipc_space_mod_refs(s, n, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	ck_assert_uint_eq(type_of(s, n), MACH_PORT_TYPE_DEAD_NAME);
	ck_assert_uint_eq(refs_of(s, n, MACH_PORT_RIGHT_DEAD_NAME), 3);
	ck_assert_uint_eq(ports_alive(), 0);
	ck_assert_int_eq(ipc_space_mod_refs(s, n, MACH_PORT_RIGHT_SEND, -1), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_mod_refs(s, n, MACH_PORT_RIGHT_DEAD_NAME, -4), KERN_INVALID_VALUE);
	ck_assert_int_eq(ipc_space_mod_refs(s, n, MACH_PORT_RIGHT_DEAD_NAME, -3), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_mod_refs(s, n, MACH_PORT_RIGHT_DEAD_NAME, 0), KERN_INVALID_NAME);
	ipc_space_destroy(s);
	assert_all_freed();
}
END_TEST

START_TEST(test_dead_name_refs)
{
	struct ipc_space *s = ipc_space_create();
	mach_port_name_t n;
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_DEAD_NAME, &n), KERN_SUCCESS);
	ck_assert_uint_eq(type_of(s, n), MACH_PORT_TYPE_DEAD_NAME);
	ck_assert_uint_eq(refs_of(s, n, MACH_PORT_RIGHT_DEAD_NAME), 1);
	ck_assert_int_eq(ipc_space_mod_refs(s, n, MACH_PORT_RIGHT_DEAD_NAME, 2), KERN_SUCCESS);
	ck_assert_uint_eq(refs_of(s, n, MACH_PORT_RIGHT_DEAD_NAME), 3);
	ck_assert_int_eq(ipc_space_deallocate(s, n), KERN_SUCCESS);
	ck_assert_uint_eq(refs_of(s, n, MACH_PORT_RIGHT_DEAD_NAME), 2);
	ck_assert_int_eq(ipc_space_mod_refs(s, n, MACH_PORT_RIGHT_SEND, 1), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_mod_refs(s, n, MACH_PORT_RIGHT_DEAD_NAME, -2), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_deallocate(s, n), KERN_INVALID_NAME);
	ipc_space_destroy(s);
	assert_all_freed();
}
END_TEST

START_TEST(test_uref_overflow)
{
	struct ipc_space *s = ipc_space_create();
	mach_port_name_t d, r;
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_DEAD_NAME, &d), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_mod_refs(s, d, MACH_PORT_RIGHT_DEAD_NAME, MACH_PORT_UREFS_MAX),
			 KERN_UREFS_OVERFLOW);
	ck_assert_int_eq(ipc_space_mod_refs(s, d, MACH_PORT_RIGHT_DEAD_NAME, MACH_PORT_UREFS_MAX - 1),
			 KERN_SUCCESS);
	ck_assert_uint_eq(refs_of(s, d, MACH_PORT_RIGHT_DEAD_NAME), MACH_PORT_UREFS_MAX);
	ck_assert_int_eq(ipc_space_mod_refs(s, d, MACH_PORT_RIGHT_DEAD_NAME, 1), KERN_UREFS_OVERFLOW);
	ck_assert_uint_eq(refs_of(s, d, MACH_PORT_RIGHT_DEAD_NAME), MACH_PORT_UREFS_MAX);

	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &r), KERN_SUCCESS);
	make_send_here(s, r);
	ck_assert_int_eq(ipc_space_mod_refs(s, r, MACH_PORT_RIGHT_SEND, 0x7fffffff), KERN_UREFS_OVERFLOW);
	ck_assert_int_eq(ipc_space_mod_refs(s, r, MACH_PORT_RIGHT_SEND, MACH_PORT_UREFS_MAX - 1),
			 KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_mod_refs(s, r, MACH_PORT_RIGHT_SEND, -0x7fffffff - 1),
			 KERN_INVALID_VALUE);
	/* A send right arriving on a full entry: refused, or saturated when
	 * the caller allows overflow (the receive side of mach_msg). */
	struct ipc_entry *e = ipc_entry_lookup(s, r);
	struct ipc_port *port = (struct ipc_port *)e->object;
	struct ipc_port *p;
	mach_port_name_t got;
	ck_assert_int_eq(ipc_right_copyin(s, r, MACH_MSG_TYPE_MAKE_SEND, false, &p), KERN_SUCCESS);
	ck_assert_uint_eq(port->srights, 2);
	ck_assert_int_eq(ipc_right_copyout(s, p, MACH_MSG_TYPE_PORT_SEND, false, &got),
			 KERN_UREFS_OVERFLOW);
	ck_assert_uint_eq(port->srights, 2);    /* still the caller's */
	ck_assert_int_eq(ipc_right_copyout(s, p, MACH_MSG_TYPE_PORT_SEND, true, &got), KERN_SUCCESS);
	ck_assert_uint_eq(got, r);
	ck_assert_uint_eq(port->srights, 1);
	ck_assert_uint_eq(port->obj.refs, 1);
	ck_assert_uint_eq(refs_of(s, r, MACH_PORT_RIGHT_SEND), MACH_PORT_UREFS_MAX);
	ipc_space_destroy(s);
	assert_all_freed();
}
END_TEST

START_TEST(test_error_codes)
{
	struct ipc_space *s = ipc_space_create();
	mach_port_name_t r, ps, n;
	mach_port_urefs_t u;
	mach_port_type_t t;
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_SEND, &n), KERN_INVALID_VALUE);
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_SEND_ONCE, &n), KERN_INVALID_VALUE);
	ck_assert_int_eq(ipc_space_allocate(s, 99, &n), KERN_INVALID_VALUE);
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &r), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_PORT_SET, &ps), KERN_SUCCESS);

	/* Names that denote nothing. */
	mach_port_name_t bogus[] = { MACH_PORT_NULL, MACH_PORT_DEAD, 0x12345, MACH_PORT_MAKE(1, 200),
				     MACH_PORT_MAKE(IPC_SPACE_MAX_NAMES - 1, 0) };
	for (size_t i = 0; i < sizeof(bogus) / sizeof(bogus[0]); i++) {
		ck_assert_int_eq(ipc_space_type(s, bogus[i], &t), KERN_INVALID_NAME);
		ck_assert_int_eq(ipc_space_deallocate(s, bogus[i]), KERN_INVALID_NAME);
		ck_assert_int_eq(ipc_space_destroy_name(s, bogus[i]), KERN_INVALID_NAME);
		ck_assert_int_eq(ipc_space_mod_refs(s, bogus[i], MACH_PORT_RIGHT_SEND, 1),
				 KERN_INVALID_NAME);
		ck_assert_int_eq(ipc_space_get_refs(s, bogus[i], MACH_PORT_RIGHT_SEND, &u),
				 KERN_INVALID_NAME);
		ck_assert_int_eq(ipc_space_set_qlimit(s, bogus[i], 1), KERN_INVALID_NAME);
		ck_assert_int_eq(ipc_space_move_member(s, bogus[i], ps), KERN_INVALID_NAME);
		ck_assert_int_eq(ipc_space_move_member(s, r, bogus[i]),
				 bogus[i] == MACH_PORT_NULL ? KERN_NOT_IN_SET : KERN_INVALID_NAME);
	}
	/* Out-of-range rights and values. */
	ck_assert_int_eq(ipc_space_mod_refs(s, r, MACH_PORT_RIGHT_NUMBER, 1), KERN_INVALID_VALUE);
	ck_assert_int_eq(ipc_space_get_refs(s, r, MACH_PORT_RIGHT_NUMBER, &u), KERN_INVALID_VALUE);
	ck_assert_int_eq(ipc_space_mod_refs(s, 0x12345, MACH_PORT_RIGHT_NUMBER, 1), KERN_INVALID_VALUE);
	ck_assert_int_eq(ipc_space_set_qlimit(s, r, MACH_PORT_QLIMIT_MAX + 1), KERN_INVALID_VALUE);
	/* Wrong kinds of right. */
	ck_assert_int_eq(ipc_space_mod_refs(s, r, MACH_PORT_RIGHT_SEND, 1), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_mod_refs(s, r, MACH_PORT_RIGHT_SEND_ONCE, -1), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_mod_refs(s, r, MACH_PORT_RIGHT_PORT_SET, -1), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_mod_refs(s, r, MACH_PORT_RIGHT_DEAD_NAME, 1), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_mod_refs(s, ps, MACH_PORT_RIGHT_RECEIVE, -1), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_deallocate(s, ps), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_set_qlimit(s, ps, 1), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_set_protected_payload(s, ps, 1), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_move_member(s, ps, ps), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_move_member(s, r, r), KERN_INVALID_RIGHT);
	size_t cnt;
	ck_assert_int_eq(ipc_space_get_set_status(s, r, NULL, 0, &cnt), KERN_INVALID_RIGHT);
	/* allocate_name. */
	ck_assert_int_eq(ipc_space_allocate_name(s, MACH_PORT_RIGHT_RECEIVE, MACH_PORT_NULL),
			 KERN_INVALID_VALUE);
	ck_assert_int_eq(ipc_space_allocate_name(s, MACH_PORT_RIGHT_RECEIVE, MACH_PORT_DEAD),
			 KERN_INVALID_VALUE);
	ck_assert_int_eq(ipc_space_allocate_name(s, MACH_PORT_RIGHT_SEND, 0x777), KERN_INVALID_VALUE);
	ck_assert_int_eq(ipc_space_allocate_name(s, MACH_PORT_RIGHT_RECEIVE, r), KERN_NAME_EXISTS);
	ck_assert_int_eq(ipc_space_allocate_name(s, MACH_PORT_RIGHT_DEAD_NAME, ps), KERN_NAME_EXISTS);
	ck_assert_int_eq(ipc_space_allocate_name(s, MACH_PORT_RIGHT_RECEIVE,
						 MACH_PORT_MAKE(IPC_SPACE_MAX_NAMES, 0)), KERN_NO_SPACE);
	/* Nothing above changed the space. */
	ck_assert_uint_eq(s->nr_entries, 2);
	ck_assert_uint_eq(type_of(s, r), MACH_PORT_TYPE_RECEIVE);
	ck_assert_uint_eq(type_of(s, ps), MACH_PORT_TYPE_PORT_SET);
	ipc_space_destroy(s);
	assert_all_freed();
}
END_TEST

START_TEST(test_allocate_name)
{
	struct ipc_space *s = ipc_space_create();
	mach_port_name_t want = MACH_PORT_MAKE(1000, 9);
	ck_assert_int_eq(ipc_space_allocate_name(s, MACH_PORT_RIGHT_RECEIVE, want), KERN_SUCCESS);
	ck_assert_uint_eq(type_of(s, want), MACH_PORT_TYPE_RECEIVE);
	/* Same index, other generation: the index is taken. */
	ck_assert_int_eq(ipc_space_allocate_name(s, MACH_PORT_RIGHT_RECEIVE, MACH_PORT_MAKE(1000, 10)),
			 KERN_NAME_EXISTS);
	mach_port_type_t t;
	ck_assert_int_eq(ipc_space_type(s, MACH_PORT_MAKE(1000, 10), &t), KERN_INVALID_NAME);
	/* A neighbour in the same leaf, then allocate() does not hand out a
	 * name in use. */
	ck_assert_int_eq(ipc_space_allocate_name(s, MACH_PORT_RIGHT_PORT_SET, MACH_PORT_MAKE(1001, 0)),
			 KERN_SUCCESS);
	for (int i = 0; i < 200; i++) {
		mach_port_name_t n;
		ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_DEAD_NAME, &n), KERN_SUCCESS);
		ck_assert_uint_ne(MACH_PORT_INDEX(n), 1000);
		ck_assert_uint_ne(MACH_PORT_INDEX(n), 1001);
	}
	ck_assert_uint_eq(s->nr_entries, 202);
	ipc_space_destroy(s);
	assert_all_freed();
}
END_TEST

START_TEST(test_stale_generation)
{
	struct ipc_space *s = ipc_space_create();
	mach_port_name_t keep, a, b;
	/* keep the leaf alive so the slot is reused in place */
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_DEAD_NAME, &keep), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &a), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_destroy_name(s, a), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &b), KERN_SUCCESS);
	ck_assert_uint_eq(MACH_PORT_INDEX(a), MACH_PORT_INDEX(b));
	ck_assert_uint_ne(a, b);
	mach_port_type_t t;
	mach_port_urefs_t u;
	ck_assert_int_eq(ipc_space_type(s, a, &t), KERN_INVALID_NAME);
	ck_assert_int_eq(ipc_space_destroy_name(s, a), KERN_INVALID_NAME);
	ck_assert_int_eq(ipc_space_get_refs(s, a, MACH_PORT_RIGHT_RECEIVE, &u), KERN_INVALID_NAME);
	struct ipc_port *p;
	ck_assert_int_eq(ipc_right_copyin(s, a, MACH_MSG_TYPE_MAKE_SEND, false, &p), KERN_INVALID_NAME);
	ck_assert_uint_eq(type_of(s, b), MACH_PORT_TYPE_RECEIVE);
	/* Many reuses of one slot: each name differs from the one before. */
	mach_port_name_t prev = b;
	for (int i = 0; i < 300; i++) {
		ck_assert_int_eq(ipc_space_destroy_name(s, prev), KERN_SUCCESS);
		mach_port_name_t n;
		ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &n), KERN_SUCCESS);
		ck_assert_uint_eq(MACH_PORT_INDEX(n), MACH_PORT_INDEX(b));
		ck_assert_uint_ne(n, prev);
		ck_assert_int_eq(ipc_space_type(s, prev, &t), KERN_INVALID_NAME);
		prev = n;
	}
	ipc_space_destroy(s);
	assert_all_freed();
}
END_TEST

START_TEST(test_port_sets)
{
	struct ipc_space *s = ipc_space_create();
	mach_port_name_t set1, set2, p1, p2;
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_PORT_SET, &set1), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_PORT_SET, &set2), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &p1), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &p2), KERN_SUCCESS);
	ck_assert_uint_eq(refs_of(s, set1, MACH_PORT_RIGHT_PORT_SET), 1);
	ck_assert_int_eq(ipc_space_move_member(s, p1, MACH_PORT_NULL), KERN_NOT_IN_SET);
	ck_assert_int_eq(ipc_space_move_member(s, p1, set1), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_move_member(s, p2, set1), KERN_SUCCESS);
	mach_port_name_t m[4];
	size_t cnt;
	ck_assert_int_eq(ipc_space_get_set_status(s, set1, m, 4, &cnt), KERN_SUCCESS);
	ck_assert_uint_eq(cnt, 2);
	ck_assert_uint_eq(m[0], p1);
	ck_assert_uint_eq(m[1], p2);
	/* Moving to another set leaves the first. */
	ck_assert_int_eq(ipc_space_move_member(s, p1, set2), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_get_set_status(s, set1, m, 4, &cnt), KERN_SUCCESS);
	ck_assert_uint_eq(cnt, 1);
	ck_assert_uint_eq(m[0], p2);
	ck_assert_int_eq(ipc_space_get_set_status(s, set2, m, 0, &cnt), KERN_SUCCESS);
	ck_assert_uint_eq(cnt, 1);
	/* Destroying a member's receive right takes it out of the set. */
	ck_assert_int_eq(ipc_space_destroy_name(s, p1), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_get_set_status(s, set2, m, 4, &cnt), KERN_SUCCESS);
	ck_assert_uint_eq(cnt, 0);
	/* Destroying the set frees its members to join no set. */
	ck_assert_int_eq(ipc_space_destroy_name(s, set1), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_move_member(s, p2, MACH_PORT_NULL), KERN_NOT_IN_SET);
	ck_assert_int_eq(ipc_space_move_member(s, p2, set2), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_mod_refs(s, set2, MACH_PORT_RIGHT_PORT_SET, -1), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_move_member(s, p2, MACH_PORT_NULL), KERN_NOT_IN_SET);
	ck_assert_uint_eq(ports_alive(), 1);
	ipc_space_destroy(s);
	assert_all_freed();
}
END_TEST

START_TEST(test_qlimit_payload_kobject)
{
	struct ipc_space *s = ipc_space_create();
	mach_port_name_t r;
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &r), KERN_SUCCESS);
	struct ipc_port *port = (struct ipc_port *)ipc_entry_lookup(s, r)->object;
	ck_assert_int_eq(ipc_space_set_qlimit(s, r, MACH_PORT_QLIMIT_MAX), KERN_SUCCESS);
	ck_assert_uint_eq(port->qlimit, MACH_PORT_QLIMIT_MAX);
	ck_assert_int_eq(ipc_space_set_qlimit(s, r, 0), KERN_SUCCESS);
	ck_assert_uint_eq(port->qlimit, 0);
	ck_assert(!port->has_payload);
	ck_assert_int_eq(ipc_space_set_protected_payload(s, r, 0xfeedfacecafeull), KERN_SUCCESS);
	ck_assert(port->has_payload);
	ck_assert_uint_eq(port->protected_payload, 0xfeedfacecafeull);
	ck_assert_int_eq(ipc_space_clear_protected_payload(s, r), KERN_SUCCESS);
	ck_assert(!port->has_payload);
	/* A send right alone does not allow it. */
	struct ipc_space *o = ipc_space_create();
	struct ipc_port *p;
	mach_port_name_t sn;
	ck_assert_int_eq(ipc_right_copyin(s, r, MACH_MSG_TYPE_MAKE_SEND, false, &p), KERN_SUCCESS);
	ck_assert_int_eq(ipc_right_copyout(o, p, MACH_MSG_TYPE_PORT_SEND, false, &sn), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_set_protected_payload(o, sn, 1), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_clear_protected_payload(o, sn), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_set_qlimit(o, sn, 1), KERN_INVALID_RIGHT);
	int task_stand_in;
	ipc_port_set_kobject(port, IKOT_TASK, &task_stand_in);
	ck_assert_int_eq(port->kotype, IKOT_TASK);
	ck_assert_ptr_eq(port->kobject, &task_stand_in);
	ipc_space_destroy(s);
	ck_assert_uint_eq(type_of(o, sn), MACH_PORT_TYPE_DEAD_NAME);
	ipc_space_destroy(o);
	assert_all_freed();
}
END_TEST

START_TEST(test_names_listing)
{
	struct ipc_space *s = ipc_space_create();
	mach_port_name_t r, d, ps;
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &r), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_DEAD_NAME, &d), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_allocate_name(s, MACH_PORT_RIGHT_PORT_SET, MACH_PORT_MAKE(50000, 3)),
			 KERN_SUCCESS);
	ps = MACH_PORT_MAKE(50000, 3);
	make_send_here(s, r);
	mach_port_name_t names[8];
	mach_port_type_t types[8];
	size_t cnt;
	ck_assert_int_eq(ipc_space_names(s, NULL, NULL, 0, &cnt), KERN_SUCCESS);
	ck_assert_uint_eq(cnt, 3);
	ck_assert_int_eq(ipc_space_names(s, names, types, 2, &cnt), KERN_SUCCESS);
	ck_assert_uint_eq(cnt, 3);
	ck_assert_int_eq(ipc_space_names(s, names, types, 8, &cnt), KERN_SUCCESS);
	ck_assert_uint_eq(cnt, 3);
	ck_assert_uint_eq(names[0], r);
	ck_assert_uint_eq(types[0], MACH_PORT_TYPE_SEND_RECEIVE);
	ck_assert_uint_eq(names[1], d);
	ck_assert_uint_eq(types[1], MACH_PORT_TYPE_DEAD_NAME);
	ck_assert_uint_eq(names[2], ps);
	ck_assert_uint_eq(types[2], MACH_PORT_TYPE_PORT_SET);
	ipc_space_destroy(s);
	assert_all_freed();
}
END_TEST

START_TEST(test_rename)
{
	struct ipc_space *s = ipc_space_create();
	mach_port_name_t r, d;
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &r), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_DEAD_NAME, &d), KERN_SUCCESS);
	make_send_here(s, r);
	ck_assert_int_eq(ipc_space_mod_refs(s, r, MACH_PORT_RIGHT_SEND, 2), KERN_SUCCESS);
	mach_port_name_t nn = MACH_PORT_MAKE(77777, 5);
	ck_assert_int_eq(ipc_space_rename(s, r, MACH_PORT_NULL), KERN_INVALID_VALUE);
	ck_assert_int_eq(ipc_space_rename(s, r, MACH_PORT_DEAD), KERN_INVALID_VALUE);
	ck_assert_int_eq(ipc_space_rename(s, 0x4242, nn), KERN_INVALID_NAME);
	ck_assert_int_eq(ipc_space_rename(s, r, d), KERN_NAME_EXISTS);
	ck_assert_int_eq(ipc_space_rename(s, r, r), KERN_NAME_EXISTS);
	ck_assert_int_eq(ipc_space_rename(s, r, nn), KERN_SUCCESS);
	mach_port_type_t t;
	ck_assert_int_eq(ipc_space_type(s, r, &t), KERN_INVALID_NAME);
	ck_assert_uint_eq(type_of(s, nn), MACH_PORT_TYPE_SEND_RECEIVE);
	ck_assert_uint_eq(refs_of(s, nn, MACH_PORT_RIGHT_SEND), 3);
	struct ipc_port *port = (struct ipc_port *)ipc_entry_lookup(s, nn)->object;
	ck_assert_uint_eq(port->receiver_name, nn);
	/* The reverse lookup follows the new name. */
	make_send_here(s, nn);
	ck_assert_uint_eq(refs_of(s, nn, MACH_PORT_RIGHT_SEND), 4);
	ck_assert_uint_eq(s->nr_entries, 2);
	ipc_space_destroy(s);
	assert_all_freed();
}
END_TEST

#define SCALE 100000

START_TEST(test_hundred_thousand_names)
{
	struct ipc_space *s = ipc_space_create();
	size_t base_allocs = stub_live_allocs;
	mach_port_name_t *names = malloc(SCALE * sizeof(*names));
	for (int i = 0; i < SCALE; i++) {
		ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &names[i]), KERN_SUCCESS);
		if (i % 3 == 0)
			make_send_here(s, names[i]);
	}
	ck_assert_uint_eq(s->nr_entries, SCALE);
	ck_assert_uint_le(stub_biggest, KMALLOC_MAX);
	ck_assert_uint_gt(ipc_space_memory(s), SCALE * sizeof(struct ipc_entry));
	/* Names are distinct and dense: low indexes are handed out first. */
	for (int i = 0; i < SCALE; i++)
		ck_assert_uint_eq(MACH_PORT_INDEX(names[i]), (uint32_t)i + 1);
	for (int i = 0; i < SCALE; i++)
		ck_assert_uint_eq(type_of(s, names[i]),
				  i % 3 == 0 ? MACH_PORT_TYPE_SEND_RECEIVE : MACH_PORT_TYPE_RECEIVE);
	/* Rename all of them above the old range, then check the reverse
	 * lookup still finds every port under its new name. */
	for (int i = 0; i < SCALE; i++) {
		mach_port_name_t nn = MACH_PORT_MAKE(SCALE + 1000 + i, i & 0xff);
		ck_assert_int_eq(ipc_space_rename(s, names[i], nn), KERN_SUCCESS);
		names[i] = nn;
	}
	for (int i = 0; i < SCALE; i += 7)
		make_send_here(s, names[i]);
	ck_assert_uint_eq(s->nr_entries, SCALE);
	size_t cnt;
	ck_assert_int_eq(ipc_space_names(s, NULL, NULL, 0, &cnt), KERN_SUCCESS);
	ck_assert_uint_eq(cnt, SCALE);
	/* Deallocate everything: send references first, then the ports. */
	for (int i = 0; i < SCALE; i++) {
		mach_port_urefs_t u = refs_of(s, names[i], MACH_PORT_RIGHT_SEND);
		for (mach_port_urefs_t k = 0; k < u; k++)
			ck_assert_int_eq(ipc_space_deallocate(s, names[i]), KERN_SUCCESS);
		ck_assert_int_eq(ipc_space_mod_refs(s, names[i], MACH_PORT_RIGHT_RECEIVE, -1),
				 KERN_SUCCESS);
	}
	ck_assert_uint_eq(s->nr_entries, 0);
	ck_assert_uint_eq(ipc_space_memory(s), 0);
	ck_assert_uint_eq(stub_live_allocs, base_allocs);   /* the space struct only */
	ck_assert_uint_eq(ports_alive(), 0);
	free(names);
	ipc_space_destroy(s);
	assert_all_freed();
}
END_TEST

START_TEST(test_destroy_full_space)
{
	struct ipc_space *s = ipc_space_create();
	for (int i = 0; i < 5000; i++) {
		mach_port_name_t n;
		mach_port_right_t r = i % 3 == 0 ? MACH_PORT_RIGHT_RECEIVE
				    : i % 3 == 1 ? MACH_PORT_RIGHT_PORT_SET : MACH_PORT_RIGHT_DEAD_NAME;
		ck_assert_int_eq(ipc_space_allocate(s, r, &n), KERN_SUCCESS);
	}
	ipc_space_destroy(s);
	assert_all_freed();
}
END_TEST

/* Every allocation the operation makes fails in turn: the operation
 * reports KERN_RESOURCE_SHORTAGE and leaves nothing behind. */
START_TEST(test_allocation_failures)
{
	static const mach_port_right_t rights[] = { MACH_PORT_RIGHT_RECEIVE, MACH_PORT_RIGHT_PORT_SET,
						    MACH_PORT_RIGHT_DEAD_NAME };
	for (size_t k = 0; k < 3; k++) {
		int successes = 0;
		for (long fail = 0; fail < 8; fail++) {
			struct ipc_space *s = ipc_space_create();
			size_t base = stub_live_allocs;
			stub_fail_after = fail;
			mach_port_name_t n;
			kern_return_t kr = ipc_space_allocate(s, rights[k], &n);
			stub_fail_after = -1;
			if (kr == KERN_SUCCESS) {
				successes++;
				ck_assert_int_eq(ipc_space_destroy_name(s, n), KERN_SUCCESS);
			} else {
				ck_assert_int_eq(kr, KERN_RESOURCE_SHORTAGE);
				ck_assert_uint_eq(s->nr_entries, 0);
			}
			ck_assert_uint_eq(stub_live_allocs, base);
			ipc_space_destroy(s);
			assert_all_freed();
		}
		ck_assert_int_gt(successes, 0);
	}
	ck_assert_ptr_null(({ stub_fail_after = 0; struct ipc_space *s = ipc_space_create();
			      stub_fail_after = -1; s; }));
}
END_TEST

/* Rename and copyout under allocation failure: refused, nothing changed. */
START_TEST(test_rename_copyout_failures)
{
	struct ipc_space *s = ipc_space_create();
	struct ipc_space *o = ipc_space_create();
	mach_port_name_t r;
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &r), KERN_SUCCESS);
	make_send_here(s, r);
	struct ipc_port *port = (struct ipc_port *)ipc_entry_lookup(s, r)->object;
	mach_port_name_t far = MACH_PORT_MAKE(1500000, 1);
	size_t base = stub_live_allocs;
	int successes = 0;
	for (long fail = 0; fail < 6 && !successes; fail++) {
		stub_fail_after = fail;
		kern_return_t kr = ipc_space_rename(s, r, far);
		stub_fail_after = -1;
		if (kr == KERN_SUCCESS) {
			successes++;
			break;
		}
		ck_assert_int_eq(kr, KERN_RESOURCE_SHORTAGE);
		ck_assert_uint_eq(stub_live_allocs, base);
		ck_assert_uint_eq(type_of(s, r), MACH_PORT_TYPE_SEND_RECEIVE);
		ck_assert_uint_eq(port->receiver_name, r);
	}
	ck_assert_int_eq(successes, 1);
	ck_assert_uint_eq(type_of(s, far), MACH_PORT_TYPE_SEND_RECEIVE);
	ck_assert_uint_eq(port->receiver_name, far);

	successes = 0;
	for (long fail = 0; fail < 6 && !successes; fail++) {
		struct ipc_port *p;
		mach_port_name_t got;
		ck_assert_int_eq(ipc_right_copyin(s, far, MACH_MSG_TYPE_COPY_SEND, false, &p),
				 KERN_SUCCESS);
		stub_fail_after = fail;
		kern_return_t kr = ipc_right_copyout(o, p, MACH_MSG_TYPE_PORT_SEND, false, &got);
		stub_fail_after = -1;
		if (kr == KERN_SUCCESS) {
			successes++;
			ck_assert_uint_eq(type_of(o, got), MACH_PORT_TYPE_SEND);
			break;
		}
		ck_assert_int_eq(kr, KERN_RESOURCE_SHORTAGE);
		ck_assert_uint_eq(o->nr_entries, 0);
		ck_assert_uint_eq(port->srights, 2);   /* the transit right is still ours */
		ipc_right_destroy_transit(p, MACH_MSG_TYPE_PORT_SEND);
		ck_assert_uint_eq(port->srights, 1);
	}
	ck_assert_int_eq(successes, 1);
	ipc_space_destroy(s);
	uint32_t cursor = 0;
	mach_port_name_t only = ipc_entry_next(o, &cursor);
	ck_assert_uint_eq(type_of(o, only), MACH_PORT_TYPE_DEAD_NAME);
	ck_assert_uint_eq(ipc_entry_next(o, &cursor), MACH_PORT_NULL);
	ipc_space_destroy(o);
	assert_all_freed();
}
END_TEST

static Suite *ipc_space_suite(void)
{
	Suite *s = suite_create("ipc_space");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_receive_lifecycle);
	tcase_add_test(tc, test_mod_refs_receive_destroys);
	tcase_add_test(tc, test_dead_name_refs);
	tcase_add_test(tc, test_uref_overflow);
	tcase_add_test(tc, test_error_codes);
	tcase_add_test(tc, test_allocate_name);
	tcase_add_test(tc, test_stale_generation);
	tcase_add_test(tc, test_port_sets);
	tcase_add_test(tc, test_qlimit_payload_kobject);
	tcase_add_test(tc, test_names_listing);
	tcase_add_test(tc, test_rename);
	tcase_add_test(tc, test_hundred_thousand_names);
	tcase_add_test(tc, test_destroy_full_space);
	tcase_add_test(tc, test_allocation_failures);
	tcase_add_test(tc, test_rename_copyout_failures);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ipc_space_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
