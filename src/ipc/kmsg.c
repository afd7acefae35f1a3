/* Messages: validation of the typed format and translation of the rights
 * they carry (see ipc/kmsg.h).  Nothing here blocks or touches user
 * memory, so the host tests run it as is.
 *
 * Error semantics follow GNU Mach's ipc_kmsg_copyin: a header error leaves
 * the sender's space as it was; a body error destroys the rights the
 * message had taken so far, the header's included. */
#include <ipc/kmsg.h>
#include <ipc/right.h>
#include <kern/string.h>

struct ipc_kmsg *ipc_kmsg_alloc(uint32_t size)
{
	if (size < sizeof(mach_msg_header_t) || size > IPC_KMSG_MAX_SIZE ||
	    size % MACH_MSG_ALIGN != 0)
		return NULL;
	struct ipc_kmsg *kmsg = kmalloc(offsetof(struct ipc_kmsg, msg) + size);
	if (kmsg == NULL)
		return NULL;
	list_init(&kmsg->link);
	kmsg->size = size;
	kmsg->pad = 0;
	return kmsg;
}

void ipc_kmsg_free(struct ipc_kmsg *kmsg)
{
	kfree(kmsg);
}

static uint64_t *slot_at(struct ipc_kmsg *kmsg, uint32_t off)
{
	return (uint64_t *)(void *)(kmsg->msg.bytes + off);
}

/* --- the body ------------------------------------------------------------ */

/* Called for each port slot of the body with the slot's transit type. */
typedef mach_msg_return_t (*slot_fn)(struct ipc_space *space, uint64_t *slot,
				     mach_msg_type_name_t type, void *arg);

/* Walk the descriptors of a complex message, calling fn on every port
 * slot before limit (all of them with limit = size).  On an error *stop
 * is the offset where the walk stopped. */
static mach_msg_return_t body_walk(struct ipc_space *space, struct ipc_kmsg *kmsg, uint32_t limit, slot_fn fn, void *arg, uint32_t *stop)
{
	uint32_t size = kmsg->size;
	uint32_t off = sizeof(mach_msg_header_t);
	mach_msg_return_t mr = MACH_MSG_SUCCESS;

	while (off < size && off < limit) {
		if (size - off < sizeof(mach_msg_type_t)) {
			mr = MACH_SEND_MSG_TOO_SMALL;
			break;
		}
		mach_msg_type_t *t = (mach_msg_type_t *)(void *)(kmsg->msg.bytes + off);
		uint32_t name = MSGT_NAME(t->word), bits = MSGT_SIZE(t->word);
		/* Out-of-line data and port arrays are not supported yet. */
		if (!(t->word & MSGT_INLINE) || name > MACH_MSG_TYPE_LAST) {
			mr = MACH_SEND_INVALID_TYPE;
			break;
		}
		uint64_t len = ((uint64_t)t->number * bits + 7) / 8;
		len = ALIGN_UP(len, (uint64_t)MACH_MSG_ALIGN);
		uint32_t data = off + (uint32_t)sizeof(mach_msg_type_t);
		if (len > size - data) {
			mr = MACH_SEND_MSG_TOO_SMALL;
			break;
		}
		if (MACH_MSG_TYPE_PORT_ANY(name)) {
			if (bits != 64) {
				mr = MACH_SEND_INVALID_TYPE;
				break;
			}
			mach_msg_type_name_t type = ipc_right_transit_type(name);
			for (uint32_t i = 0; i < t->number; i++) {
				uint32_t s = data + 8 * i;
				if (s >= limit) {
					off = s;
					goto out;
				}
				mr = fn(space, slot_at(kmsg, s), type, arg);
				if (mr != MACH_MSG_SUCCESS) {
					off = s;
					goto out;
				}
			}
		}
		off = data + (uint32_t)len;
	}
out:
	if (stop)
		*stop = off;
	return mr;
}

/* One port slot in: arg points at the descriptor's disposition. */
static mach_msg_return_t slot_copyin(struct ipc_space *space, uint64_t *slot, void *arg)
{
	mach_port_name_t name = (mach_port_name_t)*slot;
	struct ipc_port *port;
	if (name == MACH_PORT_NULL)
		port = NULL;
	else if (name == MACH_PORT_DEAD)
		port = IPC_PORT_DEAD;
	else if (ipc_right_copyin(space, name, *(mach_msg_type_name_t *)arg, true, &port) !=
		 KERN_SUCCESS)
		return MACH_SEND_INVALID_RIGHT;
	*slot = (uint64_t)(uintptr_t)port;
	return MACH_MSG_SUCCESS;
}

static mach_msg_return_t slot_destroy(struct ipc_space *space, uint64_t *slot,
				      mach_msg_type_name_t type, void *arg)
{
	(void)space;
	(void)arg;
	ipc_right_destroy_transit((struct ipc_port *)(uintptr_t)*slot, type);
	*slot = 0;
	return MACH_MSG_SUCCESS;
}

