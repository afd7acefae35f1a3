/* virtio-blk (virtio 1.x, 5.2): one request queue, each disk a Mach device
 * "hdN" (include/virtio/blk.h).
 *
 * A request is a chain of three descriptors: the 16-byte header (type,
 * sector; device-readable), the data (readable for OUT, writable for IN;
 * absent for FLUSH) and a status byte the device writes last.  Data goes
 * through the disk's own bounce pages rather than the caller's buffer: the
 * device layer hands drivers kernel buffers of any kind, and a bounce page
 * is known to be physically contiguous and to stay put while the device
 * uses it.
 *
 * Each disk has NSLOTS request slots (header, status byte, one bounce page
 * and a wait queue each), so that many requests, one per calling thread,
 * are at the device at once.  The caller sleeps on its slot's queue; the
 * queue's interrupt collects finished chains and wakes their owners.  A
 * caller that gives up (timeout, thread interrupted) leaves its slot
 * "abandoned": the slot is only reused once the device has returned it,
 * since until then the device may still write into its page.
 *
 * Locking is "interrupts off" around slot and queue state (one CPU, as in
 * the console driver). */
#include <kern/arch.h>
#include <kern/device.h>
#include <kern/errno.h>
#include <kern/kmem.h>
#include <kern/page_alloc.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <kern/timer.h>
#include <kern/waitq.h>
#include <linux/virtio_blk.h>
#include "virtio/virtio.h"
#include "virtio/blk.h"

#define MAX_DISKS    16
#define NSLOTS       8                  /* requests in flight per disk */
#define DESC_PER_REQ 3
#define QUEUE_SIZE   32                 /* >= NSLOTS * DESC_PER_REQ */
#define STATUS_NONE  0xff               /* what no device writes: "no answer" */
/* How long a caller waits for one request.  Generous: TCG on a busy host
 * can be slow, and a lost request only costs the caller this much. */
#define REQ_TIMEOUT_NS (30ULL * NSEC_PER_SEC)

_Static_assert(NSLOTS * DESC_PER_REQ <= QUEUE_SIZE, "a queue holds every slot's chain");
_Static_assert(PAGE_SIZE % VIRTIO_BLK_SECTOR == 0, "bounce pages hold whole sectors");

struct blk_slot {
	bool busy;                   /* owned by a caller or at the device */
	bool at_device;              /* the chain is out */
	bool abandoned;              /* its caller left: free it on completion */
	uint8_t result;              /* the status byte, once back */
	char *data;                  /* bounce page */
	paddr_t data_pa;
	struct waitq wq;             /* the caller waits here */
};

/* What the device reads and writes besides data: kept in one page. */
struct blk_shared {
	struct virtio_blk_outhdr hdr[NSLOTS];
	uint8_t status[NSLOTS];
};
_Static_assert(sizeof(struct blk_shared) <= PAGE_SIZE, "shared state fits a page");

struct blk_disk {
	struct virtio_device *vdev;
	struct virtqueue *vq;
	struct device dev;
	char name[8];
	uint64_t capacity;           /* sectors */
	uint32_t blk_size;           /* preferred block size, informational */
	size_t max_xfer;             /* bytes per request: a page or size_max */
	bool read_only, has_flush;
	unsigned nslots;
	struct blk_slot slots[NSLOTS];
	struct blk_shared *shared;
	paddr_t shared_pa;
	struct waitq slot_wq;        /* callers waiting for a free slot */
	struct virtio_blk_stats stats;
};

static unsigned ndisks;         /* registered: the next disk is hd<ndisks> */

static const struct device_ops blk_ops;

static struct blk_disk *disk_of(const struct device *dev)
{
	return dev && dev->ops == &blk_ops ? dev->priv : NULL;
}

/* --- completion (interrupt context) ---------------------------------- */

static void slot_release(struct blk_disk *d, struct blk_slot *s)
{
	s->busy = false;
	s->abandoned = false;
	/* All: a woken waiter may be leaving (timeout) rather than taking it. */
	waitq_wake_all(&d->slot_wq);
}

static void blk_done(struct virtqueue *vq)
{
	struct blk_disk *d = vq->priv;
	irqflags_t flags = arch_irq_save();
	void *cookie;
	uint32_t len;
	int err;

	while ((err = vq_get_used(vq, &cookie, &len)) != K_ENOENT) {
		if (err < 0)
			continue;   /* not one of our chains: skipped */
		struct blk_slot *s = cookie;
		unsigned i = (unsigned)(s - d->slots);
		s->result = d->shared->status[i];
		if (s->result != VIRTIO_BLK_S_OK)
			d->stats.errors++;
		s->at_device = false;
		d->stats.completions++;
		d->stats.in_flight--;
		if (s->abandoned)
			slot_release(d, s);
		else
			waitq_wake_all(&s->wq);
	}
	arch_irq_restore(flags);
}

