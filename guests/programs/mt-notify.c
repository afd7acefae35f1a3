/* Mach test suite: notifications, each requested with
 * mach_port_request_notification (or, for send-once, implied by the right)
 * and received on a port of our own: dead-name, port-deleted, no-senders,
 * port-destroyed and send-once; and msg-accepted, asked for with
 * MACH_SEND_NOTIFY and mach_msg's seventh argument. */
#include <mt.h>
#include <mach_init.h>
#include <mach/port.h>
#include <mach/notify.h>
#include "mach.h"
#include "mach_port.h"

static mach_port_t self, notify;

struct any_msg {
	mach_msg_header_t h;
	char body[256];
};

static mach_msg_return_t recv_notify(struct any_msg *m)
{
	memset(m, 0, sizeof(*m));
	return mach_msg(&m->h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(*m), notify, 1000,
			MACH_PORT_NULL);
}

static void nothing_pending(const char *what)
{
	struct any_msg m;

	memset(&m, 0, sizeof(m));
	MT_KR(mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), notify, 0,
		       MACH_PORT_NULL),
	      MACH_RCV_TIMED_OUT, "%s", what);
}

static void test_dead_name(void)
{
	mach_port_t p = mach_reply_port(), prev = 0xdead;
	struct any_msg m;
	mach_dead_name_notification_t *n = (mach_dead_name_notification_t *)&m;
	mach_port_type_t type = 0;

	(void)mach_port_insert_right(self, p, p, MACH_MSG_TYPE_MAKE_SEND);
	if (!MT_KR(mach_port_request_notification(self, p, MACH_NOTIFY_DEAD_NAME, 0, notify,
						  MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev),
		   KERN_SUCCESS, "request a dead-name notification"))
		return;
	mt_eq(prev, MACH_PORT_NULL, "no previous request");
	nothing_pending("nothing is sent while the port lives");
	MT_KR(mach_port_mod_refs(self, p, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS,
	      "destroy the receive right; the send right remains");
	if (MT_KR(recv_notify(&m), MACH_MSG_SUCCESS, "a notification arrives")) {
		mt_eq(m.h.msgh_id, MACH_NOTIFY_DEAD_NAME, "it is MACH_NOTIFY_DEAD_NAME");
		mt_eq(n->not_port, p, "naming the dead name");
		mt_eq(MACH_MSGH_BITS_LOCAL(m.h.msgh_bits), MACH_MSG_TYPE_PORT_SEND_ONCE,
		      "sent through our send-once right");
	}
	MT_KR(mach_port_type(self, p, &type), KERN_SUCCESS, "the name is still there");
	mt_eq(type, MACH_PORT_TYPE_DEAD_NAME, "as a dead name");
	/* The notification carries a dead-name reference of its own: 2 now. */
	(void)mach_port_mod_refs(self, p, MACH_PORT_RIGHT_DEAD_NAME, -2);
	MT_KR(mach_port_type(self, p, &type), KERN_INVALID_NAME,
	      "two dead-name references released the name");
}

static void test_port_deleted(void)
{
	mach_port_t t = mach_thread_self(), prev = 0xdead;
	struct any_msg m;
	mach_port_deleted_notification_t *n = (mach_port_deleted_notification_t *)&m;
	mach_port_urefs_t refs = 0;

	(void)mach_port_get_refs(self, t, MACH_PORT_RIGHT_SEND, &refs);
	if (!MT_KR(mach_port_request_notification(self, t, MACH_NOTIFY_DEAD_NAME, 0, notify,
						  MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev),
		   KERN_SUCCESS, "request a dead-name notification on a send right"))
		return;
	MT_KR(mach_port_mod_refs(self, t, MACH_PORT_RIGHT_SEND, -(int)refs), KERN_SUCCESS,
	      "release every send reference");
	if (MT_KR(recv_notify(&m), MACH_MSG_SUCCESS, "a notification arrives")) {
		mt_eq(m.h.msgh_id, MACH_NOTIFY_PORT_DELETED, "it is MACH_NOTIFY_PORT_DELETED");
		mt_eq(n->not_port, t, "naming the deleted name");
	}
}

static void test_no_senders(void)
{
	mach_port_t p = mach_reply_port(), prev = 0xdead;
	struct any_msg m;
	mach_no_senders_notification_t *n = (mach_no_senders_notification_t *)&m;

	(void)mach_port_insert_right(self, p, p, MACH_MSG_TYPE_MAKE_SEND);
	(void)mach_port_mod_refs(self, p, MACH_PORT_RIGHT_SEND, 1);
	if (!MT_KR(mach_port_request_notification(self, p, MACH_NOTIFY_NO_SENDERS, 1, notify,
						  MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev),
		   KERN_SUCCESS, "request a no-senders notification (sync 1)"))
		goto out;
	(void)mach_port_deallocate(self, p);
	nothing_pending("one send reference left: no notification yet");
	(void)mach_port_deallocate(self, p);
	if (MT_KR(recv_notify(&m), MACH_MSG_SUCCESS, "the last send right went: a notification")) {
		mt_eq(m.h.msgh_id, MACH_NOTIFY_NO_SENDERS, "it is MACH_NOTIFY_NO_SENDERS");
		mt_eq(n->not_count, 1, "with the make-send count 1");
	}
	MT_KR(mach_port_request_notification(self, p, MACH_NOTIFY_NO_SENDERS, 0, notify,
					     MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev),
	      KERN_SUCCESS, "request again with no senders at all");
	if (MT_KR(recv_notify(&m), MACH_MSG_SUCCESS, "it fires at once"))
		mt_eq(m.h.msgh_id, MACH_NOTIFY_NO_SENDERS, "MACH_NOTIFY_NO_SENDERS");
out:
	(void)mach_port_destroy(self, p);
}

static void test_port_destroyed(void)
{
	mach_port_t p = mach_reply_port(), prev = 0xdead, back;
	struct any_msg m;
	mach_port_destroyed_notification_t *n = (mach_port_destroyed_notification_t *)&m;
	struct any_msg probe;

	if (!MT_KR(mach_port_request_notification(self, p, MACH_NOTIFY_PORT_DESTROYED, 0, notify,
						  MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev),
		   KERN_SUCCESS, "request a port-destroyed notification"))
		goto out;
	MT_KR(mach_port_mod_refs(self, p, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS,
	      "destroy the receive right");
	if (MT_KR(recv_notify(&m), MACH_MSG_SUCCESS, "a notification arrives")) {
		mt_eq(m.h.msgh_id, MACH_NOTIFY_PORT_DESTROYED, "it is MACH_NOTIFY_PORT_DESTROYED");
		mt_eq(n->not_type.msgt_name, MACH_MSG_TYPE_PORT_RECEIVE,
		      "carrying the receive right");
		back = n->not_port;
		memset(&probe, 0, sizeof(probe));
		probe.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
		probe.h.msgh_remote_port = back;
		probe.h.msgh_id = 1;
		MT_KR(mach_msg(&probe.h, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT,
			       sizeof(mach_msg_header_t), sizeof(probe), back, 1000,
			       MACH_PORT_NULL),
		      MACH_MSG_SUCCESS, "the port lives on: send to it and receive");
		(void)mach_port_destroy(self, back);
	}
	return;
out:
	(void)mach_port_destroy(self, p);
}

static void test_send_once(void)
{
	mach_port_t p = mach_reply_port(), so = MACH_PORT_NULL;
	mach_msg_type_name_t t = 0;
	struct any_msg m;

	if (!MT_KR(mach_port_extract_right(self, notify, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so, &t),
		   KERN_SUCCESS, "make a send-once right to the notify port"))
		goto out;
	MT_KR(mach_port_deallocate(self, so), KERN_SUCCESS, "deallocate it unused");
	if (MT_KR(recv_notify(&m), MACH_MSG_SUCCESS, "a notification arrives"))
		mt_eq(m.h.msgh_id, MACH_NOTIFY_SEND_ONCE, "it is MACH_NOTIFY_SEND_ONCE");
out:
	(void)mach_port_destroy(self, p);
}

/* A message that carries a send-once right and is destroyed unreceived
 * (too large for the buffer, without MACH_RCV_LARGE) fires the right's
 * send-once notification. */
static void test_send_once_destroyed(void)
{
	mach_port_t p = mach_reply_port();
	struct {
		mach_msg_header_t h;
		mach_msg_type_t t;
		uint64_t pad;
	} big;
	struct any_msg m;

	memset(&big, 0, sizeof(big));
	big.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	big.h.msgh_remote_port = p;
	big.h.msgh_local_port = notify;
	big.h.msgh_id = 4242;
	big.t.msgt_name = MACH_MSG_TYPE_INTEGER_64;
	big.t.msgt_size = 64;
	big.t.msgt_number = 1;
	big.t.msgt_inline = TRUE;
	MT_KR(mach_msg(&big.h, MACH_SEND_MSG, sizeof(big), 0, MACH_PORT_NULL, 0, MACH_PORT_NULL),
	      MACH_MSG_SUCCESS, "send a message with a send-once reply right");
	MT_KR(mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(mach_msg_header_t), p, 0,
		       MACH_PORT_NULL),
	      MACH_RCV_TOO_LARGE, "receive it into too small a buffer: it is destroyed");
	if (MT_KR(recv_notify(&m), MACH_MSG_SUCCESS, "a notification arrives for the reply right"))
		mt_eq(m.h.msgh_id, MACH_NOTIFY_SEND_ONCE, "it is MACH_NOTIFY_SEND_ONCE");
}

/* A null message to p, forced past a full queue with MACH_SEND_NOTIFY and
 * notify_name as mach_msg's seventh argument (on x86_64 it travels on the
 * user stack). */
static mach_msg_return_t send_forced(mach_port_t p, mach_msg_option_t extra,
				     mach_port_t notify_name, int id)
{
	mach_msg_header_t h = {
		.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
		.msgh_size = sizeof(h),
		.msgh_remote_port = p,
		.msgh_id = id,
	};
	return mach_msg(&h, MACH_SEND_MSG | extra, sizeof(h), 0, MACH_PORT_NULL, 0, notify_name);
}

static void test_msg_accepted(void)
{
	mach_port_t p = mach_reply_port();
	struct any_msg m;
	mach_msg_accepted_notification_t *n = (mach_msg_accepted_notification_t *)&m;

	(void)mach_port_insert_right(self, p, p, MACH_MSG_TYPE_MAKE_SEND);
	(void)mach_port_set_qlimit(self, p, 1);
	MT_KR(send_forced(p, MACH_SEND_TIMEOUT, MACH_PORT_NULL, 1), MACH_MSG_SUCCESS,
	      "the first message fills the queue (qlimit 1)");
	MT_KR(send_forced(p, MACH_SEND_TIMEOUT, MACH_PORT_NULL, 2), MACH_SEND_TIMED_OUT,
	      "a second one would wait: MACH_SEND_TIMED_OUT");
	MT_KR(send_forced(p, MACH_SEND_NOTIFY, 0x4242, 3), MACH_SEND_INVALID_NOTIFY,
	      "MACH_SEND_NOTIFY naming no receive right: MACH_SEND_INVALID_NOTIFY");
	MT_KR(send_forced(p, MACH_SEND_NOTIFY, notify, 4), MACH_SEND_WILL_NOTIFY,
	      "MACH_SEND_NOTIFY with our notify port: queued anyway, MACH_SEND_WILL_NOTIFY");
	MT_KR(send_forced(p, MACH_SEND_NOTIFY, notify, 5), MACH_SEND_NOTIFY_IN_PROGRESS,
	      "a second forced send while one is pending: MACH_SEND_NOTIFY_IN_PROGRESS");
	nothing_pending("no notification while the forced message waits");
	for (int want = 1; want <= 4; want += 3) {
		memset(&m, 0, sizeof(m));
		if (MT_KR(mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), p, 1000,
				   MACH_PORT_NULL), MACH_MSG_SUCCESS, "receive message %d", want))
			mt_eq(m.h.msgh_id, want, "it is message %d", want);
	}
	if (MT_KR(recv_notify(&m), MACH_MSG_SUCCESS, "the forced message taken: a notification")) {
		mt_eq(m.h.msgh_id, MACH_NOTIFY_MSG_ACCEPTED, "it is MACH_NOTIFY_MSG_ACCEPTED");
		mt_eq(n->not_port, p, "naming the destination by our name for it");
	}
	nothing_pending("and only one");
	(void)mach_port_destroy(self, p);
}

static void test_bad_requests(void)
{
	mach_port_t p = mach_reply_port(), prev = 0;

	MT_KR(mach_port_request_notification(self, p, 12345, 0, notify,
					     MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev),
	      KERN_INVALID_VALUE, "an unknown notification id");
	MT_KR(mach_port_request_notification(self, 0x9999, MACH_NOTIFY_DEAD_NAME, 0, notify,
					     MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev),
	      KERN_INVALID_NAME, "a dead-name request for an unknown name");
	(void)mach_port_destroy(self, p);
}

int main(int argc, char **argv, char **envp)
{
	mt_begin("mt-notify");
	self = mach_task_self();
	notify = mach_reply_port();
	test_dead_name();
	test_port_deleted();
	test_no_senders();
	test_port_destroyed();
	test_send_once();
	test_send_once_destroyed();
	test_msg_accepted();
	test_bad_requests();
	return mt_end();
}
