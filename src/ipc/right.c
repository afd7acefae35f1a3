/* Rights under a name: destroying, dropping user references, and moving
 * rights into and out of messages (copyin / copyout) with Mach's exact
 * semantics for each disposition.
 *
 * Accounting: an entry holds one reference on its port whatever rights it
 * has; an entry with a send right counts once in port->srights (however
 * many user references), one with a send-once right once in
 * port->sorights.  A right in transit holds one reference and, for send
 * and send-once, one count.
 *
 * Notifications (ipc/notify.h): a name with a dead-name request that
 * loses its right while the port lives sends MACH_NOTIFY_PORT_DELETED
 * through the request, after the entry has changed; destroying a
 * send-once right sends MACH_NOTIFY_SEND_ONCE through it; the last send
 * right fires the no-senders request (ipc_port_srights_dec). */
#include <ipc/notify.h>
#include <ipc/right.h>
#include <kern/panic.h>

static struct ipc_port *entry_port(const struct ipc_entry *e)
{
	return (struct ipc_port *)e->object;
}

/* The entry is about to lose its port right for good: take its
 * dead-name request off the port.  The caller sends the port-deleted
 * notification (port_deleted) once the entry is settled. */
static struct ipc_port *entry_cancel_request(struct ipc_space *space, mach_port_name_t name,
					     struct ipc_entry *e);

/* The entry's send right goes: a pending msg-accepted request forgets
 * the name. */
static void entry_cancel_marequest(struct ipc_space *space, mach_port_name_t name,
				   struct ipc_entry *e)
{
	if (!(e->bits & IE_BITS_MAREQUEST))
		return;
	e->bits &= ~IE_BITS_MAREQUEST;
	ipc_marequest_cancel(entry_port(e), space, name, MACH_PORT_NULL);
}

static struct ipc_port *entry_cancel_request(struct ipc_space *space, mach_port_name_t name,
					     struct ipc_entry *e)
{
	entry_cancel_marequest(space, name, e);
	if (!(e->bits & IE_BITS_DNREQUEST))
		return NULL;
	e->bits &= ~IE_BITS_DNREQUEST;
	return ipc_dnrequest_cancel(entry_port(e), space, name);
}

static void port_deleted(struct ipc_port *notify, mach_port_name_t name)
{
	if (notify)
		ipc_notify_port_deleted(notify, name);
}

/* The entry's send right is gone (its last user reference): keep the
 * entry if it still holds the receive right. */
static void entry_lose_send(struct ipc_space *space, mach_port_name_t name, struct ipc_entry *e)
{
	struct ipc_port *port = entry_port(e);
	if (e->bits & MACH_PORT_TYPE_RECEIVE) {
		entry_cancel_marequest(space, name, e);
		e->bits = IE_BITS_GEN(e->bits) | (e->bits & IE_BITS_DNREQUEST) | MACH_PORT_TYPE_RECEIVE;
		ipc_port_srights_dec(port);
		return;
	}
	struct ipc_port *notify = entry_cancel_request(space, name, e);
	ipc_hash_remove(space, name);
	ipc_entry_free(space, name);
	ipc_port_release_send(port);
	port_deleted(notify, name);
}

/* Destroy the receive right under name: the port dies, and any send right
 * in the same entry becomes a dead name with the same user references
 * (one more for a dead-name request, which then fires). */
static void entry_destroy_receive(struct ipc_space *space, mach_port_name_t name,
				  struct ipc_entry *e)
{
	struct ipc_port *port = entry_port(e);
	struct ipc_port *notify = NULL;
	ipc_hash_remove(space, name);
	if (e->bits & MACH_PORT_TYPE_SEND) {
		uint32_t urefs = IE_BITS_UREFS(e->bits);
		if ((e->bits & IE_BITS_DNREQUEST) && urefs < MACH_PORT_UREFS_MAX)
			urefs++;
		e->bits = IE_BITS_GEN(e->bits) | MACH_PORT_TYPE_DEAD_NAME | urefs;
		e->object = NULL;
		/* No no-senders notification for a port about to die. */
		port->srights--;
	} else {
		notify = entry_cancel_request(space, name, e);
		ipc_entry_free(space, name);
	}
	ipc_port_destroy(port);
	ipc_port_release(port);
	port_deleted(notify, name);
}

