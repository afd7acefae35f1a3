/* Host tests of notifications (src/ipc/notify.c and the hooks in the
 * core): every kind of notification with GNU Mach's message ids and
 * layouts, mach_port_request_notification's results and error codes,
 * dead-name user references, port-destroyed rebirth, the circularity
 * check of receive rights in transit, receive status, and no leaks.
 *
 * Delivery is a plain queue on the destination port (what ipc/mqueue.c
 * does without the waiting). */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <ipc/kmsg.h>
#include <ipc/notify.h>
#include <ipc/right.h>
#include "ipc_host_stubs.h"

static struct ipc_space *A, *B;

static void deliver(struct ipc_kmsg *kmsg)
{
	struct ipc_port *dest = ipc_kmsg_dest(kmsg);
	if (!dest->active || (kmsg->msg.hdr.msgh_bits & MACH_MSGH_BITS_CIRCULAR)) {
		ipc_kmsg_destroy(kmsg);
		return;
	}
	list_push_back(&dest->messages, &kmsg->link);
	dest->msgcount++;
}

static void port_died(struct ipc_port *port)
{
	while (!list_empty(&port->messages)) {
		struct ipc_kmsg *kmsg = list_entry(port->messages.next, struct ipc_kmsg, link);
		list_remove(&kmsg->link);
		port->msgcount--;
		ipc_kmsg_destroy(kmsg);
	}
}

static void setup(void)
{
	ipc_notify_deliver = deliver;
	ipc_port_death_hook = port_died;
	A = ipc_space_create();
	B = ipc_space_create();
}

static size_t ports_alive(void)
{
	struct ipc_stats st;
	ipc_stats(&st);
	return st.ports + st.psets;
}

static void finish(void)
{
	ipc_space_destroy(A);
	ipc_space_destroy(B);
	A = B = NULL;
	ipc_kmsg_cache_drain();
	ck_assert_uint_eq(ports_alive(), 0);
	ck_assert_uint_eq(stub_live_allocs, 0);
	ck_assert_uint_eq(stub_live_pages, 0);
}

static mach_port_name_t new_port(struct ipc_space *s)
{
	mach_port_name_t n;
	ck_assert_int_eq(ipc_space_allocate(s, MACH_PORT_RIGHT_RECEIVE, &n), KERN_SUCCESS);
	return n;
}

static struct ipc_port *port_of(struct ipc_space *s, mach_port_name_t n)
{
	struct ipc_entry *e = ipc_entry_lookup(s, n);
	ck_assert_ptr_nonnull(e);
	return (struct ipc_port *)e->object;
}

/* A transit right made from the receive right n of s. */
static struct ipc_port *make(struct ipc_space *s, mach_port_name_t n, mach_msg_type_name_t disp)
{
	struct ipc_port *p;
	ck_assert_int_eq(ipc_right_copyin(s, n, disp, false, &p), KERN_SUCCESS);
	return p;
}

/* A send right to s's receive right n, named in t. */
static mach_port_name_t send_to(struct ipc_space *t, struct ipc_space *s, mach_port_name_t n)
{
	mach_port_name_t name;
	ck_assert_int_eq(ipc_right_copyout(t, make(s, n, MACH_MSG_TYPE_MAKE_SEND),
					   MACH_MSG_TYPE_PORT_SEND, false, &name), KERN_SUCCESS);
	return name;
}

static mach_port_type_t type_of(struct ipc_space *s, mach_port_name_t n)
{
	mach_port_type_t t = 0;
	if (ipc_space_type(s, n, &t) != KERN_SUCCESS)
		return 0;
	return t;
}

static mach_port_urefs_t refs(struct ipc_space *s, mach_port_name_t n, mach_port_right_t r)
{
	mach_port_urefs_t u = 0;
	if (ipc_space_get_refs(s, n, r, &u) != KERN_SUCCESS)
		return 0;
	return u;
}

/* The next message queued on s's port n, received into s (rights
 * copied out); NULL if none. */
static struct ipc_kmsg *take(struct ipc_space *s, mach_port_name_t n)
{
	struct ipc_port *port = port_of(s, n);
	if (list_empty(&port->messages))
		return NULL;
	struct ipc_kmsg *k = list_entry(port->messages.next, struct ipc_kmsg, link);
	list_remove(&k->link);
	port->msgcount--;
	ck_assert_int_eq(ipc_kmsg_copyout(s, k, false), MACH_MSG_SUCCESS);
	return k;
}

