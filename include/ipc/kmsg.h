/* Messages in the kernel: GNU Mach's typed message format on LP64 (the
 * x86_64 ABI, used on aarch64 and riscv64 as well), and the translation of
 * the rights a message carries between a space and transit form.
 *
 * User layout (32-byte header, then the body):
 *   msgh_bits, msgh_size            2 x uint32
 *   msgh_remote_port                8 bytes, the name in the low 32 bits
 *   msgh_local_port                 8 bytes (or the protected payload)
 *   msgh_seqno, msgh_id             2 x uint32
 * The body is a sequence of 8-byte type descriptors (mach_msg_type_t;
 * the long form has the same size on LP64) each followed by its data,
 * padded to 8 bytes.  A port right in the body takes an 8-byte slot
 * (msgt_size 64) with the name in its low 32 bits.
 *
 * In the kernel a message keeps the user layout byte for byte, except
 * that every 8-byte port slot (header and body) holds a struct ipc_port
 * pointer for a right in transit: the slots are pointer-sized for that.
 *
 * Out-of-line data (a descriptor without msgt_inline): the descriptor's
 * data is one 8-byte word, the user address of number * size bits.  In
 * the kernel that word holds a struct ipc_ool * (NULL for an empty
 * region): a physical copy of the bytes in kernel pages owned by the
 * kmsg.  Copy-on-write comes with the VM issue; until then OOL memory is
 * copied twice (sender -> kernel -> receiver).  An out-of-line port array
 * (a port disposition, size 32 for packed 4-byte names or 64 for 8-byte
 * slots) is kept as 8-byte slots, one port pointer each, whatever the
 * user element size. */
#ifndef IPC_KMSG_H
#define IPC_KMSG_H

#include <ipc/space.h>
#include <kern/kmem.h>

typedef int mach_msg_return_t;
typedef int32_t mach_msg_option_t;

/* msgh_bits (mach/message.h). */
#define MACH_MSGH_BITS_REMOTE_MASK   0x000000ffu
#define MACH_MSGH_BITS_LOCAL_MASK    0x0000ff00u
#define MACH_MSGH_BITS_COMPLEX       0x80000000u
/* Kernel-internal: the message carries a receive right into its own
 * queue (directly or through ports in transit); it is destroyed instead
 * of being queued, as GNU Mach does.  Never valid from user space. */
#define MACH_MSGH_BITS_CIRCULAR      0x40000000u
#define MACH_MSGH_BITS_PORTS_MASK    (MACH_MSGH_BITS_REMOTE_MASK | MACH_MSGH_BITS_LOCAL_MASK)
#define MACH_MSGH_BITS_USER          (MACH_MSGH_BITS_PORTS_MASK | MACH_MSGH_BITS_COMPLEX)
#define MACH_MSGH_BITS(remote, local) ((remote) | ((local) << 8))
#define MACH_MSGH_BITS_REMOTE(bits)  ((bits) & MACH_MSGH_BITS_REMOTE_MASK)
#define MACH_MSGH_BITS_LOCAL(bits)   (((bits) & MACH_MSGH_BITS_LOCAL_MASK) >> 8)

/* Data type names besides the port dispositions (port.h). */
#define MACH_MSG_TYPE_INTEGER_32       2
#define MACH_MSG_TYPE_PORT_NAME        15
#define MACH_MSG_TYPE_PROTECTED_PAYLOAD 23
#define MACH_MSG_TYPE_LAST             23
#define MACH_MSG_TYPE_PORT_ANY(x) ((x) >= MACH_MSG_TYPE_MOVE_RECEIVE && \
				   (x) <= MACH_MSG_TYPE_MAKE_SEND_ONCE)
#define MACH_MSG_TYPE_PORT_ANY_SEND(x) ((x) >= MACH_MSG_TYPE_MOVE_SEND && \
					(x) <= MACH_MSG_TYPE_MAKE_SEND_ONCE)

