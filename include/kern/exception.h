/* Mach exceptions (GNU Mach's exc.defs): a fault or a bad trap of a user
 * thread becomes an exception_raise message.
 *
 * The faulting thread itself sends exception_raise(exception_port, thread,
 * task, exception, code, subcode) (msgh_id 2400) and waits for the reply
 * (2500): first to its own exception port, then to its task's.  A reply
 * of KERN_SUCCESS lets the thread resume (its handler may have changed
 * its registers with thread_set_state, or terminated it); anything else
 * (another code, a handler that died, no port at all) moves on to the
 * next port, and when none is left the task is killed with the usual
 * "task NAME (ID) killed: ..." line.
 *
 * Codes: the portable cases use GNU Mach's values on every arch (an
 * unknown trap number is EXC_BAD_INSTRUCTION / EXC_I386_INVOP; a page
 * fault nobody can resolve is EXC_BAD_ACCESS with KERN_INVALID_ADDRESS or
 * KERN_PROTECTION_FAILURE and the address as subcode).  The arch's own
 * exceptions carry the arch's numbers, as docs/abi.md lists them. */
#ifndef KERN_EXCEPTION_H
#define KERN_EXCEPTION_H

#include <ipc/kmsg.h>

struct thread;

/* Exception types: mach/exception.h's EXC_* values, with a MACH_ prefix
 * because riscv64's trap causes already use EXC_* names. */
#define MACH_EXC_BAD_ACCESS       1
#define MACH_EXC_BAD_INSTRUCTION  2
#define MACH_EXC_ARITHMETIC       3
#define MACH_EXC_EMULATION        4
#define MACH_EXC_SOFTWARE         5
#define MACH_EXC_BREAKPOINT       6

/* The code GNU Mach gives an invalid opcode and an unknown trap number
 * (mach/i386/exception.h's EXC_I386_INVOP); used for unknown traps on
 * every arch. */
#define MACH_EXC_I386_INVOP       1

/* The message ids of exc.defs. */
#define EXC_RAISE_MSGID      2400
#define EXC_RAISE_REPLY_MSGID 2500

/* Deliver an exception for the current thread, which must belong to a
 * task (a user thread, or a kernel-side thread of a task in the
 * self-tests).  Returns true when the thread may go on: a handler said
 * KERN_SUCCESS, or the wait for the handler was cut short by thread_abort.
 * Returns false when the thread is ending: no handler took the exception
 * and the task has been terminated with "task NAME (ID) killed: REASON",
 * or the thread or its task was being terminated anyway (by a handler,
 * or by someone else; no line then).  The thread then ends on its way
 * back to user mode.  Blocks: call it with interrupts enabled and no
 * lock held. */
bool exception_raise_user(int exception, int code, uint64_t subcode, const char *reason);

/* Is t waiting in exception_raise_user for a handler's answer?  Its user
 * registers are then complete in its frame and stay put until the answer
 * comes: thread_get_state/thread_set_state may read and change them as
 * for a thread stopped at the user boundary (the handler moves the thread
 * on, then answers KERN_SUCCESS). */
bool exception_waiting(const struct thread *t);

/* --- the kernel as a Mach client (src/kobj/exception.c, kernel_rpc.c) --- */

struct ipc_port;

/* The MIG client stub (exc.defs, compiled in the MIG world): sends the
 * request and returns the handler's code or a mach_msg / MIG error.  The
 * three ports are naked rights it copies send rights from. */
kern_return_t exception_raise(struct ipc_port *exception_port, struct ipc_port *thread,
			      struct ipc_port *task, int32_t exception, int32_t code,
			      uintptr_t subcode);

/* What the kernel's MIG client stubs send through: msg, a request in
 * kernel form (the remote slot a naked send right to copy, bits
 * MACH_MSGH_BITS(COPY_SEND, MAKE_SEND_ONCE), no reply port; body ports
 * naked rights with their dispositions), goes to its destination with a
 * reply port the kernel makes for the call, and the reply comes back
 * into msg (at most rcv_size bytes; its rights are destroyed and the
 * slots that named them cleared).  Blocks until the reply comes, unless
 * the calling thread is interrupted (MACH_SEND_INTERRUPTED,
 * MACH_RCV_INTERRUPTED: terminated or aborted).  Other errors:
 * MACH_SEND_MSG_TOO_SMALL, MACH_SEND_NO_BUFFER, MACH_SEND_INVALID_HEADER,
 * MACH_SEND_INVALID_DEST (no port, or a dead one), MACH_SEND_INVALID_TYPE
 * (a body the kernel cannot send: out-of-line data, a bad descriptor),
 * MACH_RCV_TOO_LARGE, MACH_SEND_NO_BUFFER when out of memory. */
mach_msg_return_t mach_msg_rpc_from_kernel(mach_msg_header_t *msg, uint32_t send_size,
					   uint32_t rcv_size);

#endif