/* --- requests -------------------------------------------------------- */

/* Time left until deadline, for waitq_wait (at least 1 ns). */
static uint64_t left(uint64_t deadline)
{
	uint64_t now = clock_ns();
	return now < deadline ? deadline - now : 1;
}

/* Interrupts disabled.  A free slot, waiting for one if need be; NULL if
 * the wait ended otherwise (timeout, interrupted). */
static struct blk_slot *slot_get(struct blk_disk *d, uint64_t deadline)
{
	for (;;) {
		for (unsigned i = 0; i < d->nslots; i++)
			if (!d->slots[i].busy) {
				d->slots[i].busy = true;
				return &d->slots[i];
			}
		if (clock_ns() >= deadline ||
		    waitq_wait(&d->slot_wq, left(deadline)) == WAIT_INTERRUPTED)
			return NULL;
	}
}

/* One request moving xfer bytes (at most max_xfer, a multiple of the
 * sector; 0 for a flush) at sector; buf gives (OUT) or takes (IN) the
 * first len <= xfer of them.  D_*. */
static int blk_request(struct blk_disk *d, uint32_t type, uint64_t sector, void *buf,
		       size_t len, size_t xfer)
{
	uint64_t deadline = clock_ns() + REQ_TIMEOUT_NS;
	irqflags_t flags = arch_irq_save();
	struct blk_slot *s = slot_get(d, deadline);
	if (!s) {
		d->stats.timeouts++;
		arch_irq_restore(flags);
		return D_IO_ERROR;
	}
	arch_irq_restore(flags);

	/* The slot is ours alone until it is queued. */
	unsigned i = (unsigned)(s - d->slots);
	struct virtio_blk_outhdr *hdr = &d->shared->hdr[i];
	hdr->type = type;
	hdr->ioprio = 0;
	hdr->sector = sector;
	d->shared->status[i] = STATUS_NONE;
	if (type == VIRTIO_BLK_T_OUT)
		memcpy(s->data, buf, len);

	paddr_t shared_pa = d->shared_pa;
	struct vq_sg sg[DESC_PER_REQ];
	unsigned n = 0, nout;
	sg[n++] = (struct vq_sg){ shared_pa + (paddr_t)((char *)hdr - (char *)d->shared),
				  sizeof(*hdr) };
	if (xfer)
		sg[n++] = (struct vq_sg){ s->data_pa, (uint32_t)xfer };
	nout = type == VIRTIO_BLK_T_OUT ? 2 : 1;
	sg[n++] = (struct vq_sg){ shared_pa + (paddr_t)(&d->shared->status[i] - (uint8_t *)d->shared), 1 };

	flags = arch_irq_save();
	int err = vq_add(d->vq, sg, nout, n - nout, s);
	if (err < 0) {
		/* Cannot happen: the queue has room for every slot's chain. */
		slot_release(d, s);
		arch_irq_restore(flags);
		return D_IO_ERROR;
	}
	s->at_device = true;
	s->result = STATUS_NONE;
	d->stats.requests++;
	if (++d->stats.in_flight > d->stats.in_flight_max)
		d->stats.in_flight_max = d->stats.in_flight;
	vq_kick(d->vq);

	while (s->at_device) {
		int w = clock_ns() >= deadline ? WAIT_TIMED_OUT : waitq_wait(&s->wq, left(deadline));
		if (w != WAIT_AWAKENED && s->at_device) {
			/* The device still owns the page: the interrupt frees the slot. */
			s->abandoned = true;
			d->stats.timeouts++;
			arch_irq_restore(flags);
			return D_IO_ERROR;
		}
	}
	uint8_t result = s->result;
	arch_irq_restore(flags);

	if (result == VIRTIO_BLK_S_OK && type == VIRTIO_BLK_T_IN)
		memcpy(buf, s->data, len);
	flags = arch_irq_save();
	slot_release(d, s);
	arch_irq_restore(flags);
	/* IOERR, UNSUPP, or no status written at all. */
	return result == VIRTIO_BLK_S_OK ? D_SUCCESS : D_IO_ERROR;
}

/* Read or write len bytes from sector recnum in max_xfer pieces; a
 * transfer running past the end is cut short (*done says where).  Writes
 * are whole sectors; a read may end inside one (an in-band read is at
 * most 128 bytes): the whole sector is read and its head copied. */
