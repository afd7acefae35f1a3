/* Split virtqueue bookkeeping: the free list, publishing chains, and
 * collecting them back from the used ring.
 *
 * Memory block handed to vq_init, in address order:
 *
 *   desc[size]            16 bytes each        shared, device reads
 *   avail: flags idx ring[size] used_event     shared, device reads
 *   (pad to 64: keep the device-written ring off the driver's cache lines)
 *   used:  flags idx ring[size] avail_event    shared, device writes
 *   slots[size]                                driver only
 *
 * The free list is linked through slots[].next, not through the shared
 * descriptors, so a device that scribbles on descriptors cannot corrupt it. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/string.h>
#include "virtio/virtqueue.h"

struct vq_slot {
	void *cookie;       /* non-NULL while the chain headed here is out */
	uint32_t in_len;    /* device-writable bytes in that chain */
	uint16_t ndesc;     /* descriptors in that chain */
	uint16_t next;      /* free-list and chain link */
};

struct vq_layout {
	size_t avail, used, slots, total;
};

static void vq_layout(unsigned size, struct vq_layout *l)
{
	l->avail = sizeof(struct vring_desc) * size;
	l->used = ALIGN_UP(l->avail + sizeof(struct vring_avail) +
			   sizeof(uint16_t) * (size + 1), 64);
	l->slots = ALIGN_UP(l->used + sizeof(struct vring_used) +
			    sizeof(struct vring_used_elem) * size + sizeof(uint16_t), 16);
	l->total = l->slots + sizeof(struct vq_slot) * size;
}

/* The device reads and writes these concurrently: force single accesses. */
static inline uint16_t ring_read16(const volatile uint16_t *p) { return *p; }
static inline void ring_write16(volatile uint16_t *p, uint16_t v) { *p = v; }

size_t vq_mem_size(unsigned size)
{
	struct vq_layout l;
	vq_layout(size, &l);
	return l.total;
}

int vq_init(struct virtqueue *vq, unsigned index, unsigned size, void *mem,
	    vq_notify_fn notify, void *owner)
{
	struct vq_layout l;

	if (!vq || !mem || !notify || size == 0 || size > VQ_MAX_SIZE ||
	    (size & (size - 1)) != 0 || !IS_ALIGNED((uintptr_t)mem, 16) || index > 0xffff)
		return K_EINVAL;
	vq_layout(size, &l);
	memset(mem, 0, l.total);
	memset(vq, 0, sizeof(*vq));
	vq->desc = mem;
	vq->avail = (struct vring_avail *)((char *)mem + l.avail);
	vq->used = (struct vring_used *)((char *)mem + l.used);
	vq->slots = (struct vq_slot *)((char *)mem + l.slots);
	vq->size = (uint16_t)size;   /* 32768 at most: fits */
	vq->index = (uint16_t)index;
	vq->notify = notify;
	vq->owner = owner;
	for (unsigned i = 0; i < size; i++)
		vq->slots[i].next = (uint16_t)(i + 1);
	vq->free_head = 0;
	vq->num_free = (uint16_t)size;
	return 0;
}

int vq_add(struct virtqueue *vq, const struct vq_sg *sg, unsigned nout,
	   unsigned nin, void *cookie)
{
	unsigned n, k;
	uint16_t head, i, mask = vq->size - 1;
	uint32_t in_len = 0;

	if (!cookie || !sg || nout > vq->size || nin > vq->size)
		return K_EINVAL;
	n = nout + nin;
	if (n == 0 || n > vq->size)
		return K_EINVAL;
	for (k = 0; k < n; k++) {
		if (sg[k].len == 0)
			return K_EINVAL;
		if (k >= nout)
			in_len += sg[k].len;   /* wraps only for absurd chains */
	}
	if (n > vq->num_free)
		return K_ENOSPC;

	/* Fill descriptors from the free list; its order becomes the chain. */
	head = i = vq->free_head;
	for (k = 0; k < n; k++) {
		struct vring_desc *d = &vq->desc[i];
		uint16_t flags = k >= nout ? VRING_DESC_F_WRITE : 0;
		if (k + 1 < n)
			flags |= VRING_DESC_F_NEXT;
		d->addr = sg[k].addr;
		d->len = sg[k].len;
		d->flags = flags;
		d->next = vq->slots[i].next;
		i = vq->slots[i].next;
	}
	vq->free_head = i;
	vq->num_free -= (uint16_t)n;
	vq->slots[head].cookie = cookie;
	vq->slots[head].in_len = in_len;
	vq->slots[head].ndesc = (uint16_t)n;

	vq->avail->ring[vq->avail_shadow & mask] = head;
	/* The device may read the ring entry and descriptors as soon as it sees
	 * the new index: they must be visible first. */
	dma_wmb();
	vq->avail_shadow++;
	ring_write16(&vq->avail->idx, vq->avail_shadow);
	vq->kick_pending = true;
	return 0;
}

bool vq_kick(struct virtqueue *vq)
{
	if (!vq->kick_pending)
		return false;
	vq->kick_pending = false;
	/* Our avail->idx store must be visible before we read the device's
	 * flag: otherwise we could skip a notify the device is waiting for. */
	mb();
	if (ring_read16(&vq->used->flags) & VRING_USED_F_NO_NOTIFY)
		return false;
	vq->notify(vq);
	return true;
}

bool vq_has_used(const struct virtqueue *vq)
{
	return ring_read16(&vq->used->idx) != vq->last_used;
}

unsigned vq_num_free(const struct virtqueue *vq)
{
	return vq->num_free;
}

int vq_get_used(struct virtqueue *vq, void **cookie, uint32_t *len)
{
	uint16_t mask = vq->size - 1;
	uint32_t id, written;
	struct vq_slot *s;

	if (ring_read16(&vq->used->idx) == vq->last_used)
		return K_ENOENT;
	/* Read the index before the entry it covers. */
	dma_rmb();
	id = vq->used->ring[vq->last_used & mask].id;
	written = vq->used->ring[vq->last_used & mask].len;
	vq->last_used++;
	if (id >= vq->size || vq->slots[id].cookie == NULL)
		return K_EIO;

	/* Give the chain back: its tail links to the old free list. */
	s = &vq->slots[id];
	uint16_t tail = (uint16_t)id;
	for (unsigned k = 1; k < s->ndesc; k++)
		tail = vq->slots[tail].next;
	vq->slots[tail].next = vq->free_head;
	vq->free_head = (uint16_t)id;
	vq->num_free += s->ndesc;

	*cookie = s->cookie;
	/* A device claiming more than the buffer held must not make the
	 * driver read past it. */
	*len = written > s->in_len ? s->in_len : written;
	s->cookie = NULL;
	return 0;
}

void vq_disable_interrupts(struct virtqueue *vq)
{
	vq->avail_flags |= VRING_AVAIL_F_NO_INTERRUPT;
	ring_write16(&vq->avail->flags, vq->avail_flags);
}

bool vq_enable_interrupts(struct virtqueue *vq)
{
	vq->avail_flags &= (uint16_t)~VRING_AVAIL_F_NO_INTERRUPT;
	ring_write16(&vq->avail->flags, vq->avail_flags);
	/* The flag store must land before we look for used chains, or a chain
	 * completed in between would raise no interrupt and go unseen. */
	mb();
	return vq_has_used(vq);
}
