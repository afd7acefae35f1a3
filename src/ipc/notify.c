/* Notifications: building the messages, the requests on ports, and
 * mach_port_request_notification (see ipc/notify.h). */
#include <ipc/notify.h>
#include <ipc/right.h>
#include <kern/kmem.h>
#include <kern/string.h>

void (*ipc_notify_deliver)(struct ipc_kmsg *kmsg);

/* Can a notification go through notify at all?  If not the right is
 * released (a send-once right to a dead port, or nowhere to deliver). */
static bool deliverable(struct ipc_port *notify)
{
	return ipc_notify_deliver != NULL && notify->active && notify->kotype == IKOT_NONE;
}

/* A notification to notify of size bytes with msgid, header filled in;
 * NULL if out of memory (notify untouched). */
static struct ipc_kmsg *notify_msg(struct ipc_port *notify, uint32_t size, int32_t msgid)
{
	struct ipc_kmsg *kmsg = ipc_kmsg_alloc(size);
	if (kmsg == NULL)
		return NULL;
	memset(kmsg->msg.bytes, 0, size);
	mach_msg_header_t *h = &kmsg->msg.hdr;
	h->msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, 0);
	h->msgh_size = size;
	h->msgh_remote_slot = (uint64_t)(uintptr_t)notify;
	h->msgh_id = msgid;
	return kmsg;
}

/* One typed value after the header: its type word and 8-byte slot. */
static void notify_body(struct ipc_kmsg *kmsg, uint32_t type, uint32_t bits, uint64_t value)
{
	mach_msg_type_t *t = (mach_msg_type_t *)(void *)(kmsg->msg.bytes + sizeof(mach_msg_header_t));
	t->word = MSGT_WORD(type, bits, true);
	t->number = 1;
	*(uint64_t *)(void *)(t + 1) = value;
}

/* A notification carrying one 32-bit value (a name or a count). */
static void notify_value(struct ipc_port *notify, int32_t msgid, uint32_t type, uint32_t value)
{
	if (!IPC_PORT_VALID(notify))
		return;
	struct ipc_kmsg *kmsg = deliverable(notify) ? notify_msg(notify, IPC_NOTIFY_SIZE, msgid) : NULL;
	if (kmsg == NULL) {
		ipc_port_release_sonce(notify);
		return;
	}
	notify_body(kmsg, type, 32, value);
	ipc_notify_deliver(kmsg);
}

void ipc_notify_port_deleted(struct ipc_port *notify, mach_port_name_t name)
{
	notify_value(notify, MACH_NOTIFY_PORT_DELETED, MACH_MSG_TYPE_PORT_NAME, name);
}

void ipc_notify_msg_accepted(struct ipc_port *notify, mach_port_name_t name)
{
	notify_value(notify, MACH_NOTIFY_MSG_ACCEPTED, MACH_MSG_TYPE_PORT_NAME, name);
}

void ipc_notify_dead_name(struct ipc_port *notify, mach_port_name_t name)
{
	notify_value(notify, MACH_NOTIFY_DEAD_NAME, MACH_MSG_TYPE_PORT_NAME, name);
}

void ipc_notify_no_senders(struct ipc_port *notify, uint32_t mscount)
{
	notify_value(notify, MACH_NOTIFY_NO_SENDERS, MACH_MSG_TYPE_INTEGER_32, mscount);
}

void ipc_notify_send_once(struct ipc_port *port)
{
	if (!IPC_PORT_VALID(port))
		return;
	struct ipc_kmsg *kmsg = deliverable(port) ?
		notify_msg(port, IPC_NOTIFY_SEND_ONCE_SIZE, MACH_NOTIFY_SEND_ONCE) : NULL;
	if (kmsg == NULL) {
		ipc_port_release_sonce(port);
		return;
	}
	ipc_notify_deliver(kmsg);
}

bool ipc_notify_port_destroyed(struct ipc_port *notify, struct ipc_port *port)
{
	if (!IPC_PORT_VALID(notify) || ipc_notify_deliver == NULL)
		return false;
	struct ipc_kmsg *kmsg = notify_msg(notify, IPC_NOTIFY_SIZE, MACH_NOTIFY_PORT_DESTROYED);
	if (kmsg == NULL)
		return false;
	kmsg->msg.hdr.msgh_bits |= MACH_MSGH_BITS_COMPLEX;
	notify_body(kmsg, MACH_MSG_TYPE_PORT_RECEIVE, 64, (uint64_t)(uintptr_t)port);
	/* A dead or kernel notify port: delivery destroys the message and
	 * the receive right in it, which is then as if no request had been
	 * made. */
	ipc_notify_deliver(kmsg);
	return true;
}