static int blk_rw(struct blk_disk *d, uint32_t type, uint64_t recnum, char *buf, size_t len,
		  size_t *done)
{
	*done = 0;
	if (type == VIRTIO_BLK_T_OUT && len % VIRTIO_BLK_SECTOR)
		return D_INVALID_SIZE;
	if (recnum >= d->capacity)
		return D_INVALID_RECNUM;
	uint64_t room = (d->capacity - recnum) * VIRTIO_BLK_SECTOR;
	if (len > room)
		len = (size_t)room;
	while (*done < len) {
		size_t n = MIN(len - *done, d->max_xfer);
		size_t xfer = (n + VIRTIO_BLK_SECTOR - 1) & ~(size_t)(VIRTIO_BLK_SECTOR - 1);
		int rc = blk_request(d, type, recnum + *done / VIRTIO_BLK_SECTOR, buf + *done, n,
				     xfer);
		if (rc != D_SUCCESS)
			return rc;
		*done += n;
	}
	return D_SUCCESS;
}

/* --- device operations ----------------------------------------------- */

static int blk_read(struct device *dev, uint32_t mode, uint64_t recnum, void *buf, size_t len,
		    size_t *done)
{
	return blk_rw(dev->priv, VIRTIO_BLK_T_IN, recnum, buf, len, done);
}

static int blk_write(struct device *dev, uint32_t mode, uint64_t recnum, const void *buf,
		     size_t len, size_t *done)
{
	struct blk_disk *d = dev->priv;

	*done = 0;
	if (d->read_only)
		return D_READ_ONLY;
	/* OUT only reads buf (blk_request copies it into the bounce page). */
	return blk_rw(d, VIRTIO_BLK_T_OUT, recnum, (char *)(uintptr_t)buf, len, done);
}

static int blk_get_status(struct device *dev, uint32_t flavor, int32_t *status, uint32_t *count)
{
	struct blk_disk *d = dev->priv;

	if (flavor != DEV_GET_BLK_INFO)
		return D_INVALID_OPERATION;   /* the generic flavors answer the rest */
	if (*count < VIRTIO_BLK_INFO_COUNT)
		return D_INVALID_SIZE;
	status[0] = (int32_t)(uint32_t)d->capacity;
	status[1] = (int32_t)(uint32_t)(d->capacity >> 32);
	status[2] = VIRTIO_BLK_SECTOR;
	status[3] = (d->read_only ? VIRTIO_BLK_INFO_RO : 0) |
		    (d->has_flush ? VIRTIO_BLK_INFO_FLUSH : 0);
	status[4] = (int32_t)d->blk_size;
	*count = VIRTIO_BLK_INFO_COUNT;
	return D_SUCCESS;
}

static int blk_set_status(struct device *dev, uint32_t flavor, const int32_t *status,
			  uint32_t count)
{
	struct blk_disk *d = dev->priv;

	if (flavor != DEV_SET_BLK_FLUSH)
		return D_INVALID_OPERATION;
	/* Without F_FLUSH the device writes through: nothing to wait for. */
	if (!d->has_flush)
		return D_SUCCESS;
	return blk_request(d, VIRTIO_BLK_T_FLUSH, 0, NULL, 0, 0);
}

static const struct device_ops blk_ops = {
	.read = blk_read,
	.write = blk_write,
	.get_status = blk_get_status,
	.set_status = blk_set_status,
};

/* --- queries --------------------------------------------------------- */

bool virtio_blk_is_disk(const struct device *dev)
{
	return disk_of(dev) != NULL;
}

int virtio_blk_get_stats(const struct device *dev, struct virtio_blk_stats *out)
{
	struct blk_disk *d = disk_of(dev);
	if (!d || !out)
		return K_EINVAL;
	irqflags_t flags = arch_irq_save();
	*out = d->stats;
	arch_irq_restore(flags);
	return K_OK;
}

unsigned virtio_blk_count(void)
{
	return ndisks;
}

/* --- probe ----------------------------------------------------------- */

static int config32(struct virtio_device *vdev, unsigned offset, uint32_t *val)
{
	return virtio_config_read(vdev, offset, 4, val);
}

/* The 64-bit capacity as two 32-bit reads; read again until both halves
 * agree, in case the device resized between them. */
static int read_capacity(struct virtio_device *vdev, uint64_t *out)
{
	unsigned off = offsetof(struct virtio_blk_config, capacity);
	uint32_t lo, hi, hi2;
	int err;

	for (int tries = 0; tries < 4; tries++) {
		if ((err = config32(vdev, off + 4, &hi)) < 0 || (err = config32(vdev, off, &lo)) < 0 ||
		    (err = config32(vdev, off + 4, &hi2)) < 0)
			return err;
		if (hi == hi2) {
			*out = (uint64_t)hi << 32 | lo;
			return 0;
		}
	}
	return K_EIO;
}

static void free_disk(struct blk_disk *d)
{
	for (unsigned i = 0; i < NSLOTS; i++)
		if (d->slots[i].data)
			page_free(d->slots[i].data_pa, 0);
	if (d->shared)
		page_free(d->shared_pa, 0);
	kfree(d);
}

