/* Kernel objects as ports (ipc/kobject.h): a request to a task, thread,
 * host or device port is served at once, in the sender's thread, by the
 * MIG stub for its message id, and the reply goes to the request's reply
 * right.
 *
 * Ownership follows GNU Mach's ipc_kobject_server: the destination right
 * is released here; the reply right moves into the reply; when the
 * routine succeeds (or answers MIG_NO_REPLY) it has taken the rights the
 * request carried, otherwise they are destroyed with the request.
 * Out-of-line regions of the request are always freed here (a routine
 * that keeps one unlinks it first). */
#include <ipc/kobject.h>
#include <ipc/mach_msg.h>
#include <ipc/mqueue.h>
#include <ipc/right.h>
#include <kern/arch.h>
#include <kern/string.h>
#include "routines.h"

#define MIG_NO_REPLY (-305)
#define MACH_MSG_TYPE_INTEGER_32 2

/* mig_reply_header_t in kernel form: what every reply starts with. */
struct mig_reply {
	mach_msg_header_t hdr;
	mach_msg_type_t ret_code_type;
	int32_t ret_code;
	uint32_t pad;
};

static void release_transit(struct ipc_port *port, mach_msg_type_name_t type)
{
	if (!IPC_PORT_VALID(port))
		return;
	irqflags_t f = arch_irq_save();
	if (type == MACH_MSG_TYPE_PORT_SEND_ONCE)
		ipc_port_release_sonce(port);   /* no send-once notification to ourselves */
	else
		ipc_port_release_send(port);
	arch_irq_restore(f);
}

static void destroy(struct ipc_kmsg *kmsg)
{
	irqflags_t f = arch_irq_save();
	ipc_kmsg_destroy(kmsg);
	arch_irq_restore(f);
}

/* Routines write their replies into a maximum-size buffer (MIG's reply
 * structs have room for the largest variable arrays).  The kernel keeps
 * one spare such buffer, and a reply travels in a kmsg of its real size:
 * a queued reply pins no more memory than it needs, and the common call
 * allocates nothing large. */
static struct ipc_kmsg *spare_reply_buffer;

static struct ipc_kmsg *reply_buffer_get(void)
{
	irqflags_t f = arch_irq_save();
	struct ipc_kmsg *kmsg = spare_reply_buffer;
	spare_reply_buffer = NULL;
	arch_irq_restore(f);
	return kmsg ? kmsg : ipc_kmsg_alloc(IPC_KMSG_MAX_SIZE);
}

static void reply_buffer_put(struct ipc_kmsg *kmsg)
{
	irqflags_t f = arch_irq_save();
	if (spare_reply_buffer == NULL) {
		spare_reply_buffer = kmsg;
		kmsg = NULL;
	}
	arch_irq_restore(f);
	if (kmsg)
		ipc_kmsg_free(kmsg);
}

/* Queue the reply on its destination; a reply nobody can receive (no
 * reply right, a dead one, or a kernel port) is destroyed with whatever
 * rights and memory it carries. */
static void send_reply(struct ipc_kmsg *reply)
{
	struct ipc_port *dest = ipc_kmsg_dest(reply);
	if (!IPC_PORT_VALID(dest) || dest->kotype != IKOT_NONE ||
	    ipc_kmsg_adopt_ool(reply) != MACH_MSG_SUCCESS) {
		destroy(reply);
		return;
	}
	ipc_mqueue_send(reply, MACH_SEND_ALWAYS, 0);
}

void ipc_kobject_server(struct ipc_kmsg *request)
{
	mach_msg_header_t *in = &request->msg.hdr;
	mach_msg_type_name_t reply_type = MACH_MSGH_BITS_LOCAL(in->msgh_bits);
	struct ipc_port *reply_port = ipc_kmsg_reply(request);

	struct ipc_kmsg *buffer = reply_buffer_get();
	if (buffer == NULL) {
		destroy(request);   /* the reply right with it: the client sees it die */
		return;
	}
	struct mig_reply *out = (struct mig_reply *)(void *)&buffer->msg.hdr;
	out->hdr.msgh_bits = MACH_MSGH_BITS(reply_type, 0);
	out->hdr.msgh_size = sizeof(*out);
	out->hdr.msgh_remote_slot = (uint64_t)(uintptr_t)reply_port;
	out->hdr.msgh_protected_payload = 0;
	out->hdr.msgh_seqno = 0;
	out->hdr.msgh_id = in->msgh_id + 100;
	out->ret_code_type.word = MSGT_WORD(MACH_MSG_TYPE_INTEGER_32, 32, true);
	out->ret_code_type.number = 1;
	out->ret_code = MIG_BAD_ID;
	out->pad = 0;

	/* Stubs of routines that answer later (MIG_NO_REPLY) read the reply
	 * right from the request and take it. */
	kobj_routine_t routine = kobj_server_routine(in);
	if (routine)
		routine(in, &buffer->msg.hdr);
	/* The destination right is spent on delivery; the reply right
	 * belongs to the reply now (or to the routine). */
	release_transit(ipc_kmsg_dest(request), MACH_MSGH_BITS_REMOTE(in->msgh_bits));
	in->msgh_remote_slot = 0;
	in->msgh_protected_payload = 0;

	kern_return_t kr = out->ret_code;
	if (kr == KERN_SUCCESS || kr == MIG_NO_REPLY) {
		/* The routine took the request's rights; only memory is left. */
		ipc_kmsg_free(request);
	} else {
		destroy(request);
		/* An error reply is the bare header and code, whatever the stub
		 * had begun to fill in. */
		out->hdr.msgh_bits &= ~MACH_MSGH_BITS_COMPLEX;
		out->hdr.msgh_size = sizeof(*out);
	}
	if (kr == MIG_NO_REPLY) {
		reply_buffer_put(buffer);
		return;
	}
	struct ipc_kmsg *reply = ipc_kmsg_alloc(out->hdr.msgh_size);
	if (reply) {
		memcpy(reply->msg.bytes, buffer->msg.bytes, out->hdr.msgh_size);
		reply_buffer_put(buffer);
	} else {
		reply = buffer;   /* no memory for a smaller one: send the buffer */
		reply->size = out->hdr.msgh_size;
	}
	send_reply(reply);
}
