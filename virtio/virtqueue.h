/* Split virtqueues (virtio 1.x section 2.7), the driver's half.
 *
 * A virtqueue is three rings in memory shared with the device: the
 * descriptor table (buffers), the available ring (chains we offer) and the
 * used ring (chains the device has finished).  This layer only does the
 * bookkeeping: it never allocates memory and never touches a transport.  The
 * caller hands vq_init() a zeroed, physically contiguous block of
 * vq_mem_size(size) bytes and a notify function; that is what lets the host
 * unit tests drive it against a simulated device (virtio/core/vq_sim.h).
 *
 * All supported architectures are little-endian, like virtio 1.x rings, so
 * ring fields are used without byte swapping.
 *
 * Not thread-safe: callers serialise (the console driver disables
 * interrupts around every call). */
#ifndef VIRTIO_VIRTQUEUE_H
#define VIRTIO_VIRTQUEUE_H

#include <kern/types.h>
#include <linux/virtio_ring.h>

#define VQ_MAX_SIZE 32768u   /* largest split-ring size the spec allows */

/* One piece of a buffer chain, by guest-physical address. */
struct vq_sg {
	paddr_t addr;
	uint32_t len;
};

struct virtqueue;
typedef void (*vq_notify_fn)(struct virtqueue *vq);
typedef void (*vq_callback_fn)(struct virtqueue *vq);
struct vq_slot;   /* per-chain driver state, private to virtqueue.c */

struct virtqueue {
	struct vring_desc *desc;     /* shared with the device */
	struct vring_avail *avail;
	struct vring_used *used;
	struct vq_slot *slots;       /* driver-only, indexed by chain head */
	uint16_t size;               /* number of descriptors, a power of 2 */
	uint16_t index;              /* queue number within its device */
	uint16_t free_head;          /* free descriptors, linked through .next */
	uint16_t num_free;
	uint16_t avail_shadow;       /* our copy of avail->idx */
	uint16_t last_used;          /* next used->ring entry to consume */
	uint16_t avail_flags;        /* our copy of avail->flags */
	bool kick_pending;           /* chains published since the last kick */
	vq_notify_fn notify;         /* tell the device to look at the queue */
	vq_callback_fn callback;     /* run by the core when buffers are used */
	void *owner;                 /* the struct virtio_device */
	void *priv;                  /* for the driver */
};

/* Bytes of memory vq_init needs for a queue of size descriptors: the three
 * rings followed by the driver-only slot array. */
size_t vq_mem_size(unsigned size);
/* Lay out a queue over mem (zeroed, 16-byte aligned).  size must be a power
 * of 2 no larger than VQ_MAX_SIZE.  K_EINVAL otherwise. */
int vq_init(struct virtqueue *vq, unsigned index, unsigned size, void *mem,
	    vq_notify_fn notify, void *owner);

/* Offer a chain: sg[0, nout) device-readable, then sg[nout, nout + nin)
 * device-writable.  cookie (not NULL) comes back from vq_get_used.  The chain
 * is visible to the device at once; vq_kick tells it so.
 * K_EINVAL for an empty chain, a zero-length piece, a NULL cookie or a chain
 * longer than the queue; K_ENOSPC if there are not enough free descriptors
 * right now. */
int vq_add(struct virtqueue *vq, const struct vq_sg *sg, unsigned nout,
	   unsigned nin, void *cookie);
/* Notify the device of chains added since the last kick, unless it asked not
 * to be (VRING_USED_F_NO_NOTIFY).  Returns true if notify was called. */
bool vq_kick(struct virtqueue *vq);

/* Take the next finished chain: its cookie and the number of bytes the
 * device wrote.  K_ENOENT if there is none; K_EIO if the device returned a
 * descriptor that is not an outstanding chain head (the entry is skipped). */
int vq_get_used(struct virtqueue *vq, void **cookie, uint32_t *len);
bool vq_has_used(const struct virtqueue *vq);
unsigned vq_num_free(const struct virtqueue *vq);

/* Ask the device not to interrupt for this queue (a hint: it may anyway). */
void vq_disable_interrupts(struct virtqueue *vq);
/* Ask for interrupts again.  Returns true if used chains arrived meanwhile,
 * which the caller must then drain itself: no interrupt is coming for them. */
bool vq_enable_interrupts(struct virtqueue *vq);

#endif