static int blk_probe(struct virtio_device *vdev)
{
	struct blk_disk *d;
	uint32_t val;
	int err;

	if (ndisks == MAX_DISKS)
		return K_ENOSPC;
	d = kzalloc(sizeof(*d));
	if (!d)
		return K_ENOMEM;
	d->vdev = vdev;
	waitq_init(&d->slot_wq);
	if ((err = read_capacity(vdev, &d->capacity)) < 0)
		goto fail;
	d->read_only = virtio_has_feature(vdev, VIRTIO_BLK_F_RO);
	d->has_flush = virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH);
	d->blk_size = VIRTIO_BLK_SECTOR;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_BLK_SIZE) &&
	    config32(vdev, offsetof(struct virtio_blk_config, blk_size), &val) == 0 && val)
		d->blk_size = val;
	/* Our chains have one data segment, so SEG_MAX (>= 1 by the spec)
	 * never limits us; SIZE_MAX may make that segment smaller than a page. */
	d->max_xfer = PAGE_SIZE;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SIZE_MAX) &&
	    config32(vdev, offsetof(struct virtio_blk_config, size_max), &val) == 0 &&
	    val >= VIRTIO_BLK_SECTOR && val < PAGE_SIZE)
		d->max_xfer = val & ~(VIRTIO_BLK_SECTOR - 1);

	paddr_t pa = page_alloc(0);
	if (pa == PADDR_NONE) {
		err = K_ENOMEM;
		goto fail;
	}
	d->shared_pa = pa;
	d->shared = phys_to_virt(pa);
	memset(d->shared, 0, PAGE_SIZE);
	for (unsigned i = 0; i < NSLOTS; i++) {
		waitq_init(&d->slots[i].wq);
		if ((pa = page_alloc(0)) == PADDR_NONE) {
			err = K_ENOMEM;
			goto fail;
		}
		d->slots[i].data_pa = pa;
		d->slots[i].data = phys_to_virt(pa);
	}

	/* On failure the core frees the queue. */
	if ((err = virtio_queue_setup(vdev, 0, QUEUE_SIZE, blk_done, d, &d->vq)) < 0)
		goto fail;
	d->nslots = MIN((unsigned)NSLOTS, vq_num_free(d->vq) / DESC_PER_REQ);
	if (d->nslots == 0) {
		err = K_ENOSPC;   /* a queue too small for one chain */
		goto fail;
	}
	vdev->driver_priv = d;
	return 0;
fail:
	free_disk(d);
	return err;
}

/* The device is live: it becomes hdN. */
static void blk_start(struct virtio_device *vdev)
{
	struct blk_disk *d = vdev->driver_priv;
	unsigned n = ndisks;

	ksnprintf(d->name, sizeof(d->name), "hd%u", n);
	d->dev.name = d->name;
	d->dev.ops = &blk_ops;
	d->dev.flags = d->read_only ? DEVICE_READ_ONLY : 0;
	d->dev.size = d->capacity * VIRTIO_BLK_SECTOR;
	d->dev.record_size = VIRTIO_BLK_SECTOR;
	d->dev.priv = d;
	int err = device_register(&d->dev);
	if (err < 0) {
		/* The device stays live but unused; its memory is kept, since
		 * the queue is still the device's. */
		kprintf("virtio-blk: %s: cannot register %s (%d)\n", vdev->name, d->name, err);
		return;
	}
	ndisks++;
	kprintf("virtio-blk: %s: %s, %llu sectors%s%s\n", vdev->name, d->name,
		(unsigned long long)d->capacity, d->read_only ? ", read-only" : "",
		d->has_flush ? ", write cache" : "");
}

/* Interrupt context: the capacity may have changed (QEMU's block_resize).
 * Requests already checked against the old size are the device's to
 * refuse; later ones see the new size. */
static void blk_config_changed(struct virtio_device *vdev)
{
	struct blk_disk *d = vdev->driver_priv;
	uint64_t cap;

	if (!d || read_capacity(vdev, &cap) < 0 || cap == d->capacity)
		return;
	d->capacity = cap;
	d->dev.size = cap * VIRTIO_BLK_SECTOR;
	kprintf("virtio-blk: %s: %s now has %llu sectors\n", vdev->name, d->name,
		(unsigned long long)cap);
}

const struct virtio_driver virtio_blk_driver = {
	.name = "blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = VIRTIO_FEATURE(VIRTIO_BLK_F_RO) | VIRTIO_FEATURE(VIRTIO_BLK_F_BLK_SIZE) |
		    VIRTIO_FEATURE(VIRTIO_BLK_F_FLUSH) | VIRTIO_FEATURE(VIRTIO_BLK_F_SEG_MAX) |
		    VIRTIO_FEATURE(VIRTIO_BLK_F_SIZE_MAX),
	.probe = blk_probe,
	.start = blk_start,
	.config_changed = blk_config_changed,
};