static mach_msg_return_t slot_check(struct ipc_space *space, uint64_t *slot,
					 mach_msg_type_name_t type, void *arg)
{
	(void)space;
	(void)slot;
	(void)type;
	(void)arg;
	return MACH_MSG_SUCCESS;
}

static void destroy_header(struct ipc_kmsg *kmsg)
{
	uint32_t bits = kmsg->msg.hdr.msgh_bits;
	struct ipc_port *dest = ipc_kmsg_dest(kmsg), *reply = ipc_kmsg_reply(kmsg);
	ipc_right_destroy_transit(dest, MACH_MSGH_BITS_REMOTE(bits));
	if (MACH_MSGH_BITS_LOCAL(bits) != MACH_MSG_TYPE_PROTECTED_PAYLOAD)
		ipc_right_destroy_transit(reply, MACH_MSGH_BITS_LOCAL(bits));
	kmsg->msg.hdr.msgh_remote_slot = 0;
	kmsg->msg.hdr.msgh_protected_payload = 0;
}

mach_msg_return_t ipc_kmsg_copyin_body(struct ipc_space *space, struct ipc_kmsg *kmsg)
{
	if (!(kmsg->msg.hdr.msgh_bits & MACH_MSGH_BITS_COMPLEX))
		return MACH_MSG_SUCCESS;

	/* First a dry walk: the structure must be sound before any right
	 * moves.  Then each port descriptor's rights come in with its
	 * disposition, and its name becomes their transit type. */
	mach_msg_return_t mr = body_walk(space, kmsg, kmsg->size, slot_check, NULL, NULL);
	if (mr == MACH_MSG_SUCCESS) {
		uint32_t off = sizeof(mach_msg_header_t), stop = 0;
		while (off < kmsg->size) {
			mach_msg_type_t *t = (mach_msg_type_t *)(void *)(kmsg->msg.bytes + off);
			mach_msg_type_name_t name = MSGT_NAME(t->word);
			uint64_t len = ((uint64_t)t->number * MSGT_SIZE(t->word) + 7) / 8;
			uint32_t data = off + (uint32_t)sizeof(mach_msg_type_t);
			if (MACH_MSG_TYPE_PORT_ANY(name)) {
				for (uint32_t i = 0; i < t->number; i++) {
					mr = slot_copyin(space, slot_at(kmsg, data + 8 * i), &name);
					if (mr != MACH_MSG_SUCCESS) {
						stop = data + 8 * i;
						break;
					}
				}
				t->word = (t->word & ~0xffu) | ipc_right_transit_type(name);
				if (mr != MACH_MSG_SUCCESS)
					break;
			}
			off = data + (uint32_t)ALIGN_UP(len, (uint64_t)MACH_MSG_ALIGN);
		}
		if (mr != MACH_MSG_SUCCESS)
			body_walk(space, kmsg, stop, slot_destroy, NULL, NULL);
	}
	if (mr != MACH_MSG_SUCCESS) {
		destroy_header(kmsg);
		/* Nothing in transit is left; the message must just be freed. */
		kmsg->msg.hdr.msgh_bits &= ~(MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS_PORTS_MASK);
	}
	return mr;
}

/* --- the header ---------------------------------------------------------- */

/* Put back a right copyin took under name (an error after it). */
static void undo_copyin(struct ipc_space *space, mach_port_name_t name,
			mach_msg_type_name_t disposition, struct ipc_port *port)
{
	mach_msg_type_name_t type = ipc_right_transit_type(disposition);
	if ((disposition == MACH_MSG_TYPE_MOVE_SEND || disposition == MACH_MSG_TYPE_MOVE_SEND_ONCE) &&
	    IPC_PORT_VALID(port) &&
	    ipc_right_copyout_name(space, port, type, name) == KERN_SUCCESS)
		return;
	ipc_right_destroy_transit(port, type);
}

mach_msg_return_t ipc_kmsg_copyin_header(struct ipc_space *space, struct ipc_kmsg *kmsg)
{
	mach_msg_header_t *h = &kmsg->msg.hdr;
	if (kmsg->size < sizeof(*h) || kmsg->size % MACH_MSG_ALIGN != 0)
		return MACH_SEND_MSG_TOO_SMALL;
	uint32_t bits = h->msgh_bits;
	mach_msg_type_name_t dest_type = MACH_MSGH_BITS_REMOTE(bits);
	mach_msg_type_name_t reply_type = MACH_MSGH_BITS_LOCAL(bits);
	mach_port_name_t dest_name = (mach_port_name_t)h->msgh_remote_slot;
	mach_port_name_t reply_name = (mach_port_name_t)h->msgh_protected_payload;

	if ((bits & ~MACH_MSGH_BITS_USER) != 0 || !MACH_MSG_TYPE_PORT_ANY_SEND(dest_type) ||
	    (reply_type == 0 ? reply_name != MACH_PORT_NULL
			     : !MACH_MSG_TYPE_PORT_ANY_SEND(reply_type)))
		return MACH_SEND_INVALID_HEADER;
	if (!MACH_PORT_VALID(dest_name))
		return MACH_SEND_INVALID_DEST;

	struct ipc_port *dest, *reply;
	if (ipc_right_copyin(space, dest_name, dest_type, false, &dest) != KERN_SUCCESS)
		return MACH_SEND_INVALID_DEST;
	if (reply_name == MACH_PORT_NULL) {
		reply = NULL;
	} else if (reply_name == MACH_PORT_DEAD) {
		reply = IPC_PORT_DEAD;
	} else if (ipc_right_copyin(space, reply_name, reply_type, true, &reply) != KERN_SUCCESS) {
		undo_copyin(space, dest_name, dest_type, dest);
		return MACH_SEND_INVALID_REPLY;
	}
	h->msgh_remote_slot = (uint64_t)(uintptr_t)dest;
	h->msgh_protected_payload = (uint64_t)(uintptr_t)reply;
	h->msgh_bits = (bits & MACH_MSGH_BITS_COMPLEX) |
		       MACH_MSGH_BITS(ipc_right_transit_type(dest_type),
				      reply_type ? ipc_right_transit_type(reply_type) : 0);
	return MACH_MSG_SUCCESS;
}

