/* Mach messages for user programs: GNU Mach's LP64 message format (the
 * x86_64 ABI, the same on aarch64 and riscv64), the options and return
 * codes of mach_msg, the port dispositions.  Values are GNU Mach's
 * (mach/message.h); the kernel's side is include/ipc/kmsg.h.  See
 * docs/abi.md.  Out-of-line memory and port arrays are not supported yet. */
#ifndef MACHV_MESSAGE_H
#define MACHV_MESSAGE_H

#include <stdint.h>
#include <machv/trap.h>

typedef uint32_t mach_port_t;
#define MACH_PORT_NULL 0u
#define MACH_PORT_DEAD 0xffffffffu

/* The header: 32 bytes, the port names in 8-byte slots. */
typedef struct {
	uint32_t msgh_bits;
	uint32_t msgh_size;
	union {
		mach_port_t msgh_remote_port;
		uint64_t msgh_remote_slot;
	};
	union {
		mach_port_t msgh_local_port;
		uint64_t msgh_protected_payload;
	};
	uint32_t msgh_seqno;
	int32_t msgh_id;
} mach_msg_header_t;

/* A type descriptor: 8 bytes, data follows padded to 8 bytes. */
typedef struct {
	unsigned int msgt_name : 8, msgt_size : 16, msgt_unused : 5, msgt_inline : 1,
		msgt_longform : 1, msgt_deallocate : 1;
	uint32_t msgt_number;
} mach_msg_type_t;

/* A port right in a message body: the name in the low half of 8 bytes. */
typedef union {
	mach_port_t name;
	uint64_t slot;
} mach_port_name_inlined_t;

#define MACH_MSGH_BITS(remote, local) ((remote) | ((local) << 8))
#define MACH_MSGH_BITS_REMOTE(bits)   ((bits) & 0xff)
#define MACH_MSGH_BITS_LOCAL(bits)    (((bits) >> 8) & 0xff)
#define MACH_MSGH_BITS_COMPLEX        0x80000000u

#define MACH_MSG_TYPE_INTEGER_32     2
#define MACH_MSG_TYPE_MOVE_RECEIVE   16
#define MACH_MSG_TYPE_MOVE_SEND      17
#define MACH_MSG_TYPE_MOVE_SEND_ONCE 18
#define MACH_MSG_TYPE_COPY_SEND      19
#define MACH_MSG_TYPE_MAKE_SEND      20
#define MACH_MSG_TYPE_MAKE_SEND_ONCE 21
#define MACH_MSG_TYPE_PORT_RECEIVE   MACH_MSG_TYPE_MOVE_RECEIVE
#define MACH_MSG_TYPE_PORT_SEND      MACH_MSG_TYPE_MOVE_SEND
#define MACH_MSG_TYPE_PORT_SEND_ONCE MACH_MSG_TYPE_MOVE_SEND_ONCE

#define MACH_SEND_MSG       0x00000001
#define MACH_RCV_MSG        0x00000002
#define MACH_SEND_TIMEOUT   0x00000010
#define MACH_RCV_TIMEOUT    0x00000100
#define MACH_RCV_INTERRUPT  0x00000400
#define MACH_RCV_LARGE      0x00000800

#define MACH_MSG_SUCCESS            0x00000000
#define MACH_SEND_INVALID_DATA      0x10000002
#define MACH_SEND_INVALID_DEST      0x10000003
#define MACH_SEND_TIMED_OUT         0x10000004
#define MACH_SEND_MSG_TOO_SMALL     0x10000008
#define MACH_SEND_INVALID_REPLY     0x10000009
#define MACH_SEND_INVALID_RIGHT     0x1000000a
#define MACH_SEND_INVALID_TYPE      0x1000000f
#define MACH_SEND_INVALID_HEADER    0x10000010
#define MACH_RCV_INVALID_NAME       0x10004002
#define MACH_RCV_TIMED_OUT          0x10004003
#define MACH_RCV_TOO_LARGE          0x10004004
#define MACH_RCV_INVALID_DATA       0x10004008

#define MIG_BAD_ID (-303)

/* An inline descriptor for number elements of size bits. */
static inline mach_msg_type_t mach_msg_type(unsigned name, unsigned size, unsigned number)
{
	mach_msg_type_t t = { .msgt_name = name, .msgt_size = size, .msgt_inline = 1,
			      .msgt_number = number };
	return t;
}

static inline int mach_msg(mach_msg_header_t *msg, int option, unsigned send_size,
			   unsigned rcv_size, mach_port_t rcv_name, unsigned timeout,
			   mach_port_t notify)
{
	return mach_msg_trap(msg, option, send_size, rcv_size, rcv_name, timeout, notify);
}

#endif