void ipc_right_destroy(struct ipc_space *space, mach_port_name_t name, struct ipc_entry *e)
{
	uint32_t type = IE_BITS_TYPE(e->bits);
	struct ipc_object *obj = e->object;

	if (type & MACH_PORT_TYPE_PORT_SET) {
		struct ipc_pset *pset = (struct ipc_pset *)obj;
		ipc_entry_free(space, name);
		ipc_pset_destroy(pset);
		ipc_pset_release(pset);
	} else if (type & MACH_PORT_TYPE_DEAD_NAME) {
		ipc_entry_free(space, name);
	} else if (type & MACH_PORT_TYPE_SEND_ONCE) {
		struct ipc_port *notify = entry_cancel_request(space, name, e);
		ipc_entry_free(space, name);
		ipc_notify_send_once((struct ipc_port *)obj);
		port_deleted(notify, name);
	} else {
		struct ipc_port *port = (struct ipc_port *)obj;
		struct ipc_port *notify = entry_cancel_request(space, name, e);
		ipc_hash_remove(space, name);
		ipc_entry_free(space, name);
		if (type & MACH_PORT_TYPE_RECEIVE) {
			if (type & MACH_PORT_TYPE_SEND)
				port->srights--;
			ipc_port_destroy(port);
		} else if (type & MACH_PORT_TYPE_SEND) {
			ipc_port_srights_dec(port);
		}
		ipc_port_release(port);
		port_deleted(notify, name);
	}
}

kern_return_t ipc_right_dealloc(struct ipc_space *space, mach_port_name_t name,
				struct ipc_entry *e)
{
	uint32_t type = IE_BITS_TYPE(e->bits);
	uint32_t urefs = IE_BITS_UREFS(e->bits);

	if (type & MACH_PORT_TYPE_SEND_ONCE) {
		ipc_right_destroy(space, name, e);
	} else if (type & MACH_PORT_TYPE_DEAD_NAME) {
		if (urefs > 1)
			e->bits--;
		else
			ipc_entry_free(space, name);
	} else if (type & MACH_PORT_TYPE_SEND) {
		if (urefs > 1)
			e->bits--;
		else
			entry_lose_send(space, name, e);
	} else {
		return KERN_INVALID_RIGHT;
	}
	return KERN_SUCCESS;
}

/* New user references for urefs + delta, or the error Mach gives. */
static kern_return_t urefs_add(uint32_t urefs, mach_port_delta_t delta, uint32_t *out)
{
	int64_t n = (int64_t)urefs + delta;
	if (n < 0)
		return KERN_INVALID_VALUE;
	if (n > MACH_PORT_UREFS_MAX)
		return KERN_UREFS_OVERFLOW;
	*out = (uint32_t)n;
	return KERN_SUCCESS;
}

kern_return_t ipc_right_delta(struct ipc_space *space, mach_port_name_t name,
			      struct ipc_entry *e, mach_port_right_t right,
			      mach_port_delta_t delta)
{
	uint32_t type = IE_BITS_TYPE(e->bits);
	uint32_t urefs;
	kern_return_t kr;

	switch (right) {
	case MACH_PORT_RIGHT_RECEIVE:
	case MACH_PORT_RIGHT_SEND_ONCE:
	case MACH_PORT_RIGHT_PORT_SET:
		/* Rights without user references: 0 is a no-op, -1 destroys. */
		if (!(type & MACH_PORT_TYPE(right)))
			return KERN_INVALID_RIGHT;
		if (delta == 0)
			return KERN_SUCCESS;
		if (delta != -1)
			return KERN_INVALID_VALUE;
		if (right == MACH_PORT_RIGHT_RECEIVE)
			entry_destroy_receive(space, name, e);
		else
			ipc_right_destroy(space, name, e);
		return KERN_SUCCESS;

	case MACH_PORT_RIGHT_DEAD_NAME:
		if (!(type & MACH_PORT_TYPE_DEAD_NAME))
			return KERN_INVALID_RIGHT;
		kr = urefs_add(IE_BITS_UREFS(e->bits), delta, &urefs);
		if (kr != KERN_SUCCESS)
			return kr;
		if (urefs == 0)
			ipc_entry_free(space, name);
		else
			e->bits = (e->bits & ~IE_BITS_UREFS_MASK) | urefs;
		return KERN_SUCCESS;

	case MACH_PORT_RIGHT_SEND:
		if (!(type & MACH_PORT_TYPE_SEND))
			return KERN_INVALID_RIGHT;
		kr = urefs_add(IE_BITS_UREFS(e->bits), delta, &urefs);
		if (kr != KERN_SUCCESS)
			return kr;
		if (urefs == 0)
			entry_lose_send(space, name, e);
		else
			e->bits = (e->bits & ~IE_BITS_UREFS_MASK) | urefs;
		return KERN_SUCCESS;
	}
	return KERN_INVALID_VALUE;
}