/* mach_msg options. */
#define MACH_SEND_MSG       0x00000001
#define MACH_RCV_MSG        0x00000002
#define MACH_SEND_TIMEOUT   0x00000010
#define MACH_SEND_NOTIFY    0x00000020
#define MACH_SEND_INTERRUPT 0x00000040
#define MACH_SEND_CANCEL    0x00000080
#define MACH_RCV_TIMEOUT    0x00000100
#define MACH_RCV_NOTIFY     0x00000200
#define MACH_RCV_INTERRUPT  0x00000400
#define MACH_RCV_LARGE      0x00000800
/* Kernel-internal: send even past the queue limit (kernel replies). */
#define MACH_SEND_ALWAYS    0x00010000

/* mach_msg return codes. */
#define MACH_MSG_SUCCESS             0x00000000
#define MACH_MSG_IPC_SPACE           0x00002000
#define MACH_MSG_IPC_KERNEL          0x00000800
#define MACH_MSG_VM_SPACE            0x00001000
#define MACH_MSG_VM_KERNEL           0x00000400
#define MACH_SEND_INVALID_DATA       0x10000002
#define MACH_SEND_INVALID_DEST       0x10000003
#define MACH_SEND_TIMED_OUT          0x10000004
#define MACH_SEND_WILL_NOTIFY        0x10000005
#define MACH_SEND_NOTIFY_IN_PROGRESS 0x10000006
#define MACH_SEND_INTERRUPTED        0x10000007
#define MACH_SEND_MSG_TOO_SMALL      0x10000008
#define MACH_SEND_INVALID_REPLY      0x10000009
#define MACH_SEND_INVALID_RIGHT      0x1000000a
#define MACH_SEND_INVALID_NOTIFY     0x1000000b
#define MACH_SEND_INVALID_MEMORY     0x1000000c
#define MACH_SEND_NO_BUFFER          0x1000000d
#define MACH_SEND_INVALID_TYPE       0x1000000f
#define MACH_SEND_INVALID_HEADER     0x10000010
#define MACH_RCV_INVALID_NAME        0x10004002
#define MACH_RCV_TIMED_OUT           0x10004003
#define MACH_RCV_TOO_LARGE           0x10004004
#define MACH_RCV_INTERRUPTED         0x10004005
#define MACH_RCV_PORT_CHANGED        0x10004006
#define MACH_RCV_INVALID_DATA        0x10004008
#define MACH_RCV_PORT_DIED           0x10004009
#define MACH_RCV_IN_SET              0x1000400a
#define MACH_RCV_HEADER_ERROR        0x1000400b
#define MACH_RCV_BODY_ERROR          0x1000400c

/* The user header, byte for byte. */
typedef struct {
	uint32_t msgh_bits;
	uint32_t msgh_size;
	union {
		uint32_t msgh_remote_port;
		uint64_t msgh_remote_slot;
	};
	union {
		uint32_t msgh_local_port;
		uint64_t msgh_protected_payload;
	};
	uint32_t msgh_seqno;
	int32_t msgh_id;
} mach_msg_header_t;
_Static_assert(sizeof(mach_msg_header_t) == 32, "GNU Mach LP64 header is 32 bytes");

/* A type descriptor, decoded from its 8 bytes: bits 0-7 name, 8-23 size
 * in bits, 24-28 unused, 29 inline, 30 longform, 31 deallocate; then the
 * element count. */
#define MSGT_NAME(w)       ((w) & 0xffu)
#define MSGT_SIZE(w)       (((w) >> 8) & 0xffffu)
#define MSGT_INLINE        (1u << 29)
#define MSGT_LONGFORM      (1u << 30)
#define MSGT_DEALLOCATE    (1u << 31)
#define MSGT_WORD(name, size, inl) ((uint32_t)(name) | ((uint32_t)(size) << 8) | \
				    ((inl) ? MSGT_INLINE : 0))