/* --- msg-accepted requests ---------------------------------------------- */

mach_msg_return_t ipc_notify_accept_request(struct ipc_space *space, struct ipc_kmsg *kmsg,
					    mach_port_name_t notify)
{
	struct ipc_entry *e = NULL;
	mach_port_name_t name = ipc_hash_lookup(space, ipc_kmsg_dest(kmsg), &e);
	if (name != MACH_PORT_NULL && !(e->bits & MACH_PORT_TYPE_SEND))
		name = MACH_PORT_NULL;     /* only the receive right: not a sender's name */
	if (name != MACH_PORT_NULL && (e->bits & IE_BITS_MAREQUEST))
		return MACH_SEND_NOTIFY_IN_PROGRESS;
	struct ipc_port *so;
	if (notify == MACH_PORT_NULL ||
	    ipc_right_copyin(space, notify, MACH_MSG_TYPE_MAKE_SEND_ONCE, false, &so) != KERN_SUCCESS)
		return MACH_SEND_INVALID_NOTIFY;
	kmsg->accepted = so;
	kmsg->accepted_name = name;
	kmsg->accepted_space = name != MACH_PORT_NULL ? space : NULL;
	if (name != MACH_PORT_NULL)
		e->bits |= IE_BITS_MAREQUEST;
	return MACH_MSG_SUCCESS;
}

void ipc_notify_accepted_now(struct ipc_kmsg *kmsg)
{
	struct ipc_port *notify = kmsg->accepted;
	if (notify == NULL)
		return;
	kmsg->accepted = NULL;
	mach_port_name_t name = kmsg->accepted_name;
	if (kmsg->accepted_space) {
		struct ipc_entry *e = ipc_entry_peek(kmsg->accepted_space, name);
		if (e)
			e->bits &= ~IE_BITS_MAREQUEST;
		kmsg->accepted_space = NULL;
	} else {
		name = MACH_PORT_NULL;
	}
	ipc_notify_msg_accepted(notify, name);
}

void ipc_marequest_cancel(struct ipc_port *port, struct ipc_space *space,
			  mach_port_name_t name, mach_port_name_t newname)
{
	/* The request's message is in port's queue: it is taken off the
	 * queue (and the request fired) before anyone else holds it. */
	list_foreach(it, &port->messages) {
		struct ipc_kmsg *kmsg = list_entry(it, struct ipc_kmsg, link);
		if (kmsg->accepted && kmsg->accepted_space == space && kmsg->accepted_name == name) {
			if (newname == MACH_PORT_NULL)
				kmsg->accepted_space = NULL;
			else
				kmsg->accepted_name = newname;
			return;
		}
	}
}

/* --- dead-name requests -------------------------------------------------- */

static struct ipc_dnrequest *dnrequest_find(struct ipc_port *port, struct ipc_space *space,
					    mach_port_name_t name)
{
	list_foreach(it, &port->dnrequests) {
		struct ipc_dnrequest *r = list_entry(it, struct ipc_dnrequest, link);
		if (r->space == space && r->name == name)
			return r;
	}
	return NULL;
}

struct ipc_port *ipc_dnrequest_cancel(struct ipc_port *port, struct ipc_space *space,
				      mach_port_name_t name)
{
	struct ipc_dnrequest *r = dnrequest_find(port, space, name);
	if (r == NULL)
		return NULL;
	struct ipc_port *notify = r->notify;
	list_remove(&r->link);
	kfree(r);
	return notify;
}

void ipc_dnrequest_rename(struct ipc_port *port, struct ipc_space *space,
			  mach_port_name_t oldname, mach_port_name_t newname)
{
	struct ipc_dnrequest *r = dnrequest_find(port, space, oldname);
	if (r)
		r->name = newname;
}

void ipc_dnrequest_fire_all(struct ipc_port *port)
{
	while (!list_empty(&port->dnrequests)) {
		struct ipc_dnrequest *r = list_entry(port->dnrequests.next, struct ipc_dnrequest, link);
		list_remove(&r->link);
		struct ipc_port *notify = r->notify;
		mach_port_name_t name = r->name;
		kfree(r);
		ipc_notify_dead_name(notify, name);
	}
}