mach_msg_type_name_t ipc_right_transit_type(mach_msg_type_name_t disposition)
{
	switch (disposition) {
	case MACH_MSG_TYPE_MOVE_RECEIVE:
		return MACH_MSG_TYPE_PORT_RECEIVE;
	case MACH_MSG_TYPE_MOVE_SEND:
	case MACH_MSG_TYPE_COPY_SEND:
	case MACH_MSG_TYPE_MAKE_SEND:
		return MACH_MSG_TYPE_PORT_SEND;
	case MACH_MSG_TYPE_MOVE_SEND_ONCE:
	case MACH_MSG_TYPE_MAKE_SEND_ONCE:
		return MACH_MSG_TYPE_PORT_SEND_ONCE;
	}
	return 0;
}

/* A send or send-once disposition met a dead name. */
static kern_return_t copyin_dead(struct ipc_space *space, mach_port_name_t name,
				 struct ipc_entry *e, bool move, bool deadok,
				 struct ipc_port **portp)
{
	if (!deadok)
		return KERN_INVALID_RIGHT;
	if (move) {
		if (IE_BITS_UREFS(e->bits) > 1)
			e->bits--;
		else
			ipc_entry_free(space, name);
	}
	*portp = IPC_PORT_DEAD;
	return KERN_SUCCESS;
}

kern_return_t ipc_right_copyin(struct ipc_space *space, mach_port_name_t name,
			       mach_msg_type_name_t disposition, bool deadok,
			       struct ipc_port **portp)
{
	if (ipc_right_transit_type(disposition) == 0)
		return KERN_INVALID_VALUE;
	struct ipc_entry *e = ipc_entry_lookup(space, name);
	if (e == NULL)
		return KERN_INVALID_NAME;
	uint32_t type = IE_BITS_TYPE(e->bits);
	struct ipc_port *port = entry_port(e);