typedef struct {
	uint32_t word;
	uint32_t number;
} mach_msg_type_t;
_Static_assert(sizeof(mach_msg_type_t) == 8, "GNU Mach LP64 type descriptor is 8 bytes");

#define MACH_MSG_ALIGN 8

/* A region of out-of-line data held by a kmsg: npages kernel pages
 * (pages[] from kmalloc, or page_alloc for a long list). */
struct ipc_ool {
	struct list link;          /* ipc_kmsg.ool */
	uint64_t size;             /* bytes held (port arrays: 8 per slot) */
	uint64_t user_size;        /* bytes in user memory */
	uintptr_t uaddr;           /* where it came from (the deallocate bit) */
	bool dealloc;
	bool reserved;             /* raddr chosen (0: no room) */
	uintptr_t raddr;           /* where it goes in the receiver */
	uint32_t npages;
	paddr_t *pages;
	paddr_t list_pa;           /* pages[] when it came from page_alloc */
};

/* The most out-of-line data one message may carry (all regions). */
#define IPC_KMSG_OOL_MAX ((uint64_t)64 << 20)

struct ipc_kmsg {
	struct list link;          /* in the port's queue */
	struct list ool;           /* struct ipc_ool regions it owns */
	uint32_t size;             /* bytes of msg */
	uint32_t pages;            /* 0: a kmalloc block; else page_alloc order + 1 */
	/* MACH_SEND_NOTIFY forced this message past the queue limit: the
	 * send-once right its msg-accepted notification goes through when
	 * the message leaves the queue (received or destroyed), and the
	 * sender's space and name for the destination (the entry carries
	 * IE_BITS_MAREQUEST meanwhile; space NULL once that entry is gone,
	 * see ipc/notify.h). */
	struct ipc_port *accepted;
	struct ipc_space *accepted_space;
	mach_port_name_t accepted_name;
	uint32_t pad;
	union {
		mach_msg_header_t hdr;
		uint8_t bytes[sizeof(mach_msg_header_t)];
	} msg;                     /* followed by the body */
};

/* The largest message (inline bytes, header included).  A kmsg is one
 * block: a kmalloc block while it fits, else up to IPC_KMSG_BLOCK_MAX
 * contiguous pages from page_alloc.  16 KiB keeps that an order-2 block
 * (easy to find) while leaving room for the biggest MIG replies of
 * the kernel routines (thread_get_state's largest flavors, a few KiB);
 * anything bigger belongs out of line.  GNU Mach has no fixed limit; a
 * user message above this one gets MACH_SEND_NO_BUFFER here. */
#define IPC_KMSG_BLOCK_MAX ((uint32_t)16384)
#define IPC_KMSG_MAX_SIZE ((uint32_t)(IPC_KMSG_BLOCK_MAX - offsetof(struct ipc_kmsg, msg)))
_Static_assert(IPC_KMSG_MAX_SIZE >= 8192, "MIG replies need 8 KiB inline");
_Static_assert(IPC_KMSG_MAX_SIZE % MACH_MSG_ALIGN == 0, "message sizes are multiples of 8");

/* A kmsg for size bytes of message (checked against the limits: size
 * must be a multiple of 8, at least a header and at most
 * IPC_KMSG_MAX_SIZE), or NULL. */
struct ipc_kmsg *ipc_kmsg_alloc(uint32_t size);
/* Free a kmsg (its rights must be gone: received or destroyed) with its
 * out-of-line regions; a pending msg-accepted notification goes out
 * (ipc_notify_accepted). */
void ipc_kmsg_free(struct ipc_kmsg *kmsg);
/* Give back the few small blocks kept for messages (leak checks). */
void ipc_kmsg_cache_drain(void);