/* A dead-name request on a name with port rights (port alive). */
static kern_return_t dnrequest_set(struct ipc_space *space, mach_port_name_t name,
				   struct ipc_entry *e, struct ipc_port *notify,
				   struct ipc_port **previous)
{
	struct ipc_port *port = (struct ipc_port *)e->object;
	struct ipc_dnrequest *r = (e->bits & IE_BITS_DNREQUEST) ? dnrequest_find(port, space, name)
								  : NULL;
	if (notify == NULL) {
		*previous = r ? ipc_dnrequest_cancel(port, space, name) : NULL;
		e->bits &= ~IE_BITS_DNREQUEST;
		return KERN_SUCCESS;
	}
	if (r == NULL) {
		r = kmalloc(sizeof(*r));
		if (r == NULL)
			return KERN_RESOURCE_SHORTAGE;
		r->space = space;
		r->name = name;
		r->notify = NULL;
		list_push_back(&port->dnrequests, &r->link);
	}
	*previous = r->notify;
	r->notify = notify;
	e->bits |= IE_BITS_DNREQUEST;
	return KERN_SUCCESS;
}

static kern_return_t dnrequest(struct ipc_space *space, mach_port_name_t name, uint32_t sync,
			       struct ipc_port *notify, struct ipc_port **previous)
{
	/* The lookup turns a name whose port died into a dead name. */
	struct ipc_entry *e = ipc_entry_lookup(space, name);
	if (e == NULL)
		return KERN_INVALID_NAME;
	if (e->bits & MACH_PORT_TYPE_PORT_RIGHTS)
		return dnrequest_set(space, name, e, notify, previous);
	if (!(e->bits & MACH_PORT_TYPE_DEAD_NAME))
		return KERN_INVALID_RIGHT;
	if (sync == 0 || notify == NULL)
		return KERN_INVALID_ARGUMENT;
	/* Already dead: the notification goes now, with the user reference
	 * it always brings. */
	if (IE_BITS_UREFS(e->bits) >= MACH_PORT_UREFS_MAX)
		return KERN_UREFS_OVERFLOW;
	e->bits++;
	*previous = NULL;
	ipc_notify_dead_name(notify, name);
	return KERN_SUCCESS;
}

static kern_return_t receive_port(struct ipc_space *space, mach_port_name_t name,
				  struct ipc_port **portp)
{
	struct ipc_entry *e = ipc_entry_lookup(space, name);
	if (e == NULL)
		return KERN_INVALID_NAME;
	if (!(e->bits & MACH_PORT_TYPE_RECEIVE))
		return KERN_INVALID_RIGHT;
	*portp = (struct ipc_port *)e->object;
	return KERN_SUCCESS;
}

kern_return_t ipc_space_request_notification(struct ipc_space *space, mach_port_name_t name,
					     int32_t msgid, uint32_t sync,
					     struct ipc_port *notify,
					     struct ipc_port **previous)
{
	struct ipc_port *port;
	kern_return_t kr;

	*previous = NULL;
	if (notify == IPC_PORT_DEAD)
		return KERN_INVALID_CAPABILITY;
	switch (msgid) {
	case MACH_NOTIFY_PORT_DESTROYED:
		if (sync != 0)
			return KERN_INVALID_VALUE;
		kr = receive_port(space, name, &port);
		if (kr != KERN_SUCCESS)
			return kr;
		/* A kernel object's port is the kernel's to keep. */
		if (port->kotype != IKOT_NONE)
			return KERN_INVALID_RIGHT;
		*previous = port->pdrequest;
		port->pdrequest = notify;
		return KERN_SUCCESS;

	case MACH_NOTIFY_NO_SENDERS:
		kr = receive_port(space, name, &port);
		if (kr != KERN_SUCCESS)
			return kr;
		*previous = port->nsrequest;
		if (notify != NULL && port->srights == 0 && sync <= port->mscount) {
			port->nsrequest = NULL;
			ipc_notify_no_senders(notify, port->mscount);
		} else {
			port->nsrequest = notify;
		}
		return KERN_SUCCESS;

	case MACH_NOTIFY_DEAD_NAME:
		return dnrequest(space, name, sync, notify, previous);
	}
	return KERN_INVALID_VALUE;
}
