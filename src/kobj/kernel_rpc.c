/* The kernel as a Mach client: mach_msg_rpc_from_kernel (kern/exception.h),
 * what the kernel's MIG client stubs (exc.defs) send through.
 *
 * The reply port is a receive right in a space of the kernel's own, made
 * on first use.  Being a plain port with a receiver, it behaves as any
 * other: the send-once right to it travels with the request, a handler
 * that dies with it makes the send-once notification come back here, and
 * ipc_mqueue_receive can wait on it by name.  Each call makes its own
 * port and destroys it at the end.  A call that gave up waiting (its
 * thread was terminated or aborted) leaves its port behind for a while:
 * the handler is still going to answer (GNU Mach's handlers typically
 * terminate the faulting thread, then reply), and its reply must be
 * accepted, then thrown away.  Such ports are destroyed once their reply
 * (or the send-once notification) has come, by the next call.
 *
 * The request's rights are the caller's naked rights: a copy-send
 * disposition takes one more send right to the port, a make-send or
 * make-send-once one makes a new right (the kernel holds the receive
 * right).  The caller keeps its own rights whatever happens. */
#include <ipc/kobject.h>
#include <ipc/mqueue.h>
#include <ipc/right.h>
#include <kern/arch.h>
#include <kern/exception.h>
#include <kern/string.h>

static struct ipc_space *volatile kernel_space;

static struct ipc_space *rpc_space(void)
{
	if (kernel_space)
		return kernel_space;
	struct ipc_space *space = ipc_space_create();
	if (space == NULL)
		return NULL;
	irqflags_t f = arch_irq_save();
	if (kernel_space == NULL) {
		kernel_space = space;
		space = NULL;
	}
	arch_irq_restore(f);
	if (space)
		ipc_space_destroy(space);   /* someone else made it first */
	return kernel_space;
}

/* Reply ports of calls that gave up, until their answer comes. */
#define ABANDONED_MAX 32
static mach_port_name_t abandoned[ABANDONED_MAX];
static unsigned nabandoned;

/* Destroy the abandoned reply ports that have their answer (or can get
 * none any more).  Interrupts disabled. */
static void sweep_abandoned(struct ipc_space *space)
{
	for (unsigned i = 0; i < nabandoned;) {
		struct ipc_entry *e = ipc_entry_lookup(space, abandoned[i]);
		struct ipc_port *port = e ? (struct ipc_port *)e->object : NULL;
		if (port && port->active && port->msgcount == 0 && port->sorights > 0) {
			i++;
			continue;
		}
		if (e)
			ipc_space_destroy_name(space, abandoned[i]);
		abandoned[i] = abandoned[--nabandoned];
	}
}

/* Keep name until its answer comes; with too many waiting already, the
 * oldest one goes (its late answer then fails to send, as to any dead
 * port).  Interrupts disabled. */
static void abandon(struct ipc_space *space, mach_port_name_t name)
{
	if (nabandoned == ABANDONED_MAX) {
		ipc_space_destroy_name(space, abandoned[0]);
		abandoned[0] = abandoned[--nabandoned];
	}
	abandoned[nabandoned++] = name;
}

static bool kernel_disposition(mach_msg_type_name_t name)
{
	return name == MACH_MSG_TYPE_COPY_SEND || name == MACH_MSG_TYPE_MAKE_SEND ||
	       name == MACH_MSG_TYPE_MAKE_SEND_ONCE;
}

/* A transit right of disposition made from a naked right (interrupts
 * disabled).  A dead port travels as IPC_PORT_DEAD, no port as NULL. */
static struct ipc_port *transit_from_naked(struct ipc_port *port, mach_msg_type_name_t disposition)
{
	if (!IPC_PORT_VALID(port))
		return port;
	if (!port->active)
		return IPC_PORT_DEAD;
	switch (disposition) {
	case MACH_MSG_TYPE_MAKE_SEND:
		return ipc_port_make_send(port);
	case MACH_MSG_TYPE_MAKE_SEND_ONCE:
		return ipc_port_make_sonce(port);
	default:
		return ipc_port_copy_send(port);
	}
}

/* Walk the request body: check that every descriptor is one the kernel
 * can send (short form, inline; ports in 8-byte slots with a send
 * disposition) and, with make, turn its naked port slots into transit
 * rights.  The check pass comes first, so make never fails half-way. */
