/* The mach_msg trap: send, receive, or both, with GNU Mach's arguments
 * (msg, option, send_size, rcv_size, rcv_name, timeout, notify) and its
 * return codes.
 *
 * A message is copied from the sender's memory into a kmsg, its rights
 * translated out of the sender's space (ipc/kmsg.c), queued on the
 * destination port (ipc/mqueue.c), and on receive its rights are
 * translated into the receiver's space and the bytes copied out.  A send
 * that times out or is interrupted gives the message back: its rights
 * return to the sender's space and the message to its buffer (Mach's
 * pseudo-receive).
 *
 * Not yet: out-of-line memory and port arrays, MACH_SEND_NOTIFY and
 * MACH_RCV_NOTIFY (the notify argument is ignored), a direct hand-off to
 * a waiting receiver (the fast path), messages above IPC_KMSG_MAX_SIZE. */
#include <ipc/mach_msg.h>
#include <ipc/mqueue.h>
#include <ipc/right.h>
#include <kern/arch.h>
#include <kern/string.h>
#include <kern/timer.h>
#include <kern/uaccess.h>

static int buf_read(struct ipc_msg_buf buf, void *dst, size_t len)
{
	if (buf.user)
		return copyin(dst, buf.addr, len);
	memcpy(dst, (const void *)buf.addr, len);
	return 0;
}

static int buf_write(struct ipc_msg_buf buf, size_t off, const void *src, size_t len)
{
	if (buf.user)
		return copyout(buf.addr + off, src, len);
	memcpy((void *)(buf.addr + off), src, len);
	return 0;
}

/* A message to a kernel object: no servers yet, so a MIG error reply
 * (mig_reply_error_t: header, RetCodeType, RetCode) goes to the reply
 * right, if any, and the request is destroyed. */
static void kobject_reply_bad_id(struct ipc_kmsg *request)
{
	struct ipc_port *reply = ipc_kmsg_reply(request);
	mach_msg_type_name_t reply_type = MACH_MSGH_BITS_LOCAL(request->msg.hdr.msgh_bits);
	int32_t id = request->msg.hdr.msgh_id;
	struct ipc_kmsg *kmsg = NULL;

	if (IPC_PORT_VALID(reply))
		kmsg = ipc_kmsg_alloc(sizeof(mach_msg_header_t) + 16);
	if (kmsg) {
		/* The reply right moves from the request into the reply. */
		request->msg.hdr.msgh_protected_payload = 0;
		mach_msg_header_t *h = &kmsg->msg.hdr;
		h->msgh_bits = MACH_MSGH_BITS(reply_type, 0);
		h->msgh_size = kmsg->size;
		h->msgh_remote_slot = (uint64_t)(uintptr_t)reply;
		h->msgh_protected_payload = 0;
		h->msgh_seqno = 0;
		h->msgh_id = id + 100;
		mach_msg_type_t *t = (mach_msg_type_t *)(void *)(h + 1);
		t->word = MSGT_WORD(2 /* MACH_MSG_TYPE_INTEGER_32 */, 32, true);
		t->number = 1;
		int32_t *code = (int32_t *)(void *)(t + 1);
		code[0] = MIG_BAD_ID;
		code[1] = 0;
		ipc_mqueue_send(kmsg, MACH_SEND_ALWAYS, 0);
	}
	irqflags_t f = arch_irq_save();
	ipc_kmsg_destroy(request);
	arch_irq_restore(f);
}

static mach_msg_return_t msg_send(struct ipc_space *space, struct ipc_msg_buf buf,
				  mach_msg_option_t option, uint32_t send_size, uint32_t timeout_ms)
{
	if (send_size < sizeof(mach_msg_header_t) || send_size % MACH_MSG_ALIGN != 0)
		return MACH_SEND_MSG_TOO_SMALL;
	if (send_size > IPC_KMSG_MAX_SIZE)
		return MACH_SEND_NO_BUFFER;
	struct ipc_kmsg *kmsg = ipc_kmsg_alloc(send_size);
	if (kmsg == NULL)
		return MACH_SEND_NO_BUFFER;
	if (buf_read(buf, kmsg->msg.bytes, send_size) != 0) {
		ipc_kmsg_free(kmsg);
		return MACH_SEND_INVALID_DATA;
	}
	kmsg->msg.hdr.msgh_size = send_size;

	irqflags_t f = arch_irq_save();
	mach_msg_return_t mr = ipc_kmsg_copyin(space, kmsg);
	arch_irq_restore(f);
	if (mr != MACH_MSG_SUCCESS) {
		ipc_kmsg_free(kmsg);   /* no right left in it */
		return mr;
	}
	if (ipc_kmsg_dest(kmsg)->kotype != IKOT_NONE) {
		kobject_reply_bad_id(kmsg);
		return MACH_MSG_SUCCESS;
	}
	mr = ipc_mqueue_send(kmsg, option & ~MACH_SEND_ALWAYS, (uint64_t)timeout_ms * NSEC_PER_MSEC);
	if (mr == MACH_MSG_SUCCESS)
		return mr;

	/* Not sent: everything goes back to the sender. */
	f = arch_irq_save();
	ipc_kmsg_copyout(space, kmsg, true);
	arch_irq_restore(f);
	buf_write(buf, 0, kmsg->msg.bytes, kmsg->size);
	ipc_kmsg_free(kmsg);
	return mr;
}

static mach_msg_return_t msg_receive(struct ipc_space *space, struct ipc_msg_buf buf,
				     mach_msg_option_t option, uint32_t rcv_size,
				     mach_port_name_t rcv_name, uint32_t timeout_ms)
{
	struct ipc_kmsg *kmsg;
	uint32_t size = 0, seqno = 0;
	mach_msg_return_t mr = ipc_mqueue_receive(space, rcv_name, option,
						  (uint64_t)timeout_ms * NSEC_PER_MSEC,
						  rcv_size, &kmsg, &size, &seqno);
	if (mr == MACH_RCV_TOO_LARGE) {
		/* The size it needs goes where msgh_size is. */
		if (rcv_size >= 8)
			buf_write(buf, offsetof(mach_msg_header_t, msgh_size), &size, sizeof(size));
		return mr;
	}
	if (mr != MACH_MSG_SUCCESS)
		return mr;

	irqflags_t f = arch_irq_save();
	mr = ipc_kmsg_copyout(space, kmsg, false);
	arch_irq_restore(f);
	kmsg->msg.hdr.msgh_seqno = seqno;
	if (buf_write(buf, 0, kmsg->msg.bytes, kmsg->size) != 0)
		mr = MACH_RCV_INVALID_DATA;
	ipc_kmsg_free(kmsg);
	return mr;
}

mach_msg_return_t ipc_mach_msg(struct ipc_space *space, struct ipc_msg_buf buf,
			       mach_msg_option_t option, uint32_t send_size, uint32_t rcv_size,
			       mach_port_name_t rcv_name, uint32_t timeout_ms,
			       mach_port_name_t notify)
{
	ipc_mqueue_init();
	if (space == NULL)
		return (option & MACH_SEND_MSG) ? MACH_SEND_INVALID_DEST : MACH_RCV_INVALID_NAME;
	if (option & MACH_SEND_MSG) {
		mach_msg_return_t mr = msg_send(space, buf, option, send_size, timeout_ms);
		if (mr != MACH_MSG_SUCCESS)
			return mr;
	}
	if (option & MACH_RCV_MSG)
		return msg_receive(space, buf, option, rcv_size, rcv_name, timeout_ms);
	return MACH_MSG_SUCCESS;
}