/* The transit rights in the header slots. */
static inline struct ipc_port *ipc_kmsg_dest(const struct ipc_kmsg *kmsg)
{
	return (struct ipc_port *)(uintptr_t)kmsg->msg.hdr.msgh_remote_slot;
}
static inline struct ipc_port *ipc_kmsg_reply(const struct ipc_kmsg *kmsg)
{
	return (struct ipc_port *)(uintptr_t)kmsg->msg.hdr.msgh_protected_payload;
}

/* Read a region of the sender's memory (copyin for a user task). */
typedef int (*ipc_ool_read_fn)(void *ctx, void *dst, uintptr_t src, size_t len);

/* --- Detached regions (kernel routines building replies) ---------------
 * A kernel routine (vm_read, task_threads, mach_port_names ...) runs
 * before its reply kmsg exists, so it fills regions of its own and names
 * them in the reply body's OOL data words; ipc_kmsg_adopt_ool then hands
 * them to the reply.  A port array region holds one 8-byte slot per
 * element: a struct ipc_port * transit right (or NULL / IPC_PORT_DEAD),
 * of the descriptor's transit type. */

/* A detached region of size bytes of zeroed kernel pages (port arrays:
 * 8 bytes per slot), not yet owned by any kmsg; NULL if out of memory or
 * size > IPC_KMSG_OOL_MAX.  size 0 is allowed (no pages), though a reply
 * usually names an empty region with a NULL word instead. */
struct ipc_ool *ipc_ool_alloc(uint64_t size);
/* Free a detached region: its pages and the struct, not the rights in
 * its slots (the caller deals with those).  NULL is ignored. */
void ipc_ool_free(struct ipc_ool *ool);
/* Copy bytes into / out of a region at off; K_EINVAL (nothing copied)
 * when [off, off + len) is not inside the region. */
int ipc_ool_write(struct ipc_ool *ool, uint64_t off, const void *src, size_t len);
int ipc_ool_read(const struct ipc_ool *ool, uint64_t off, void *dst, size_t len);
/* A reply built by a kernel routine in kernel form: link every
 * out-of-line region its body names into kmsg->ool (so copyout and
 * ipc_kmsg_destroy treat them as the kmsg's own).  user_size becomes the
 * region's size for plain data (the descriptor's bytes may be fewer, not
 * more).  A port array (element size 32 or 64: MIG's kernel stubs say
 * 64) reaches the user as packed 32-bit names, its descriptor rewritten
 * to size 32 and user_size number * 4, as GNU Mach's copyout does on
 * x86_64 (MIG's user stubs insist on it); the region must hold number
 * 8-byte slots.
 * Regions already owned by this kmsg are left as they are.  Errors
 * (nothing linked, the kmsg unchanged): MACH_SEND_MSG_TOO_SMALL /
 * MACH_SEND_INVALID_TYPE for a malformed body, MACH_SEND_INVALID_MEMORY
 * for a region that is too small, owned by another kmsg or named twice,
 * MACH_SEND_NO_BUFFER past IPC_KMSG_OOL_MAX in all. */
mach_msg_return_t ipc_kmsg_adopt_ool(struct ipc_kmsg *kmsg);
/* Unlink a region from its kmsg (a kernel routine that keeps or
 * consumes request data, e.g. vm_write): it becomes detached again, the
 * caller's to free, and every data word naming it is cleared so that
 * destroying the kmsg leaves it (and the rights in it) alone. */
void ipc_kmsg_unlink_ool(struct ipc_kmsg *kmsg, struct ipc_ool *ool);

/* Fetch every out-of-line region of a complex message in user form into
 * kernel pages and put the struct ipc_ool pointers in the data words; do
 * this before ipc_kmsg_copyin.  Port arrays come in as names (their
 * rights move in ipc_kmsg_copyin_body).  Nothing in the sender's space or
 * memory changes.  A malformed descriptor stops the fetch quietly:
 * ipc_kmsg_copyin_body reports it as the body error it is.  Errors (the
 * kmsg must then just be freed, nothing was consumed):
 * MACH_SEND_INVALID_MEMORY (an unreadable region),
 * MACH_SEND_NO_BUFFER (past IPC_KMSG_OOL_MAX or out of pages). */
