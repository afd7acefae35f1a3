/* Notifications (GNU Mach's mach/notify.h): messages the kernel sends
 * through a send-once right when something happens to a right.
 *
 *   MACH_NOTIFY_PORT_DELETED   0101  a name with a dead-name request lost
 *                                    its right (body: the name)
 *   MACH_NOTIFY_MSG_ACCEPTED   0102  a MACH_SEND_NOTIFY message past the
 *                                    queue limit was taken (body: name)
 *   MACH_NOTIFY_PORT_DESTROYED 0105  a receive right with a port-destroyed
 *                                    request was destroyed (body: the
 *                                    receive right itself)
 *   MACH_NOTIFY_NO_SENDERS     0106  the last send right went (body: the
 *                                    make-send count)
 *   MACH_NOTIFY_SEND_ONCE      0107  a send-once right was destroyed
 *                                    unused (sent through that right;
 *                                    header only)
 *   MACH_NOTIFY_DEAD_NAME      0110  a name with a dead-name request
 *                                    became a dead name (body: the name)
 *
 * Body layout (LP64, as every typed message here): one 8-byte
 * mach_msg_type_t, then the value in an 8-byte slot: PORT_NAME (15) or
 * INTEGER_32 (2) of size 32, or PORT_RECEIVE of size 64 (the right in
 * transit).  So every notification but send-once is 48 bytes.
 *
 * Requests live on the port: no-senders and port-destroyed one each
 * (port->nsrequest, pdrequest), dead-name requests one per (space, name)
 * on port->dnrequests, flagged in the entry by IE_BITS_DNREQUEST.
 *
 * Notifications are queued with MACH_SEND_ALWAYS semantics (never
 * blocking, past the queue limit).  They go through ipc_notify_deliver,
 * set by the message queues in the kernel and by the host tests; with no
 * deliverer (the host tests of the plain core) the send-once rights are
 * just released and port-destroyed requests are ignored.  A notification
 * to a dead port, or to a kernel-object port (no kernel handler yet), is
 * dropped; so is one the kernel has no memory for. */
#ifndef IPC_NOTIFY_H
#define IPC_NOTIFY_H

#include <ipc/kmsg.h>

#define MACH_NOTIFY_FIRST          0100
#define MACH_NOTIFY_PORT_DELETED   (MACH_NOTIFY_FIRST + 001)
#define MACH_NOTIFY_MSG_ACCEPTED   (MACH_NOTIFY_FIRST + 002)
#define MACH_NOTIFY_PORT_DESTROYED (MACH_NOTIFY_FIRST + 005)
#define MACH_NOTIFY_NO_SENDERS     (MACH_NOTIFY_FIRST + 006)
#define MACH_NOTIFY_SEND_ONCE      (MACH_NOTIFY_FIRST + 007)
#define MACH_NOTIFY_DEAD_NAME      (MACH_NOTIFY_FIRST + 010)
#define MACH_NOTIFY_LAST           (MACH_NOTIFY_FIRST + 015)

/* Sizes of the messages (header + 8-byte type + 8-byte slot). */
#define IPC_NOTIFY_SIZE            48
#define IPC_NOTIFY_SEND_ONCE_SIZE  32

/* Queue a notification kmsg (kernel form, destination a transit
 * send-once right) on its port, never blocking; the kmsg is consumed
 * whatever happens.  NULL: notifications are not sent. */
extern void (*ipc_notify_deliver)(struct ipc_kmsg *kmsg);

/* One dead-name request. */
struct ipc_dnrequest {
	struct list link;          /* port->dnrequests */
	struct ipc_space *space;
	mach_port_name_t name;
	struct ipc_port *notify;   /* transit send-once right */
};

/* Each takes a transit send-once right (notify; NULL and IPC_PORT_DEAD
 * are ignored) and consumes it. */
