/* The simulated device of vq_sim.h. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/string.h>
#include "virtio/core/vq_sim.h"

static inline uint16_t sim_read16(const volatile uint16_t *p) { return *p; }
static inline void sim_write16(volatile uint16_t *p, uint16_t v) { *p = v; }

void vq_sim_attach(struct vq_sim *sim, const struct virtqueue *vq)
{
	sim->desc = vq->desc;
	sim->avail = vq->avail;
	sim->used = vq->used;
	sim->size = vq->size;
	sim->last_avail = 0;
	sim->used_idx = sim_read16(&vq->used->idx);
}

unsigned vq_sim_pending(const struct vq_sim *sim)
{
	return (uint16_t)(sim_read16(&sim->avail->idx) - sim->last_avail);
}

int vq_sim_pop(struct vq_sim *sim, struct vq_sim_req *req)
{
	uint16_t head, i;
	unsigned n;

	if (vq_sim_pending(sim) == 0)
		return K_ENOENT;
	rmb();   /* the index before the entry it covers */
	head = sim->avail->ring[sim->last_avail & (sim->size - 1)];
	sim->last_avail++;
	if (head >= sim->size)
		return K_EIO;

	memset(req, 0, sizeof(*req));
	req->head = head;
	for (i = head, n = 0;; n++) {
		const struct vring_desc *d = &sim->desc[i];
		if (n >= sim->size)
			return K_EIO;   /* a loop */
		if (d->flags & VRING_DESC_F_INDIRECT)
			return K_EIO;   /* never negotiated */
		if (d->flags & VRING_DESC_F_WRITE) {
			req->nin++;
			req->in_len += d->len;
		} else {
			if (req->nin)
				return K_EIO;   /* readable after writable */
			req->nout++;
			req->out_len += d->len;
		}
		if (!(d->flags & VRING_DESC_F_NEXT))
			break;
		if (d->next >= sim->size)
			return K_EIO;
		i = d->next;
	}
	return 0;
}

/* Visit the chain's pieces of one direction, copying through phys_to_virt. */
static size_t sim_copy(const struct vq_sim *sim, const struct vq_sim_req *req,
		       bool writable, void *buf, const void *data, size_t max)
{
	size_t done = 0;
	uint16_t i = req->head;

	for (unsigned n = 0; n < req->nout + req->nin && done < max; n++) {
		const struct vring_desc *d = &sim->desc[i];
		if (!!(d->flags & VRING_DESC_F_WRITE) == writable) {
			size_t chunk = MIN((size_t)d->len, max - done);
			void *mem = phys_to_virt(d->addr);
			if (writable)
				memcpy(mem, (const char *)data + done, chunk);
			else
				memcpy((char *)buf + done, mem, chunk);
			done += chunk;
		}
		i = d->next;
	}
	return done;
}

size_t vq_sim_read(const struct vq_sim *sim, const struct vq_sim_req *req, void *buf, size_t max)
{
	return sim_copy(sim, req, false, buf, NULL, max);
}

size_t vq_sim_write(const struct vq_sim *sim, const struct vq_sim_req *req, const void *data, size_t len)
{
	return sim_copy(sim, req, true, NULL, data, len);
}

void vq_sim_push(struct vq_sim *sim, uint32_t head, uint32_t written)
{
	struct vring_used_elem *e = &sim->used->ring[sim->used_idx & (sim->size - 1)];
	e->id = head;
	e->len = written;
	wmb();   /* the entry before the index that publishes it */
	sim->used_idx++;
	sim_write16(&sim->used->idx, sim->used_idx);
}

void vq_sim_set_no_notify(struct vq_sim *sim, bool on)
{
	sim_write16(&sim->used->flags, on ? VRING_USED_F_NO_NOTIFY : 0);
}

bool vq_sim_interrupt_wanted(const struct vq_sim *sim)
{
	return !(sim_read16(&sim->avail->flags) & VRING_AVAIL_F_NO_INTERRUPT);
}