	switch (disposition) {
	case MACH_MSG_TYPE_MAKE_SEND:
	case MACH_MSG_TYPE_MAKE_SEND_ONCE:
		if (!(type & MACH_PORT_TYPE_RECEIVE))
			return KERN_INVALID_RIGHT;
		*portp = disposition == MACH_MSG_TYPE_MAKE_SEND ? ipc_port_make_send(port)
								: ipc_port_make_sonce(port);
		return KERN_SUCCESS;

	case MACH_MSG_TYPE_MOVE_RECEIVE: {
		if (!(type & MACH_PORT_TYPE_RECEIVE))
			return KERN_INVALID_RIGHT;
		struct ipc_port *notify = NULL;
		if (type & MACH_PORT_TYPE_SEND) {
			/* The send rights stay under the name; the transit
			 * receive right needs its own reference. */
			e->bits &= ~MACH_PORT_TYPE_RECEIVE;
			ipc_port_reference(port);
		} else {
			notify = entry_cancel_request(space, name, e);
			ipc_hash_remove(space, name);
			ipc_entry_free(space, name);
		}
		ipc_pset_remove(port);
		port->receiver = NULL;
		port->receiver_name = MACH_PORT_NULL;
		/* Threads of this space waiting on it must give up. */
		if (ipc_port_changed_hook)
			ipc_port_changed_hook(port);
		*portp = port;
		port_deleted(notify, name);
		return KERN_SUCCESS;
	}

	case MACH_MSG_TYPE_COPY_SEND:
		if (type & MACH_PORT_TYPE_DEAD_NAME)
			return copyin_dead(space, name, e, false, deadok, portp);
		if (!(type & MACH_PORT_TYPE_SEND))
			return KERN_INVALID_RIGHT;
		*portp = ipc_port_copy_send(port);
		return KERN_SUCCESS;

	case MACH_MSG_TYPE_MOVE_SEND:
		if (type & MACH_PORT_TYPE_DEAD_NAME)
			return copyin_dead(space, name, e, true, deadok, portp);
		if (!(type & MACH_PORT_TYPE_SEND))
			return KERN_INVALID_RIGHT;
		if (IE_BITS_UREFS(e->bits) > 1) {
			e->bits--;
			*portp = ipc_port_copy_send(port);
		} else if (type & MACH_PORT_TYPE_RECEIVE) {
			/* The entry's send right itself travels; the entry
			 * keeps its reference for the receive right. */
			entry_cancel_marequest(space, name, e);
			e->bits = IE_BITS_GEN(e->bits) | (e->bits & IE_BITS_DNREQUEST) |
				  MACH_PORT_TYPE_RECEIVE;
			ipc_port_reference(port);
			*portp = port;
		} else {
			struct ipc_port *notify = entry_cancel_request(space, name, e);
			ipc_hash_remove(space, name);
			ipc_entry_free(space, name);
			*portp = port;
			port_deleted(notify, name);
		}
		return KERN_SUCCESS;

	case MACH_MSG_TYPE_MOVE_SEND_ONCE: {
		if (type & MACH_PORT_TYPE_DEAD_NAME)
			return copyin_dead(space, name, e, true, deadok, portp);
		if (!(type & MACH_PORT_TYPE_SEND_ONCE))
			return KERN_INVALID_RIGHT;
		struct ipc_port *notify = entry_cancel_request(space, name, e);
		ipc_entry_free(space, name);
		*portp = port;
		port_deleted(notify, name);
		return KERN_SUCCESS;
	}
	}
	return KERN_INVALID_VALUE;
}

void ipc_right_destroy_transit(struct ipc_port *port, mach_msg_type_name_t type)
{
	if (!IPC_PORT_VALID(port))
		return;
	switch (type) {
	case MACH_MSG_TYPE_PORT_SEND:
		ipc_port_release_send(port);
		break;
	case MACH_MSG_TYPE_PORT_SEND_ONCE:
		/* Destroyed unused: its port hears of it. */
		ipc_notify_send_once(port);
		break;
	case MACH_MSG_TYPE_PORT_RECEIVE:
		ipc_port_destroy(port);
		ipc_port_release(port);
		break;
	}
}

/* Put a live transit right into entry e (new, type NONE, or the entry the
 * space already uses for the port).  A new entry is freed on failure. */
static kern_return_t copyout_entry(struct ipc_space *space, mach_port_name_t name,
				   struct ipc_entry *e, struct ipc_port *port,
				   mach_msg_type_name_t type, bool overflow)
{
	uint32_t old = IE_BITS_TYPE(e->bits);

	if (old != MACH_PORT_TYPE_NONE) {
		/* Merge into the entry already naming this port: the entry
		 * keeps its one reference, the transit one goes. */
		if (type == MACH_MSG_TYPE_PORT_RECEIVE) {
			e->bits |= MACH_PORT_TYPE_RECEIVE;
			ipc_port_release(port);
		} else if (old & MACH_PORT_TYPE_SEND) {
			if (IE_BITS_UREFS(e->bits) >= MACH_PORT_UREFS_MAX) {
				if (!overflow)
					return KERN_UREFS_OVERFLOW;
			} else {
				e->bits++;
			}
			ipc_port_release_send(port);
		} else {
			/* Receive only: the transit send right becomes the
			 * entry's, its srights count with it. */
			e->bits |= MACH_PORT_TYPE_SEND | 1;
			ipc_port_release(port);
		}
	} else {
		uint32_t bits = type == MACH_MSG_TYPE_PORT_RECEIVE ? MACH_PORT_TYPE_RECEIVE
			      : type == MACH_MSG_TYPE_PORT_SEND  ? MACH_PORT_TYPE_SEND | 1
								 : MACH_PORT_TYPE_SEND_ONCE | 1;
		e->bits = IE_BITS_GEN(e->bits) | bits;
		e->object = &port->obj;
		if (type != MACH_MSG_TYPE_PORT_SEND_ONCE &&
		    ipc_hash_insert(space, name) != KERN_SUCCESS) {
			ipc_entry_free(space, name);
			return KERN_RESOURCE_SHORTAGE;
		}
	}
	if (type == MACH_MSG_TYPE_PORT_RECEIVE) {
		port->receiver = space;
		port->receiver_name = name;
		ipc_port_clear_destination(port);
	}
	return KERN_SUCCESS;
}