/* Check a notification with a 32-bit value and free it. */
static void expect_value(struct ipc_kmsg *k, mach_port_name_t local, int32_t id,
			 uint32_t type, uint32_t value)
{
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->msg.hdr.msgh_id, id);
	ck_assert_uint_eq(k->size, IPC_NOTIFY_SIZE);
	ck_assert_uint_eq(k->msg.hdr.msgh_size, IPC_NOTIFY_SIZE);
	ck_assert_uint_eq(k->msg.hdr.msgh_bits, MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE));
	ck_assert_uint_eq(k->msg.hdr.msgh_local_port, local);
	ck_assert_uint_eq(k->msg.hdr.msgh_remote_port, MACH_PORT_NULL);
	mach_msg_type_t *t = (mach_msg_type_t *)(void *)(k->msg.bytes + 32);
	ck_assert_uint_eq(t->word, MSGT_WORD(type, 32, true));
	ck_assert_uint_eq(t->number, 1);
	ck_assert_uint_eq(*(uint64_t *)(void *)(k->msg.bytes + 40), value);
	ipc_kmsg_free(k);
}

static struct ipc_port *no_previous(void)
{
	return (struct ipc_port *)0x1;   /* must be overwritten */
}

/* --- send-once ----------------------------------------------------------- */

START_TEST(test_send_once)
{
	mach_port_name_t r = new_port(A);
	/* A send-once right in B, deallocated unused. */
	mach_port_name_t so;
	ck_assert_int_eq(ipc_right_copyout(B, make(A, r, MACH_MSG_TYPE_MAKE_SEND_ONCE),
					   MACH_MSG_TYPE_PORT_SEND_ONCE, false, &so), KERN_SUCCESS);
	ck_assert_uint_eq(port_of(A, r)->sorights, 1);
	ck_assert_int_eq(ipc_space_deallocate(B, so), KERN_SUCCESS);
	struct ipc_kmsg *k = take(A, r);
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->msg.hdr.msgh_id, MACH_NOTIFY_SEND_ONCE);
	ck_assert_uint_eq(k->size, IPC_NOTIFY_SEND_ONCE_SIZE);
	ck_assert_uint_eq(k->msg.hdr.msgh_local_port, r);
	ck_assert_uint_eq(k->msg.hdr.msgh_bits, MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE));
	ipc_kmsg_free(k);
	/* The notification used the right up. */
	ck_assert_uint_eq(port_of(A, r)->sorights, 0);
	ck_assert_ptr_null(take(A, r));

	/* Destroyed in transit (a message thrown away). */
	ipc_right_destroy_transit(make(A, r, MACH_MSG_TYPE_MAKE_SEND_ONCE),
				  MACH_MSG_TYPE_PORT_SEND_ONCE);
	k = take(A, r);
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->msg.hdr.msgh_id, MACH_NOTIFY_SEND_ONCE);
	ipc_kmsg_free(k);

	/* Used to carry a message: no notification. */
	k = ipc_kmsg_alloc(32);
	memset(k->msg.bytes, 0, 32);
	k->msg.hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, 0);
	k->msg.hdr.msgh_remote_slot = (uint64_t)(uintptr_t)make(A, r, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	k->msg.hdr.msgh_id = 7;
	deliver(k);
	k = take(A, r);
	ck_assert_int_eq(k->msg.hdr.msgh_id, 7);
	ipc_kmsg_free(k);
	ck_assert_ptr_null(take(A, r));
	ck_assert_uint_eq(port_of(A, r)->sorights, 0);

	/* mod_refs -1 destroys it too. */
	ck_assert_int_eq(ipc_right_copyout(B, make(A, r, MACH_MSG_TYPE_MAKE_SEND_ONCE),
					   MACH_MSG_TYPE_PORT_SEND_ONCE, false, &so), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_mod_refs(B, so, MACH_PORT_RIGHT_SEND_ONCE, -1), KERN_SUCCESS);
	k = take(A, r);
	ck_assert_ptr_nonnull(k);
	ipc_kmsg_free(k);

	/* To a dead port: nothing, nothing leaked. */
	ck_assert_int_eq(ipc_right_copyout(B, make(A, r, MACH_MSG_TYPE_MAKE_SEND_ONCE),
					   MACH_MSG_TYPE_PORT_SEND_ONCE, false, &so), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_destroy_name(A, r), KERN_SUCCESS);
	ck_assert_uint_eq(type_of(B, so), MACH_PORT_TYPE_DEAD_NAME);
	finish();
}
END_TEST

/* --- dead-name and port-deleted ------------------------------------------ */