void ipc_notify_port_deleted(struct ipc_port *notify, mach_port_name_t name);
void ipc_notify_msg_accepted(struct ipc_port *notify, mach_port_name_t name);
void ipc_notify_dead_name(struct ipc_port *notify, mach_port_name_t name);
void ipc_notify_no_senders(struct ipc_port *notify, uint32_t mscount);
/* Destroy a send-once right: a live port gets MACH_NOTIFY_SEND_ONCE
 * through it; a dead one just loses the right. */
void ipc_notify_send_once(struct ipc_port *port);
/* Send port's receive right (a transit right holding one reference) to
 * notify.  false (nothing consumed) if there is no deliverer or no
 * memory: the caller then destroys the port itself. */
bool ipc_notify_port_destroyed(struct ipc_port *notify, struct ipc_port *port);

/* Msg-accepted requests (MACH_SEND_NOTIFY, see ipc/mach_msg.c).  Arm
 * one on kmsg, about to be forced into its destination's full queue by
 * space: notify names a receive right of space (a send-once right is
 * made from it).  MACH_SEND_NOTIFY_IN_PROGRESS if space's entry for the
 * destination has a request pending, MACH_SEND_INVALID_NOTIFY for a bad
 * notify name; nothing changes then. */
mach_msg_return_t ipc_notify_accept_request(struct ipc_space *space, struct ipc_kmsg *kmsg,
					    mach_port_name_t notify);
/* The message left its queue (received or destroyed): send its pending
 * msg-accepted notification, if any, and clear the sender's flag.  Almost
 * no message has one: the test is inline. */
void ipc_notify_accepted_now(struct ipc_kmsg *kmsg);
static inline void ipc_notify_accepted(struct ipc_kmsg *kmsg)
{
	if (kmsg->accepted != NULL)
		ipc_notify_accepted_now(kmsg);
}
/* space's entry name for port loses its send right (or is renamed to
 * newname, MACH_PORT_NULL when it goes): the pending request, if any,
 * forgets the space (it will report MACH_PORT_NULL) or follows. */
void ipc_marequest_cancel(struct ipc_port *port, struct ipc_space *space,
			  mach_port_name_t name, mach_port_name_t newname);

/* Dead-name requests, for ipc/right.c and the port's death.  Cancel the
 * request of (space, name) on port: its send-once right, or NULL. */
struct ipc_port *ipc_dnrequest_cancel(struct ipc_port *port, struct ipc_space *space,
				      mach_port_name_t name);
/* The name of a request changed (mach_port_rename). */
void ipc_dnrequest_rename(struct ipc_port *port, struct ipc_space *space,
			  mach_port_name_t oldname, mach_port_name_t newname);
/* The port died: every request fires MACH_NOTIFY_DEAD_NAME. */
void ipc_dnrequest_fire_all(struct ipc_port *port);

/* mach_port_request_notification.  msgid: MACH_NOTIFY_PORT_DESTROYED
 * (name a receive right, sync 0), MACH_NOTIFY_NO_SENDERS (name a receive
 * right; fires at once if there are no send rights and sync <= mscount),
 * MACH_NOTIFY_DEAD_NAME (name a send, send-once or receive right; on a
 * name already dead it fires at once when sync != 0, adding a user
 * reference to the dead name, else KERN_INVALID_ARGUMENT).  notify: a
 * transit send-once right or NULL (cancel), consumed on success only.
 * *previous: the request's former send-once right (in transit, the
 * caller's), or NULL.  Errors: KERN_INVALID_NAME, KERN_INVALID_RIGHT,
 * KERN_INVALID_VALUE (unknown msgid, sync for port-destroyed),
 * KERN_INVALID_ARGUMENT, KERN_INVALID_CAPABILITY (notify is
 * IPC_PORT_DEAD), KERN_UREFS_OVERFLOW, KERN_RESOURCE_SHORTAGE. */
kern_return_t ipc_space_request_notification(struct ipc_space *space, mach_port_name_t name,
					     int32_t msgid, uint32_t sync,
					     struct ipc_port *notify,
					     struct ipc_port **previous);

#endif