static bool transit_type_valid(mach_msg_type_name_t type)
{
	return type == MACH_MSG_TYPE_PORT_SEND || type == MACH_MSG_TYPE_PORT_SEND_ONCE ||
	       type == MACH_MSG_TYPE_PORT_RECEIVE;
}

kern_return_t ipc_right_copyout(struct ipc_space *space, struct ipc_port *port,
				mach_msg_type_name_t type, bool overflow,
				mach_port_name_t *namep)
{
	if (!transit_type_valid(type))
		return KERN_INVALID_VALUE;
	if (port == IPC_PORT_DEAD) {
		*namep = MACH_PORT_DEAD;
		return KERN_SUCCESS;
	}
	if (!port->active) {
		ipc_right_destroy_transit(port, type);
		*namep = MACH_PORT_DEAD;
		return KERN_SUCCESS;
	}
	struct ipc_entry *e;
	mach_port_name_t name = MACH_PORT_NULL;
	if (type != MACH_MSG_TYPE_PORT_SEND_ONCE)
		name = ipc_hash_lookup(space, port, &e);
	if (name == MACH_PORT_NULL) {
		kern_return_t kr = ipc_entry_alloc(space, &name, &e);
		if (kr != KERN_SUCCESS)
			return kr;
	}
	kern_return_t kr = copyout_entry(space, name, e, port, type, overflow);
	if (kr == KERN_SUCCESS)
		*namep = name;
	return kr;
}

kern_return_t ipc_right_copyout_name(struct ipc_space *space, struct ipc_port *port,
				     mach_msg_type_name_t type, mach_port_name_t name)
{
	if (!transit_type_valid(type))
		return KERN_INVALID_VALUE;
	if (!IPC_PORT_VALID(port) || !port->active)
		return KERN_INVALID_CAPABILITY;
	struct ipc_entry *e;
	kern_return_t kr = ipc_entry_alloc_name(space, name, &e);
	if (kr != KERN_SUCCESS)
		return kr;
	bool fresh = IE_BITS_TYPE(e->bits) == MACH_PORT_TYPE_NONE;
	mach_port_name_t other = MACH_PORT_NULL;
	if (type != MACH_MSG_TYPE_PORT_SEND_ONCE)
		other = ipc_hash_lookup(space, port, NULL);
	if (other != MACH_PORT_NULL && other != name) {
		if (fresh)
			ipc_entry_free(space, name);
		return KERN_RIGHT_EXISTS;
	}
	if (other == MACH_PORT_NULL && !fresh)
		return KERN_NAME_EXISTS;
	return copyout_entry(space, name, e, port, type, false);
}

kern_return_t ipc_space_insert_right(struct ipc_space *to, mach_port_name_t name,
				     struct ipc_space *from, mach_port_name_t poly_name,
				     mach_msg_type_name_t disposition)
{
	struct ipc_port *port;
	kern_return_t kr = ipc_right_copyin(from, poly_name, disposition, true, &port);
	if (kr != KERN_SUCCESS)
		return kr;
	mach_msg_type_name_t type = ipc_right_transit_type(disposition);
	/* As with GNU Mach's MIG server, a right that cannot be inserted is
	 * destroyed with the request, not given back. */
	if (port == IPC_PORT_DEAD)
		return KERN_INVALID_CAPABILITY;
	kr = ipc_right_copyout_name(to, port, type, name);
	if (kr != KERN_SUCCESS)
		ipc_right_destroy_transit(port, type);
	return kr;
}

kern_return_t ipc_space_extract_right(struct ipc_space *space, mach_port_name_t name,
				      mach_msg_type_name_t disposition,
				      struct ipc_port **portp, mach_msg_type_name_t *typep)
{
	kern_return_t kr = ipc_right_copyin(space, name, disposition, true, portp);
	if (kr == KERN_SUCCESS)
		*typep = ipc_right_transit_type(disposition);
	return kr;
}