static mach_msg_return_t body_rights(struct ipc_kmsg *kmsg, bool make)
{
	uint32_t off = sizeof(mach_msg_header_t);
	while (off < kmsg->size) {
		if (kmsg->size - off < sizeof(mach_msg_type_t))
			return MACH_SEND_MSG_TOO_SMALL;
		mach_msg_type_t *t = (mach_msg_type_t *)(void *)(kmsg->msg.bytes + off);
		mach_msg_type_name_t name = MSGT_NAME(t->word);
		uint32_t bits = MSGT_SIZE(t->word);
		bool port = MACH_MSG_TYPE_PORT_ANY(name);
		if (!(t->word & MSGT_INLINE) || (t->word & MSGT_LONGFORM) ||
		    name > MACH_MSG_TYPE_LAST || (port && (bits != 64 || !kernel_disposition(name))))
			return MACH_SEND_INVALID_TYPE;
		uint64_t len = ALIGN_UP(((uint64_t)t->number * bits + 7) / 8, (uint64_t)MACH_MSG_ALIGN);
		uint32_t data = off + (uint32_t)sizeof(*t);
		if (len > kmsg->size - data)
			return MACH_SEND_MSG_TOO_SMALL;
		if (port && make) {
			for (uint32_t i = 0; i < t->number; i++) {
				uint64_t *slot = (uint64_t *)(void *)(kmsg->msg.bytes + data + 8 * i);
				*slot = (uint64_t)(uintptr_t)transit_from_naked(
					(struct ipc_port *)(uintptr_t)*slot, name);
			}
			t->word = (t->word & ~0xffu) | ipc_right_transit_type(name);
		}
		off = data + (uint32_t)len;
	}
	return MACH_MSG_SUCCESS;
}

/* The request in transit form, with a send-once right to the reply port
 * (receive right reply_name in space): NULL with *mrp set on error, and
 * then nothing was made. */
static struct ipc_kmsg *make_request(const mach_msg_header_t *msg, uint32_t send_size,
				     struct ipc_space *space, mach_port_name_t *reply_name,
				     mach_msg_return_t *mrp)
{
	uint32_t bits = msg->msgh_bits;
	if ((bits & ~MACH_MSGH_BITS_USER) != 0 ||
	    !kernel_disposition(MACH_MSGH_BITS_REMOTE(bits)) ||
	    MACH_MSGH_BITS_LOCAL(bits) != MACH_MSG_TYPE_MAKE_SEND_ONCE ||
	    msg->msgh_protected_payload != 0) {
		*mrp = MACH_SEND_INVALID_HEADER;
		return NULL;
	}
	struct ipc_kmsg *kmsg = ipc_kmsg_alloc(send_size);
	if (kmsg == NULL) {
		*mrp = MACH_SEND_NO_BUFFER;
		return NULL;
	}
	memcpy(kmsg->msg.bytes, msg, send_size);
	kmsg->msg.hdr.msgh_size = send_size;
	mach_msg_return_t mr = MACH_MSG_SUCCESS;
	if (bits & MACH_MSGH_BITS_COMPLEX)
		mr = body_rights(kmsg, false);

	irqflags_t f = arch_irq_save();
	struct ipc_port *dest = (struct ipc_port *)(uintptr_t)msg->msgh_remote_slot;
	if (mr == MACH_MSG_SUCCESS && (!IPC_PORT_VALID(dest) || !dest->active))
		mr = MACH_SEND_INVALID_DEST;
	if (mr == MACH_MSG_SUCCESS &&
	    ipc_space_allocate(space, MACH_PORT_RIGHT_RECEIVE, reply_name) != KERN_SUCCESS)
		mr = MACH_SEND_NO_BUFFER;
	struct ipc_port *reply = NULL;
	if (mr == MACH_MSG_SUCCESS &&
	    ipc_right_copyin(space, *reply_name, MACH_MSG_TYPE_MAKE_SEND_ONCE, false, &reply) !=
		    KERN_SUCCESS) {
		ipc_space_destroy_name(space, *reply_name);
		mr = MACH_SEND_NO_BUFFER;
	}
	if (mr != MACH_MSG_SUCCESS) {
		arch_irq_restore(f);
		ipc_kmsg_free(kmsg);
		*mrp = mr;
		return NULL;
	}
	mach_msg_header_t *h = &kmsg->msg.hdr;
	h->msgh_remote_slot = (uint64_t)(uintptr_t)transit_from_naked(dest, MACH_MSGH_BITS_REMOTE(bits));
	h->msgh_protected_payload = (uint64_t)(uintptr_t)reply;
	h->msgh_bits = (bits & MACH_MSGH_BITS_COMPLEX) |
		       MACH_MSGH_BITS(ipc_right_transit_type(MACH_MSGH_BITS_REMOTE(bits)),
				      MACH_MSG_TYPE_PORT_SEND_ONCE);
	if (bits & MACH_MSGH_BITS_COMPLEX)
		body_rights(kmsg, true);
	arch_irq_restore(f);
	return kmsg;
}

