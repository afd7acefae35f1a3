/* Message queues: every port queues the messages sent to it (up to its
 * qlimit; senders then block), and a receiver takes them from one port or
 * from any member of a port set, blocking until one comes.
 *
 * Waiting threads sleep on wait queues hashed by the port (or set): a
 * send wakes the receivers hashed with its port and its set, a receive the
 * senders hashed with its port, and each woken thread looks again.
 *
 * All of it runs with interrupts disabled (one CPU; the kernel's rule for
 * the IPC core's state). */
#ifndef IPC_MQUEUE_H
#define IPC_MQUEUE_H

#include <ipc/kmsg.h>

/* Install the port-death hooks; idempotent. */
void ipc_mqueue_init(void);

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

#endif