START_TEST(test_dead_name)
{
	mach_port_name_t r = new_port(A), n = new_port(B);
	mach_port_name_t s = send_to(B, A, r);
	struct ipc_port *prev = no_previous();
	ck_assert_int_eq(ipc_space_request_notification(B, s, MACH_NOTIFY_DEAD_NAME, 0,
			 make(B, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ck_assert_ptr_null(prev);
	/* A second request replaces the first, which comes back. */
	ck_assert_int_eq(ipc_space_request_notification(B, s, MACH_NOTIFY_DEAD_NAME, 0,
			 make(B, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ck_assert_ptr_eq(prev, port_of(B, n));
	ck_assert_uint_eq(port_of(B, n)->sorights, 2);
	ipc_port_release_sonce(prev);
	ck_assert_ptr_null(take(B, n));

	/* The port dies: the notification names s, and s (a dead name now)
	 * has one more user reference for it. */
	ck_assert_int_eq(ipc_space_destroy_name(A, r), KERN_SUCCESS);
	expect_value(take(B, n), n, MACH_NOTIFY_DEAD_NAME, MACH_MSG_TYPE_PORT_NAME, s);
	ck_assert_uint_eq(type_of(B, s), MACH_PORT_TYPE_DEAD_NAME);
	ck_assert_uint_eq(refs(B, s, MACH_PORT_RIGHT_DEAD_NAME), 2);
	ck_assert_uint_eq(port_of(B, n)->sorights, 0);

	/* On a name already dead: at once with sync, refused without. */
	ck_assert_int_eq(ipc_space_request_notification(B, s, MACH_NOTIFY_DEAD_NAME, 0,
			 make(B, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_INVALID_ARGUMENT);
	/* (the refused right is still ours) */
	struct ipc_port *so = port_of(B, n);
	ipc_port_release_sonce(so);
	ck_assert_int_eq(ipc_space_request_notification(B, s, MACH_NOTIFY_DEAD_NAME, 1,
			 make(B, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ck_assert_ptr_null(prev);
	expect_value(take(B, n), n, MACH_NOTIFY_DEAD_NAME, MACH_MSG_TYPE_PORT_NAME, s);
	ck_assert_uint_eq(refs(B, s, MACH_PORT_RIGHT_DEAD_NAME), 3);

	/* Lazily converted names: the port dies while the name is not
	 * looked at; the receive right and a send right in one entry. */
	mach_port_name_t r2 = new_port(B);
	ck_assert_int_eq(ipc_space_insert_right(B, r2, B, r2, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_request_notification(B, r2, MACH_NOTIFY_DEAD_NAME, 0,
			 make(B, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_mod_refs(B, r2, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	expect_value(take(B, n), n, MACH_NOTIFY_DEAD_NAME, MACH_MSG_TYPE_PORT_NAME, r2);
	ck_assert_uint_eq(type_of(B, r2), MACH_PORT_TYPE_DEAD_NAME);
	ck_assert_uint_eq(refs(B, r2, MACH_PORT_RIGHT_DEAD_NAME), 2);
	finish();
}
END_TEST

START_TEST(test_port_deleted)
{
	mach_port_name_t r = new_port(A), n = new_port(B);
	mach_port_name_t s = send_to(B, A, r);
	struct ipc_port *prev;
	ck_assert_int_eq(ipc_space_mod_refs(B, s, MACH_PORT_RIGHT_SEND, 1), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_request_notification(B, s, MACH_NOTIFY_DEAD_NAME, 0,
			 make(B, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	/* Losing one of two references keeps the name and the request. */
	ck_assert_int_eq(ipc_space_deallocate(B, s), KERN_SUCCESS);
	ck_assert_ptr_null(take(B, n));
	/* Renamed, the request follows. */
	mach_port_name_t s2 = 0x1234;
	ck_assert_int_eq(ipc_space_rename(B, s, s2), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_deallocate(B, s2), KERN_SUCCESS);
	expect_value(take(B, n), n, MACH_NOTIFY_PORT_DELETED, MACH_MSG_TYPE_PORT_NAME, s2);
	ck_assert_uint_eq(type_of(B, s2), 0);
	ck_assert(list_empty(&port_of(A, r)->dnrequests));

	/* Moved away in a message (MOVE_SEND of the last reference). */
	s = send_to(B, A, r);
	ck_assert_int_eq(ipc_space_request_notification(B, s, MACH_NOTIFY_DEAD_NAME, 0,
			 make(B, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	struct ipc_port *moved;
	ck_assert_int_eq(ipc_right_copyin(B, s, MACH_MSG_TYPE_MOVE_SEND, false, &moved), KERN_SUCCESS);
	expect_value(take(B, n), n, MACH_NOTIFY_PORT_DELETED, MACH_MSG_TYPE_PORT_NAME, s);
	ipc_port_release_send(moved);

	/* A cancelled request (notify NULL) gives its right back, and then
	 * deallocation says nothing. */
	s = send_to(B, A, r);
	ck_assert_int_eq(ipc_space_request_notification(B, s, MACH_NOTIFY_DEAD_NAME, 0,
			 make(B, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_request_notification(B, s, MACH_NOTIFY_DEAD_NAME, 0, NULL, &prev),
			 KERN_SUCCESS);
	ck_assert_ptr_eq(prev, port_of(B, n));
	ipc_port_release_sonce(prev);
	ck_assert_int_eq(ipc_space_deallocate(B, s), KERN_SUCCESS);
	ck_assert_ptr_null(take(B, n));

	/* A send-once name with a request, destroyed: send-once
	 * notification to its port, port-deleted to the requester. */
	mach_port_name_t so;
	ck_assert_int_eq(ipc_right_copyout(B, make(A, r, MACH_MSG_TYPE_MAKE_SEND_ONCE),
					   MACH_MSG_TYPE_PORT_SEND_ONCE, false, &so), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_request_notification(B, so, MACH_NOTIFY_DEAD_NAME, 0,
			 make(B, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_deallocate(B, so), KERN_SUCCESS);
	expect_value(take(B, n), n, MACH_NOTIFY_PORT_DELETED, MACH_MSG_TYPE_PORT_NAME, so);
	struct ipc_kmsg *k = take(A, r);
	ck_assert_int_eq(k->msg.hdr.msgh_id, MACH_NOTIFY_SEND_ONCE);
	ipc_kmsg_free(k);

	/* The requester's space goes away: its pending requests go too. */
	s = send_to(B, A, r);
	ck_assert_int_eq(ipc_space_request_notification(B, s, MACH_NOTIFY_DEAD_NAME, 0,
			 make(A, r, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ipc_space_destroy(B);
	B = ipc_space_create();
	ck_assert(list_empty(&port_of(A, r)->dnrequests));
	expect_value(take(A, r), r, MACH_NOTIFY_PORT_DELETED, MACH_MSG_TYPE_PORT_NAME, s);
	finish();
}
END_TEST

/* --- no-senders ---------------------------------------------------------- */

START_TEST(test_no_senders)
{
	mach_port_name_t r = new_port(A), n = new_port(A);
	struct ipc_port *port = port_of(A, r), *prev;
	mach_port_name_t s1 = send_to(B, A, r);
	ck_assert_int_eq(ipc_space_mod_refs(B, s1, MACH_PORT_RIGHT_SEND, 2), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_request_notification(A, r, MACH_NOTIFY_NO_SENDERS, 0,
			 make(A, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ck_assert_ptr_null(prev);
	struct ipc_port_status st;
	ck_assert_int_eq(ipc_space_get_receive_status(A, r, &st), KERN_SUCCESS);
	ck_assert(st.nsrequest && st.srights && !st.pdrequest);
	ck_assert_uint_eq(st.mscount, 1);
	/* References go one by one; the last one fires. */
	ck_assert_int_eq(ipc_space_mod_refs(B, s1, MACH_PORT_RIGHT_SEND, -2), KERN_SUCCESS);
	ck_assert_ptr_null(take(A, n));
	ck_assert_int_eq(ipc_space_deallocate(B, s1), KERN_SUCCESS);
	expect_value(take(A, n), n, MACH_NOTIFY_NO_SENDERS, MACH_MSG_TYPE_INTEGER_32, 1);
	ck_assert_ptr_null(port->nsrequest);

	/* No senders and sync <= mscount: at once. */
	ck_assert_int_eq(ipc_space_request_notification(A, r, MACH_NOTIFY_NO_SENDERS, 1,
			 make(A, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	expect_value(take(A, n), n, MACH_NOTIFY_NO_SENDERS, MACH_MSG_TYPE_INTEGER_32, 1);
	/* sync above mscount: armed until a send right made later goes. */
	ck_assert_int_eq(ipc_space_request_notification(A, r, MACH_NOTIFY_NO_SENDERS, 2,
			 make(A, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ck_assert_ptr_null(take(A, n));
	/* A send right in transit, destroyed. */
	ipc_right_destroy_transit(make(A, r, MACH_MSG_TYPE_MAKE_SEND), MACH_MSG_TYPE_PORT_SEND);
	expect_value(take(A, n), n, MACH_NOTIFY_NO_SENDERS, MACH_MSG_TYPE_INTEGER_32, 2);

	/* A send right in the receiver's own entry. */
	ck_assert_int_eq(ipc_space_insert_right(A, r, A, r, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_request_notification(A, r, MACH_NOTIFY_NO_SENDERS, 0,
			 make(A, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_deallocate(A, r), KERN_SUCCESS);
	expect_value(take(A, n), n, MACH_NOTIFY_NO_SENDERS, MACH_MSG_TYPE_INTEGER_32, 3);
	ck_assert_uint_eq(type_of(A, r), MACH_PORT_TYPE_RECEIVE);

	/* mach_port_set_mscount feeds the count. */
	ck_assert_int_eq(ipc_space_set_mscount(A, r, 40), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_request_notification(A, r, MACH_NOTIFY_NO_SENDERS, 0,
			 make(A, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	expect_value(take(A, n), n, MACH_NOTIFY_NO_SENDERS, MACH_MSG_TYPE_INTEGER_32, 40);

	/* An armed request on a port that dies: the requester gets a
	 * send-once notification instead. */
	mach_port_name_t s2 = send_to(B, A, r);
	ck_assert_int_eq(ipc_space_request_notification(A, r, MACH_NOTIFY_NO_SENDERS, 0,
			 make(A, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_destroy_name(A, r), KERN_SUCCESS);
	struct ipc_kmsg *k = take(A, n);
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->msg.hdr.msgh_id, MACH_NOTIFY_SEND_ONCE);
	ipc_kmsg_free(k);
	ck_assert_uint_eq(type_of(B, s2), MACH_PORT_TYPE_DEAD_NAME);
	finish();
}
END_TEST

/* --- port-destroyed ------------------------------------------------------ */

START_TEST(test_port_destroyed)
{
	mach_port_name_t r = new_port(A), n = new_port(B);
	struct ipc_port *port = port_of(A, r), *prev;
	ipc_port_reference(port);
	ck_assert_int_eq(ipc_space_request_notification(A, r, MACH_NOTIFY_PORT_DESTROYED, 0,
			 make(B, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ck_assert_ptr_null(prev);
	struct ipc_port_status st;
	ck_assert_int_eq(ipc_space_get_receive_status(A, r, &st), KERN_SUCCESS);
	ck_assert(st.pdrequest);
	/* A message waiting on it survives the rebirth. */
	mach_port_name_t s = send_to(B, A, r);
	struct ipc_kmsg *m = ipc_kmsg_alloc(32);
	memset(m->msg.bytes, 0, 32);
	m->msg.hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, 0);
	m->msg.hdr.msgh_remote_slot = (uint64_t)(uintptr_t)make(A, r, MACH_MSG_TYPE_MAKE_SEND);
	m->msg.hdr.msgh_id = 77;
	deliver(m);

	ck_assert_int_eq(ipc_space_destroy_name(A, r), KERN_SUCCESS);
	ck_assert(port->active);
	ck_assert_ptr_null(port->receiver);
	ck_assert_uint_eq(type_of(A, r), 0);
	/* B's send right is still good. */
	ck_assert_uint_eq(type_of(B, s), MACH_PORT_TYPE_SEND);

	struct ipc_kmsg *k = take(B, n);
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->msg.hdr.msgh_id, MACH_NOTIFY_PORT_DESTROYED);
	ck_assert_uint_eq(k->size, IPC_NOTIFY_SIZE);
	ck_assert(k->msg.hdr.msgh_bits & MACH_MSGH_BITS_COMPLEX);
	mach_msg_type_t *t = (mach_msg_type_t *)(void *)(k->msg.bytes + 32);
	ck_assert_uint_eq(t->word, MSGT_WORD(MACH_MSG_TYPE_PORT_RECEIVE, 64, true));
	mach_port_name_t got = (mach_port_name_t)*(uint64_t *)(void *)(k->msg.bytes + 40);
	ipc_kmsg_free(k);
	/* B held a send right: the receive right joins its name. */
	ck_assert_uint_eq(got, s);
	ck_assert_uint_eq(type_of(B, got), MACH_PORT_TYPE_SEND_RECEIVE);
	ck_assert_ptr_eq(port_of(B, got), port);
	ck_assert_ptr_null(port->destination);
	ck_assert_int_eq(ipc_space_get_receive_status(B, got, &st), KERN_SUCCESS);
	ck_assert(!st.pdrequest);
	ck_assert_uint_eq(st.msgcount, 1);
	k = take(B, got);
	ck_assert_int_eq(k->msg.hdr.msgh_id, 77);
	ipc_kmsg_free(k);

	/* The request was used: destroying it again kills it. */
	ck_assert_int_eq(ipc_space_destroy_name(B, got), KERN_SUCCESS);
	ck_assert(!port->active);
	ck_assert_uint_eq(type_of(B, s), 0);
	ipc_port_release(port);

	/* A request through the port itself would keep it forever: the port
	 * just dies. */
	r = new_port(A);
	port = port_of(A, r);
	ipc_port_reference(port);
	ck_assert_int_eq(ipc_space_request_notification(A, r, MACH_NOTIFY_PORT_DESTROYED, 0,
			 make(A, r, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_destroy_name(A, r), KERN_SUCCESS);
	ck_assert(!port->active);
	ck_assert_uint_eq(port->sorights, 0);
	ipc_port_release(port);

	/* To a dead notify port: the message and the right in it die. */
	r = new_port(A);
	n = new_port(B);
	port = port_of(A, r);
	ipc_port_reference(port);
	ck_assert_int_eq(ipc_space_request_notification(A, r, MACH_NOTIFY_PORT_DESTROYED, 0,
			 make(B, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_destroy_name(B, n), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_destroy_name(A, r), KERN_SUCCESS);
	ck_assert(!port->active);
	ipc_port_release(port);

	/* Replacing a request hands back the old right. */
	r = new_port(A);
	n = new_port(B);
	ck_assert_int_eq(ipc_space_request_notification(A, r, MACH_NOTIFY_PORT_DESTROYED, 0,
			 make(B, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_request_notification(A, r, MACH_NOTIFY_PORT_DESTROYED, 0,
			 NULL, &prev), KERN_SUCCESS);
	ck_assert_ptr_eq(prev, port_of(B, n));
	ipc_right_destroy_transit(prev, MACH_MSG_TYPE_PORT_SEND_ONCE);
	k = take(B, n);
	ck_assert_int_eq(k->msg.hdr.msgh_id, MACH_NOTIFY_SEND_ONCE);
	ipc_kmsg_free(k);
	finish();
}
END_TEST

/* --- errors -------------------------------------------------------------- */

START_TEST(test_request_errors)
{
	mach_port_name_t r = new_port(A), n = new_port(A), set, dead;
	mach_port_name_t s = send_to(A, B, new_port(B));
	ck_assert_int_eq(ipc_space_allocate(A, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_allocate(A, MACH_PORT_RIGHT_DEAD_NAME, &dead), KERN_SUCCESS);
	struct ipc_port *so = make(A, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), *prev;
	struct { mach_port_name_t name; int32_t id; uint32_t sync; kern_return_t want; } cases[] = {
		{ 0x4242, MACH_NOTIFY_DEAD_NAME, 0, KERN_INVALID_NAME },
		{ MACH_PORT_NULL, MACH_NOTIFY_NO_SENDERS, 0, KERN_INVALID_NAME },
		{ 0x4242, MACH_NOTIFY_PORT_DESTROYED, 0, KERN_INVALID_NAME },
		{ set, MACH_NOTIFY_DEAD_NAME, 0, KERN_INVALID_RIGHT },
		{ set, MACH_NOTIFY_NO_SENDERS, 0, KERN_INVALID_RIGHT },
		{ s, MACH_NOTIFY_NO_SENDERS, 0, KERN_INVALID_RIGHT },
		{ s, MACH_NOTIFY_PORT_DESTROYED, 0, KERN_INVALID_RIGHT },
		{ r, MACH_NOTIFY_PORT_DESTROYED, 1, KERN_INVALID_VALUE },
		{ dead, MACH_NOTIFY_DEAD_NAME, 0, KERN_INVALID_ARGUMENT },
		{ r, MACH_NOTIFY_SEND_ONCE, 0, KERN_INVALID_VALUE },
		{ r, MACH_NOTIFY_PORT_DELETED, 0, KERN_INVALID_VALUE },
		{ r, 12345, 0, KERN_INVALID_VALUE },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		prev = no_previous();
		kern_return_t kr = ipc_space_request_notification(A, cases[i].name, cases[i].id,
								  cases[i].sync, so, &prev);
		ck_assert_msg(kr == cases[i].want, "case %zu: %x", i, kr);
		ck_assert_ptr_null(prev);
	}
	/* Nothing was consumed. */
	ck_assert_uint_eq(port_of(A, n)->sorights, 1);
	ck_assert_int_eq(ipc_space_request_notification(A, r, MACH_NOTIFY_NO_SENDERS, 5,
			 IPC_PORT_DEAD, &prev), KERN_INVALID_CAPABILITY);
	ipc_port_release_sonce(so);
	ck_assert_ptr_null(take(A, n));

	/* Receive status and sequence numbers. */
	struct ipc_port_status st;
	ck_assert_int_eq(ipc_space_get_receive_status(A, s, &st), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_get_receive_status(A, 0x4242, &st), KERN_INVALID_NAME);
	ck_assert_int_eq(ipc_space_set_seqno(A, set, 1), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_set_seqno(A, r, 99), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_move_member(A, r, set), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_set_qlimit(A, r, 3), KERN_SUCCESS);
	struct ipc_port *so2 = make(A, r, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	ck_assert_int_eq(ipc_space_get_receive_status(A, r, &st), KERN_SUCCESS);
	ck_assert_uint_eq(st.pset, set);
	ck_assert_uint_eq(st.seqno, 99);
	ck_assert_uint_eq(st.qlimit, 3);
	ck_assert_uint_eq(st.msgcount, 0);
	ck_assert_uint_eq(st.sorights, 1);
	ck_assert(!st.srights && !st.nsrequest && !st.pdrequest);
	ipc_port_release_sonce(so2);
	finish();
}
END_TEST

/* Without a deliverer (the plain core) requests still work; the rights
 * are just released. */
START_TEST(test_no_deliverer)
{
	ipc_notify_deliver = NULL;
	mach_port_name_t r = new_port(A), n = new_port(A);
	struct ipc_port *prev;
	ck_assert_int_eq(ipc_space_request_notification(A, r, MACH_NOTIFY_PORT_DESTROYED, 0,
			 make(A, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_request_notification(A, r, MACH_NOTIFY_NO_SENDERS, 0,
			 make(A, n, MACH_MSG_TYPE_MAKE_SEND_ONCE), &prev), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_destroy_name(A, r), KERN_SUCCESS);
	ck_assert_uint_eq(port_of(A, n)->sorights, 0);
	ck_assert_ptr_null(take(A, n));
	finish();
}
END_TEST

/* --- receive rights travelling into their own queue ---------------------- */

static struct ipc_kmsg *carrying(struct ipc_space *s, mach_port_name_t dest, mach_port_name_t rcv)
{
	struct ipc_kmsg *k = ipc_kmsg_alloc(48);
	memset(k->msg.bytes, 0, 48);
	k->msg.hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	k->msg.hdr.msgh_size = 48;
	k->msg.hdr.msgh_remote_port = dest;
	mach_msg_type_t *t = (mach_msg_type_t *)(void *)(k->msg.bytes + 32);
	t->word = MSGT_WORD(MACH_MSG_TYPE_MOVE_RECEIVE, 64, true);
	t->number = 1;
	*(uint64_t *)(void *)(k->msg.bytes + 40) = rcv;
	ck_assert_int_eq(ipc_kmsg_copyin(s, k), MACH_MSG_SUCCESS);
	return k;
}

START_TEST(test_circularity)
{
	/* p's receive right sent to p: circular; delivering destroys the
	 * message and p. */
	mach_port_name_t p = new_port(A);
	struct ipc_port *pp = port_of(A, p);
	ipc_port_reference(pp);
	struct ipc_kmsg *k = carrying(A, p, p);
	ck_assert(k->msg.hdr.msgh_bits & MACH_MSGH_BITS_CIRCULAR);
	ck_assert_ptr_null(pp->destination);
	deliver(k);
	ck_assert(!pp->active);
	ipc_port_release(pp);

	/* q travels to p (queued there), then p's right travels to q:
	 * p -> q -> p. */
	p = new_port(A);
	mach_port_name_t q = new_port(A);
	pp = port_of(A, p);
	struct ipc_port *qp = port_of(A, q);
	ipc_port_reference(pp);
	ipc_port_reference(qp);
	k = carrying(A, p, q);
	ck_assert(!(k->msg.hdr.msgh_bits & MACH_MSGH_BITS_CIRCULAR));
	ck_assert_ptr_eq(qp->destination, pp);
	deliver(k);
	/* Now p's receive right to q, through a send right made from the
	 * port itself (q's receive right is in p's queue). */
	struct ipc_kmsg *k2 = ipc_kmsg_alloc(48);
	memset(k2->msg.bytes, 0, 48);
	k2->msg.hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	k2->msg.hdr.msgh_size = 48;
	k2->msg.hdr.msgh_remote_slot = (uint64_t)(uintptr_t)ipc_port_make_send(qp);
	mach_msg_type_t *t = (mach_msg_type_t *)(void *)(k2->msg.bytes + 32);
	t->word = MSGT_WORD(MACH_MSG_TYPE_MOVE_RECEIVE, 64, true);
	t->number = 1;
	*(uint64_t *)(void *)(k2->msg.bytes + 40) = p;
	ck_assert_int_eq(ipc_kmsg_copyin_body(A, k2), MACH_MSG_SUCCESS);
	ck_assert(k2->msg.hdr.msgh_bits & MACH_MSGH_BITS_CIRCULAR);
	deliver(k2);
	/* p died, and with it its queue, the message holding q: q died. */
	ck_assert(!pp->active);
	ck_assert(!qp->active);
	ipc_port_release(pp);
	ipc_port_release(qp);

	/* Received, a travelling right forgets its destination. */
	p = new_port(A);
	q = new_port(A);
	qp = port_of(A, q);
	k = carrying(A, p, q);
	ck_assert_ptr_eq(qp->destination, port_of(A, p));
	ck_assert_int_eq(ipc_kmsg_copyout(B, k, false), MACH_MSG_SUCCESS);
	ck_assert_ptr_null(qp->destination);
	ipc_kmsg_free(k);
	finish();
}
END_TEST

/* --- msg-accepted requests ---------------------------------------------- */

/* A message from B to A's port r (B's send right s), forced: armed and
 * queued as mach_msg does. */
static struct ipc_kmsg *forced(mach_port_name_t s, mach_port_name_t notify, mach_msg_return_t want)
{
	struct ipc_kmsg *k = ipc_kmsg_alloc(32);
	memset(k->msg.bytes, 0, 32);
	k->msg.hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	k->msg.hdr.msgh_remote_port = s;
	k->msg.hdr.msgh_id = 9;
	ck_assert_int_eq(ipc_kmsg_copyin(B, k), MACH_MSG_SUCCESS);
	mach_msg_return_t mr = ipc_notify_accept_request(B, k, notify);
	ck_assert_int_eq(mr, want);
	if (mr != MACH_MSG_SUCCESS) {
		ipc_kmsg_destroy(k);
		return NULL;
	}
	deliver(k);
	return k;
}

START_TEST(test_msg_accepted)
{
	mach_port_name_t r = new_port(A), n = new_port(B);
	mach_port_name_t s = send_to(B, A, r);
	ck_assert_ptr_null(forced(s, MACH_PORT_NULL, MACH_SEND_INVALID_NOTIFY));
	ck_assert_ptr_null(forced(s, s, MACH_SEND_INVALID_NOTIFY));   /* not a receive right */
	ck_assert_ptr_nonnull(forced(s, n, MACH_MSG_SUCCESS));
	ck_assert_ptr_null(forced(s, n, MACH_SEND_NOTIFY_IN_PROGRESS));
	ck_assert_uint_eq(port_of(B, n)->sorights, 1);
	/* Taken off the queue: the notification names s. */
	struct ipc_kmsg *k = take(A, r);
	ck_assert_int_eq(k->msg.hdr.msgh_id, 9);
	ipc_notify_accepted(k);
	ipc_kmsg_free(k);
	expect_value(take(B, n), n, MACH_NOTIFY_MSG_ACCEPTED, MACH_MSG_TYPE_PORT_NAME, s);
	ck_assert(!(ipc_entry_lookup(B, s)->bits & IE_BITS_MAREQUEST));

	/* Renamed while pending: the notification follows the name. */
	ck_assert_ptr_nonnull(forced(s, n, MACH_MSG_SUCCESS));
	ck_assert_int_eq(ipc_space_rename(B, s, 0x777), KERN_SUCCESS);
	s = 0x777;
	ck_assert_ptr_null(forced(s, n, MACH_SEND_NOTIFY_IN_PROGRESS));
	k = take(A, r);
	ipc_notify_accepted(k);
	ipc_kmsg_free(k);
	expect_value(take(B, n), n, MACH_NOTIFY_MSG_ACCEPTED, MACH_MSG_TYPE_PORT_NAME, s);

	/* The name goes while pending: the notification names nothing, and
	 * the sender's space may go too. */
	ck_assert_ptr_nonnull(forced(s, n, MACH_MSG_SUCCESS));
	ck_assert_int_eq(ipc_space_deallocate(B, s), KERN_SUCCESS);
	ck_assert_uint_eq(type_of(B, s), 0);
	struct ipc_kmsg *q = list_entry(port_of(A, r)->messages.next, struct ipc_kmsg, link);
	ck_assert_ptr_null(q->accepted_space);
	k = take(A, r);
	ipc_notify_accepted(k);
	ipc_kmsg_free(k);
	expect_value(take(B, n), n, MACH_NOTIFY_MSG_ACCEPTED, MACH_MSG_TYPE_PORT_NAME, MACH_PORT_NULL);

	s = send_to(B, A, r);
	ck_assert_ptr_nonnull(forced(s, n, MACH_MSG_SUCCESS));
	ipc_space_destroy(B);
	B = ipc_space_create();
	q = list_entry(port_of(A, r)->messages.next, struct ipc_kmsg, link);
	ck_assert_ptr_null(q->accepted_space);
	k = take(A, r);
	ipc_notify_accepted(k);   /* to n, dead with B: dropped */
	ipc_kmsg_free(k);

	/* Pending when the destination dies: sent then, with the name. */
	r = new_port(A);
	n = new_port(B);
	s = send_to(B, A, r);
	ck_assert_ptr_nonnull(forced(s, n, MACH_MSG_SUCCESS));
	ck_assert_int_eq(ipc_space_destroy_name(A, r), KERN_SUCCESS);
	expect_value(take(B, n), n, MACH_NOTIFY_MSG_ACCEPTED, MACH_MSG_TYPE_PORT_NAME, s);
	ck_assert_uint_eq(type_of(B, s), MACH_PORT_TYPE_DEAD_NAME);
	finish();
}
END_TEST

static Suite *notify_suite(void)
{
	Suite *s = suite_create("ipc_notify");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_send_once);
	tcase_add_test(tc, test_dead_name);
	tcase_add_test(tc, test_port_deleted);
	tcase_add_test(tc, test_no_senders);
	tcase_add_test(tc, test_port_destroyed);
	tcase_add_test(tc, test_request_errors);
	tcase_add_test(tc, test_no_deliverer);
	tcase_add_test(tc, test_circularity);
	tcase_add_test(tc, test_msg_accepted);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(notify_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