mach_msg_return_t ipc_kmsg_copyin_ool(struct ipc_kmsg *kmsg, ipc_ool_read_fn read, void *ctx);

/* Where out-of-line regions go on receive: allocate size bytes anywhere
 * in the receiver, write into it, take it back after a failed write. */
struct ipc_ool_sink {
	int (*alloc)(void *ctx, uint64_t size, uintptr_t *addr);
	int (*write)(void *ctx, uintptr_t addr, const void *src, size_t len);
	void (*dealloc)(void *ctx, uintptr_t addr, uint64_t size);
	void *ctx;
};

/* Receive, before ipc_kmsg_copyout: choose each region's memory in the
 * receiver.  A port array that finds no room has its rights destroyed
 * here, before any of them gets a name in the receiver's space. */
void ipc_kmsg_copyout_ool_reserve(struct ipc_kmsg *kmsg, const struct ipc_ool_sink *sink);
/* After ipc_kmsg_copyout: write each region into its memory (reserving
 * it now if that was not done) and store its address in the data word.
 * A region that found no room gets address 0 (its data is lost, the rest
 * of the message is still delivered) and the result is
 * MACH_RCV_BODY_ERROR | MACH_MSG_VM_SPACE, as GNU Mach's
 * ipc_kmsg_copyout_body does. */
mach_msg_return_t ipc_kmsg_copyout_ool(struct ipc_kmsg *kmsg, const struct ipc_ool_sink *sink);

/* Check the size fields and the header, then translate the header's
 * rights out of space: on success the remote slot holds the destination
 * (a live port; its transit type in the bits' remote field) and the local
 * slot the reply right (NULL, IPC_PORT_DEAD or a port).  Errors:
 * MACH_SEND_MSG_TOO_SMALL, MACH_SEND_INVALID_HEADER, MACH_SEND_INVALID_DEST,
 * MACH_SEND_INVALID_REPLY; the space is then unchanged. */
mach_msg_return_t ipc_kmsg_copyin_header(struct ipc_space *space, struct ipc_kmsg *kmsg);
/* Translate the body's port rights (complex messages only).  On error the
 * whole message's rights are destroyed (header ones too, as in Mach) and
 * the kmsg must just be freed: MACH_SEND_MSG_TOO_SMALL,
 * MACH_SEND_INVALID_TYPE, MACH_SEND_INVALID_RIGHT.  Each receive right
 * is recorded as travelling to the destination; one that would land in
 * its own queue sets MACH_MSGH_BITS_CIRCULAR (ipc_mqueue_send then
 * destroys the message and the right with it: success for the
 * sender, as in GNU Mach). */
mach_msg_return_t ipc_kmsg_copyin_body(struct ipc_space *space, struct ipc_kmsg *kmsg);
/* Both, the usual way in. */
mach_msg_return_t ipc_kmsg_copyin(struct ipc_space *space, struct ipc_kmsg *kmsg);

/* Give the message's rights to space and rewrite it in user form.  Normal
 * receive: the header is swapped as Mach does (remote = the reply right,
 * local = the destination's receive-right name or the protected payload),
 * seqno set by the caller.  Pseudo receive (a send that timed out or was
 * interrupted): the rights go back to the sender, the header unswapped.
 * A right that finds no room becomes MACH_PORT_NULL (destroyed); the
 * return value then has MACH_MSG_IPC_SPACE or'ed into
 * MACH_RCV_HEADER_ERROR / MACH_RCV_BODY_ERROR. */
mach_msg_return_t ipc_kmsg_copyout(struct ipc_space *space, struct ipc_kmsg *kmsg, bool pseudo);

/* Destroy every right in a message in transit form and free it. */
void ipc_kmsg_destroy(struct ipc_kmsg *kmsg);

#endif
