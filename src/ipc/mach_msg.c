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
 * Out-of-line memory and port arrays are copied physically: read from
 * the sender into kernel pages at send, written into fresh memory
 * (vm_allocate anywhere, PROT_RW) in the receiver.  Copy-on-write comes
 * with the VM issue.  The deallocate bit frees the sender's range
 * (rounded out to pages, as Mach does) once the message is accepted.
 *
 * MACH_SEND_NOTIFY (Mach's msg-accepted protocol): the send does not
 * wait for a full queue beyond its own timeout (none without
 * MACH_SEND_TIMEOUT); if it would time out, notify must name a receive
 * right of the sender (else MACH_SEND_INVALID_NOTIFY, the message given
 * back), the message is queued past the limit and the call returns
 * MACH_SEND_WILL_NOTIFY; a MACH_NOTIFY_MSG_ACCEPTED notification (body:
 * the sender's name for the destination) goes to notify once the
 * message leaves the queue.  While it is pending, another forced send
 * through the same name gets MACH_SEND_NOTIFY_IN_PROGRESS (the message
 * given back).
 * MACH_RCV_NOTIFY and MACH_SEND_CANCEL are accepted and ignored (GNU
 * Mach does nothing with the first; the second's dead-name
 * cancellation is left out).
 *
 * The fast path: a combined send+receive whose destination has a
 * receiver waiting hands it the message and the CPU directly
 * (ipc_mqueue_send_receive); otherwise the two halves run one after the
 * other.  A message to a waiting receiver is never queued either way.
 *
 * Not yet: messages above IPC_KMSG_MAX_SIZE. */
#include <ipc/kobject.h>
#include <ipc/mach_msg.h>
#include <ipc/mqueue.h>
#include <ipc/notify.h>
#include <ipc/right.h>
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/string.h>
#include <kern/timer.h>
#include <kern/task.h>
#include <kern/uaccess.h>
#include <kern/vm_map.h>
#include <kern/vm_prot.h>

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

/* The map out-of-line regions of buf come from and go to. */
static struct vm_map *buf_map(struct ipc_msg_buf buf)
{
	if (buf.map)
		return buf.map;
	if (buf.user) {
		struct task *task = task_current();
		return task ? &task->map : NULL;
	}
	return NULL;
}

static int ool_read(void *ctx, void *dst, uintptr_t src, size_t len)
{
	const struct ipc_msg_buf *buf = ctx;
	struct vm_map *map = buf_map(*buf);
	if (buf->user && buf->map == NULL)
		return copyin(dst, src, len);
	return map ? vm_map_read(map, src, dst, len) : K_EFAULT;
}

static int ool_alloc(void *ctx, uint64_t size, uintptr_t *addr)
{
	vaddr_t va = 0;
	if (ctx == NULL)
		return K_EFAULT;
	int rc = vm_allocate(ctx, &va, size, true, PROT_RW);
	*addr = va;
	return rc;
}

static int ool_write(void *ctx, uintptr_t addr, const void *src, size_t len)
{
	return vm_map_write(ctx, addr, src, len);
}

static void ool_dealloc(void *ctx, uintptr_t addr, uint64_t size)
{
	vm_deallocate(ctx, addr, size);
}

/* Give the kmsg's out-of-line regions to buf's task: memory first (a
 * port array without room loses its rights before they get names), then
 * the rights, then the bytes. */
static mach_msg_return_t msg_copyout(struct ipc_space *space, struct ipc_msg_buf buf,
				     struct ipc_kmsg *kmsg, bool pseudo)
{
	/* Most messages carry no out-of-line region: no sink to set up. */
	if (list_empty(&kmsg->ool)) {
		irqflags_t f = arch_irq_save();
		mach_msg_return_t mr = ipc_kmsg_copyout(space, kmsg, pseudo);
		arch_irq_restore(f);
		return mr;
	}
	struct ipc_ool_sink sink = { ool_alloc, ool_write, ool_dealloc, buf_map(buf) };
	ipc_kmsg_copyout_ool_reserve(kmsg, &sink);
	irqflags_t f = arch_irq_save();
	mach_msg_return_t mr = ipc_kmsg_copyout(space, kmsg, pseudo);
	arch_irq_restore(f);
	mach_msg_return_t ool_mr = ipc_kmsg_copyout_ool(kmsg, &sink);
	return mr != MACH_MSG_SUCCESS ? mr : ool_mr;
}

/* The message is accepted: ranges sent with the deallocate bit leave the
 * sender. */
static void ool_dealloc_sent(struct ipc_msg_buf buf, struct ipc_kmsg *kmsg)
{
	if (list_empty(&kmsg->ool))
		return;
	struct vm_map *map = buf_map(buf);
	if (map == NULL)
		return;
	list_foreach(it, &kmsg->ool) {
		struct ipc_ool *ool = list_entry(it, struct ipc_ool, link);
		if (ool->dealloc) {
			vaddr_t start = ALIGN_DOWN(ool->uaddr, PAGE_SIZE);
			vm_deallocate(map, start, ALIGN_UP(ool->uaddr + ool->user_size, PAGE_SIZE) - start);
			ool->dealloc = false;
		}
	}
}

/* The receive half of a combined call, for the fast path: what to
 * receive, and what came. */
struct rcv_req {
	mach_port_name_t name;
	uint32_t size;             /* rcv_size */
	bool done;                 /* the fast path received (result below) */
	mach_msg_return_t mr;
	struct ipc_kmsg *kmsg;
	uint32_t msg_size, seqno;
};

static mach_msg_return_t msg_send(struct ipc_space *space, struct ipc_msg_buf buf,
				  mach_msg_option_t option, uint32_t send_size, uint32_t timeout_ms,
				  mach_port_name_t notify, struct rcv_req *rcv)
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

	/* Out-of-line memory first: reading it may fault, and a failure
	 * must leave the sender's rights untouched.  (Only a complex message
	 * has any: the usual RPC skips the calls.) */
	bool complex = kmsg->msg.hdr.msgh_bits & MACH_MSGH_BITS_COMPLEX;
	mach_msg_return_t mr = complex ? ipc_kmsg_copyin_ool(kmsg, ool_read, &buf)
				       : MACH_MSG_SUCCESS;
	if (mr != MACH_MSG_SUCCESS) {
		ipc_kmsg_free(kmsg);
		return mr;
	}
	irqflags_t f = arch_irq_save();
	mr = ipc_kmsg_copyin(space, kmsg);
	arch_irq_restore(f);
	if (mr != MACH_MSG_SUCCESS) {
		ipc_kmsg_free(kmsg);   /* no right left in it */
		return mr;
	}
	if (complex)
		ool_dealloc_sent(buf, kmsg);
	if (ipc_kmsg_dest(kmsg)->kotype != IKOT_NONE) {
		ipc_kobject_server(kmsg);
		return MACH_MSG_SUCCESS;
	}
	option &= ~MACH_SEND_ALWAYS;
	if (rcv && !(option & MACH_SEND_NOTIFY) && ipc_fastpath_enabled) {
		/* An RPC to a server already waiting: straight to it. */
		mr = ipc_mqueue_send_receive(kmsg, space, rcv->name, option,
					     (uint64_t)timeout_ms * NSEC_PER_MSEC, rcv->size,
					     &rcv->kmsg, &rcv->msg_size, &rcv->seqno);
		if (mr != IPC_MQUEUE_NO_FASTPATH) {
			rcv->done = true;
			rcv->mr = mr;
			return MACH_MSG_SUCCESS;
		}
	}
	if (option & MACH_SEND_NOTIFY) {
		if (!(option & MACH_SEND_TIMEOUT))
			timeout_ms = 0;
		option |= MACH_SEND_TIMEOUT;
	}
	mr = ipc_mqueue_send(kmsg, option, (uint64_t)timeout_ms * NSEC_PER_MSEC);
	if (mr == MACH_MSG_SUCCESS)
		return mr;
	if (mr == MACH_SEND_TIMED_OUT && (option & MACH_SEND_NOTIFY)) {
		/* Armed and queued at once: nothing may touch the sender's
		 * entry in between. */
		f = arch_irq_save();
		mr = ipc_notify_accept_request(space, kmsg, notify);
		if (mr == MACH_MSG_SUCCESS)
			ipc_mqueue_send(kmsg, MACH_SEND_ALWAYS, 0);
		arch_irq_restore(f);
		if (mr == MACH_MSG_SUCCESS)
			return MACH_SEND_WILL_NOTIFY;
	}

	/* Not sent: everything goes back to the sender. */
	msg_copyout(space, buf, kmsg, true);
	buf_write(buf, 0, kmsg->msg.bytes, kmsg->size);
	ipc_kmsg_free(kmsg);
	return mr;
}

/* What a receive took (mr, kmsg, its size and seqno) goes to buf. */
static mach_msg_return_t msg_received(struct ipc_space *space, struct ipc_msg_buf buf,
				      uint32_t rcv_size, mach_msg_return_t mr,
				      struct ipc_kmsg *kmsg, uint32_t size, uint32_t seqno)
{
	if (mr == MACH_RCV_TOO_LARGE) {
		/* The size it needs goes where msgh_size is. */
		if (rcv_size >= 8)
			buf_write(buf, offsetof(mach_msg_header_t, msgh_size), &size, sizeof(size));
		return mr;
	}
	if (mr != MACH_MSG_SUCCESS)
		return mr;

	mr = msg_copyout(space, buf, kmsg, false);
	kmsg->msg.hdr.msgh_seqno = seqno;
	if (buf_write(buf, 0, kmsg->msg.bytes, kmsg->size) != 0)
		mr = MACH_RCV_INVALID_DATA;
	ipc_kmsg_free(kmsg);
	return mr;
}

static mach_msg_return_t msg_receive(struct ipc_space *space, struct ipc_msg_buf buf,
				     mach_msg_option_t option, uint32_t rcv_size,
				     mach_port_name_t rcv_name, uint32_t timeout_ms)
{
	struct ipc_kmsg *kmsg = NULL;
	uint32_t size = 0, seqno = 0;
	mach_msg_return_t mr = ipc_mqueue_receive(space, rcv_name, option,
						  (uint64_t)timeout_ms * NSEC_PER_MSEC,
						  rcv_size, &kmsg, &size, &seqno);
	return msg_received(space, buf, rcv_size, mr, kmsg, size, seqno);
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
		struct rcv_req rcv = { .name = rcv_name, .size = rcv_size };
		mach_msg_return_t mr = msg_send(space, buf, option, send_size, timeout_ms, notify,
						(option & MACH_RCV_MSG) ? &rcv : NULL);
		if (mr != MACH_MSG_SUCCESS)
			return mr;
		if (rcv.done)
			return msg_received(space, buf, rcv_size, rcv.mr, rcv.kmsg, rcv.msg_size,
					    rcv.seqno);
	}
	if (option & MACH_RCV_MSG)
		return msg_receive(space, buf, option, rcv_size, rcv_name, timeout_ms);
	return MACH_MSG_SUCCESS;
}