mach_msg_return_t ipc_kmsg_copyin(struct ipc_space *space, struct ipc_kmsg *kmsg)
{
	mach_msg_return_t mr = ipc_kmsg_copyin_header(space, kmsg);
	if (mr == MACH_MSG_SUCCESS)
		mr = ipc_kmsg_copyin_body(space, kmsg);
	return mr;
}

/* --- copyout and destruction -------------------------------------------- */

/* A transit right into space: its name, or MACH_PORT_NULL if it found no
 * room (the right is then destroyed and *failed set). */
static mach_port_name_t copyout_right(struct ipc_space *space, struct ipc_port *port,
				      mach_msg_type_name_t type, bool *failed)
{
	if (port == NULL)
		return MACH_PORT_NULL;
	if (port == IPC_PORT_DEAD)
		return MACH_PORT_DEAD;
	mach_port_name_t name;
	if (ipc_right_copyout(space, port, type, true, &name) == KERN_SUCCESS)
		return name;
	ipc_right_destroy_transit(port, type);
	*failed = true;
	return MACH_PORT_NULL;
}

static mach_msg_return_t slot_copyout(struct ipc_space *space, uint64_t *slot,
				      mach_msg_type_name_t type, void *arg)
{
	*slot = copyout_right(space, (struct ipc_port *)(uintptr_t)*slot, type, arg);
	return MACH_MSG_SUCCESS;
}

mach_msg_return_t ipc_kmsg_copyout(struct ipc_space *space, struct ipc_kmsg *kmsg, bool pseudo)
{
	mach_msg_header_t *h = &kmsg->msg.hdr;
	uint32_t bits = h->msgh_bits;
	mach_msg_type_name_t dest_type = MACH_MSGH_BITS_REMOTE(bits);
	mach_msg_type_name_t reply_type = MACH_MSGH_BITS_LOCAL(bits);
	struct ipc_port *dest = ipc_kmsg_dest(kmsg), *reply = ipc_kmsg_reply(kmsg);
	bool header_failed = false, body_failed = false;

	mach_port_name_t reply_name = copyout_right(space, reply, reply_type, &header_failed);
	if (pseudo) {
		mach_port_name_t dest_name = copyout_right(space, dest, dest_type, &header_failed);
		h->msgh_remote_slot = dest_name;
		h->msgh_protected_payload = reply_name;
	} else {
		uint64_t local;
		if (dest->active && dest->has_payload) {
			local = dest->protected_payload;
			dest_type = MACH_MSG_TYPE_PROTECTED_PAYLOAD;
		} else if (dest->active && dest->receiver == space) {
			local = dest->receiver_name;
		} else {
			local = MACH_PORT_NULL;
		}
		/* The right that carried the message is used up. */
		ipc_right_destroy_transit(dest, MACH_MSGH_BITS_REMOTE(bits));
		h->msgh_remote_slot = reply_name;
		h->msgh_protected_payload = local;
		h->msgh_bits = (bits & MACH_MSGH_BITS_COMPLEX) | MACH_MSGH_BITS(reply_type, dest_type);
	}
	if (bits & MACH_MSGH_BITS_COMPLEX)
		body_walk(space, kmsg, kmsg->size, slot_copyout, &body_failed, NULL);
	if (header_failed)
		return MACH_RCV_HEADER_ERROR | MACH_MSG_IPC_SPACE;
	if (body_failed)
		return MACH_RCV_BODY_ERROR | MACH_MSG_IPC_SPACE;
	return MACH_MSG_SUCCESS;
}

void ipc_kmsg_destroy(struct ipc_kmsg *kmsg)
{
	if (kmsg->msg.hdr.msgh_bits & MACH_MSGH_BITS_COMPLEX)
		body_walk(NULL, kmsg, kmsg->size, slot_destroy, NULL, NULL);
	destroy_header(kmsg);
	ipc_kmsg_free(kmsg);
}
