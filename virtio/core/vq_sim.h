/* A simulated virtio device for testing the driver side of a split
 * virtqueue, shared by the host unit tests and the in-kernel self-test.
 *
 * It plays the device's part by hand, with no thread: the test pops
 * available chains, reads or fills their buffers, and pushes them to the
 * used ring in whatever order it likes.  Buffers are reached through
 * phys_to_virt(), the identity map on the host.  Every chain is checked the
 * way a strict device would (bounded, links in range, readable pieces before
 * writable ones). */
#ifndef VIRTIO_CORE_VQ_SIM_H
#define VIRTIO_CORE_VQ_SIM_H

#include <kern/types.h>
#include "virtio/virtqueue.h"

struct vq_sim {
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t size;
	uint16_t last_avail;   /* next avail->ring entry to take */
	uint16_t used_idx;     /* our copy of used->idx */
};

/* One chain taken from the available ring. */
struct vq_sim_req {
	uint16_t head;
	unsigned nout, nin;        /* readable and writable descriptors */
	uint32_t out_len, in_len;  /* their total byte counts */
};

/* Attach to a queue set up by vq_init (a real device learns the ring
 * addresses from the transport instead). */
void vq_sim_attach(struct vq_sim *sim, const struct virtqueue *vq);
/* Take the next available chain.  K_ENOENT if none, K_EIO if the chain is
 * malformed (the entry is consumed). */
int vq_sim_pop(struct vq_sim *sim, struct vq_sim_req *req);
/* Gather up to max readable bytes of the chain into buf; returns the count. */
size_t vq_sim_read(const struct vq_sim *sim, const struct vq_sim_req *req, void *buf, size_t max);
/* Scatter len bytes into the chain's writable pieces; returns the count. */
size_t vq_sim_write(const struct vq_sim *sim, const struct vq_sim_req *req, const void *data, size_t len);
/* Hand a chain back with the number of bytes written into it. */
void vq_sim_push(struct vq_sim *sim, uint32_t head, uint32_t written);
/* Set or clear VRING_USED_F_NO_NOTIFY ("don't kick me"). */
void vq_sim_set_no_notify(struct vq_sim *sim, bool on);
/* Whether the driver currently wants interrupts (VRING_AVAIL_F_NO_INTERRUPT clear). */
bool vq_sim_interrupt_wanted(const struct vq_sim *sim);
/* Chains the driver has made available that the device has not popped. */
unsigned vq_sim_pending(const struct vq_sim *sim);

#endif
