/* Message queues: every port queues the messages sent to it (up to its
 * qlimit; senders then block), and a receiver takes them from one port or
 * from any member of a port set, blocking until one comes.
 *
 * A receiver that has to wait registers on its port's (or set's)
 * rcv_waiters and sleeps on a wait queue of its own.  A send to a port
 * with nothing queued and such a receiver hands the message straight to
 * the longest-waiting one (with its sequence number) and wakes it alone:
 * the message is never queued and the receiver does not look again (as
 * Mach's ipc_mqueue_send does).  Otherwise the message is queued and the
 * receivers of the port and its set are woken to look again; so are they
 * when the port dies, leaves the space or joins a set.  Senders blocked
 * on a full queue sleep on wait queues hashed by the port; a receive
 * wakes them to look again.
 *
 * All of it runs with interrupts disabled (one CPU; the kernel's rule for
 * the IPC core's state). */
#ifndef IPC_MQUEUE_H
#define IPC_MQUEUE_H

#include <ipc/kmsg.h>

/* Install the port-death hooks; idempotent, and cheap once done (every
 * mach_msg makes sure). */
extern bool ipc_mqueue_ready;
void ipc_mqueue_setup(void);
static inline void ipc_mqueue_init(void)
{
	if (!ipc_mqueue_ready)
		ipc_mqueue_setup();
}

/* Queue kmsg (rights already in transit form) on its destination.
 * Blocks while the queue is full, unless the destination right is a
 * send-once right or option has MACH_SEND_ALWAYS; with MACH_SEND_TIMEOUT,
 * for at most timeout_ns.  On MACH_SEND_TIMED_OUT / MACH_SEND_INTERRUPTED
 * the message is still the caller's; on success it is gone (a message to
 * a port that died meanwhile is destroyed: success, as in Mach). */
mach_msg_return_t ipc_mqueue_send(struct ipc_kmsg *kmsg, mach_msg_option_t option,
				  uint64_t timeout_ns);

/* Take the next message for the receive right or port set name in space,
 * waiting (MACH_RCV_TIMEOUT: at most timeout_ns).  A message larger than
 * max_size is not taken: MACH_RCV_TOO_LARGE with its size in *sizep; it
 * stays queued with MACH_RCV_LARGE, else it is destroyed.  On success
 * *kmsgp is the message (rights still in transit) and *seqnop the port's
 * sequence number for it.  Other errors: MACH_RCV_INVALID_NAME,
 * MACH_RCV_IN_SET, MACH_RCV_TIMED_OUT, MACH_RCV_INTERRUPTED,
 * MACH_RCV_PORT_DIED, MACH_RCV_PORT_CHANGED. */
mach_msg_return_t ipc_mqueue_receive(struct ipc_space *space, mach_port_name_t name,
				     mach_msg_option_t option, uint64_t timeout_ns,
				     uint32_t max_size, struct ipc_kmsg **kmsgp,
				     uint32_t *sizep, uint32_t *seqnop);

/* The RPC fast path: send kmsg and receive on name in one go, when the
 * destination (or its set) has a receiver blocked in receive with room
 * for the message and nothing queued before it, and the receive will
 * have to wait.  The message goes straight to that receiver, which is
 * given the CPU at once (sched_block_handoff: no run-queue pass) while
 * the caller waits for its own message, as ipc_mqueue_receive does.
 * Returns IPC_MQUEUE_NO_FASTPATH when that is not the case: nothing has
 * happened, kmsg is still the caller's (use ipc_mqueue_send and
 * ipc_mqueue_receive).  Otherwise the message is sent and the result is
 * the receive's, as from ipc_mqueue_receive.  Semantics are those of the
 * two calls in a row (sequence numbers, queue limits, sets, timeouts). */
#define IPC_MQUEUE_NO_FASTPATH ((mach_msg_return_t)-1)
/* False with "ipc.nofastpath" on the kernel command line: every RPC then
 * goes through the queue and the scheduler (what the benchmarks compare
 * the fast path against). */
extern bool ipc_fastpath_enabled;
mach_msg_return_t ipc_mqueue_send_receive(struct ipc_kmsg *kmsg, struct ipc_space *space,
					  mach_port_name_t name, mach_msg_option_t option,
					  uint64_t timeout_ns, uint32_t max_size,
					  struct ipc_kmsg **kmsgp, uint32_t *sizep, uint32_t *seqnop);

#endif