/* The reply, received: into msg in kernel form, its rights destroyed
 * (interrupts disabled).  The right that carried it is the send-once
 * right to our own reply port, used up. */
static void take_reply(struct ipc_kmsg *reply, uint32_t seqno, mach_msg_header_t *msg)
{
	mach_msg_header_t *h = &reply->msg.hdr;
	struct ipc_port *dest = ipc_kmsg_dest(reply);
	if (MACH_MSGH_BITS_REMOTE(h->msgh_bits) == MACH_MSG_TYPE_PORT_SEND_ONCE) {
		if (IPC_PORT_VALID(dest))
			ipc_port_release_sonce(dest);   /* no notification to ourselves */
		h->msgh_remote_slot = 0;
	}
	memcpy(msg, reply->msg.bytes, reply->size);
	msg->msgh_size = reply->size;
	msg->msgh_seqno = seqno;
	msg->msgh_remote_slot = 0;
	msg->msgh_protected_payload = 0;
	/* No kernel caller takes rights or memory from a reply: a body that
	 * carries some is cleared, and they are destroyed with the kmsg. */
	if (h->msgh_bits & MACH_MSGH_BITS_COMPLEX)
		memset((uint8_t *)msg + sizeof(*msg), 0, reply->size - sizeof(*msg));
	ipc_kmsg_destroy(reply);
}

mach_msg_return_t mach_msg_rpc_from_kernel(mach_msg_header_t *msg, uint32_t send_size,
					   uint32_t rcv_size)
{
	if (send_size < sizeof(*msg) || send_size % MACH_MSG_ALIGN != 0)
		return MACH_SEND_MSG_TOO_SMALL;
	if (send_size > IPC_KMSG_MAX_SIZE)
		return MACH_SEND_NO_BUFFER;
	ipc_mqueue_init();
	struct ipc_space *space = rpc_space();
	if (space == NULL)
		return MACH_SEND_NO_BUFFER;
	irqflags_t f = arch_irq_save();
	sweep_abandoned(space);
	arch_irq_restore(f);

	mach_port_name_t reply_name;
	mach_msg_return_t mr;
	struct ipc_kmsg *kmsg = make_request(msg, send_size, space, &reply_name, &mr);
	if (kmsg == NULL)
		return mr;

	if (ipc_kmsg_dest(kmsg)->kotype != IKOT_NONE) {
		/* An exception port that is a kernel object's: served at once
		 * (its MIG_BAD_ID reply comes to the reply port). */
		ipc_kobject_server(kmsg);
		mr = MACH_MSG_SUCCESS;
	} else {
		/* Waits while the handler's queue is full, as a user sender. */
		mr = ipc_mqueue_send(kmsg, 0, 0);
		if (mr != MACH_MSG_SUCCESS) {
			f = arch_irq_save();
			ipc_kmsg_destroy(kmsg);
			arch_irq_restore(f);
		}
	}

	if (mr == MACH_MSG_SUCCESS) {
		struct ipc_kmsg *reply = NULL;
		uint32_t size = 0, seqno = 0;
		mr = ipc_mqueue_receive(space, reply_name, 0, 0, rcv_size, &reply, &size, &seqno);
		if (mr == MACH_MSG_SUCCESS) {
			f = arch_irq_save();
			take_reply(reply, seqno, msg);
			arch_irq_restore(f);
		}
	}

	f = arch_irq_save();
	if (mr == MACH_RCV_INTERRUPTED)
		abandon(space, reply_name);
	else
		ipc_space_destroy_name(space, reply_name);
	arch_irq_restore(f);
	return mr;
}
