/* Messages: validation of the typed format and translation of the rights
 * they carry (see ipc/kmsg.h).  Nothing here blocks or touches user
 * memory, so the host tests run it as is.
 *
 * Out-of-line regions are read and written only through the callbacks
 * the caller passes (copyin and vm_allocate in the kernel, plain memory in
 * the host tests).
 *
 * Error semantics follow GNU Mach's ipc_kmsg_copyin: a header error leaves
 * the sender's space as it was; a body error destroys the rights the
 * message had taken so far, the header's included. */
#include <ipc/kmsg.h>
#include <ipc/notify.h>
#include <ipc/right.h>
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/page_alloc.h>
#include <kern/string.h>

/* The page_alloc order of a block of bytes. */
static unsigned bytes_order(size_t bytes)
{
	unsigned order = 0;
	while (((size_t)PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

/* Small messages (every RPC's request and reply, most notifications)
 * come from a few blocks of one size kept aside, so the common message
 * costs no trip through the allocator. */
#define KMSG_SMALL_BLOCK 256
#define KMSG_SMALL_KEEP  8
#define KMSG_SMALL_PAGES UINT32_MAX   /* kmsg->pages of such a block */
static void *small_blocks[KMSG_SMALL_KEEP];
static unsigned nsmall;

static void *small_get(void)
{
	void *block = NULL;
	irqflags_t f = arch_irq_save();
	if (nsmall)
		block = small_blocks[--nsmall];
	arch_irq_restore(f);
	return block ? block : kmalloc(KMSG_SMALL_BLOCK);
}

static void small_put(void *block)
{
	irqflags_t f = arch_irq_save();
	if (nsmall < KMSG_SMALL_KEEP) {
		small_blocks[nsmall++] = block;
		block = NULL;
	}
	arch_irq_restore(f);
	kfree(block);
}

void ipc_kmsg_cache_drain(void)
{
	irqflags_t f = arch_irq_save();
	while (nsmall)
		kfree(small_blocks[--nsmall]);
	arch_irq_restore(f);
}

struct ipc_kmsg *ipc_kmsg_alloc(uint32_t size)
{
	if (size < sizeof(mach_msg_header_t) || size > IPC_KMSG_MAX_SIZE ||
	    size % MACH_MSG_ALIGN != 0)
		return NULL;
	size_t block = offsetof(struct ipc_kmsg, msg) + size;
	struct ipc_kmsg *kmsg;
	uint32_t pages = 0;
	if (block <= KMSG_SMALL_BLOCK) {
		kmsg = small_get();
		pages = KMSG_SMALL_PAGES;
	} else if (block <= KMALLOC_MAX) {
		kmsg = kmalloc(block);
	} else {
		/* Big messages (MIG replies with large inline arrays) take
		 * whole pages. */
		unsigned order = bytes_order(block);
		paddr_t pa = page_alloc(order);
		kmsg = pa == PADDR_NONE ? NULL : phys_to_virt(pa);
		pages = order + 1;
	}
	if (kmsg == NULL)
		return NULL;
	list_init(&kmsg->link);
	list_init(&kmsg->ool);
	kmsg->size = size;
	kmsg->pages = pages;
	kmsg->accepted = NULL;
	kmsg->accepted_space = NULL;
	kmsg->accepted_name = MACH_PORT_NULL;
	kmsg->pad = 0;
	return kmsg;
}

/* --- out-of-line regions ------------------------------------------------- */

/* The page list of n entries: kmalloc while it fits, else whole pages. */
static unsigned list_order(uint32_t n)
{
	return bytes_order((size_t)n * sizeof(paddr_t));
}

static bool list_in_kmalloc(uint32_t n)
{
	return (size_t)n * sizeof(paddr_t) <= KMALLOC_MAX;
}

void ipc_ool_free(struct ipc_ool *ool)
{
	if (ool == NULL)
		return;
	for (uint32_t i = 0; i < ool->npages; i++)
		if (ool->pages[i] != PADDR_NONE)
			page_free(ool->pages[i], 0);
	if (ool->pages == NULL || list_in_kmalloc(ool->npages))
		kfree(ool->pages);
	else
		page_free(ool->list_pa, list_order(ool->npages));
	kfree(ool);
}

void ipc_kmsg_free(struct ipc_kmsg *kmsg)
{
	ipc_notify_accepted(kmsg);
	while (!list_empty(&kmsg->ool)) {
		struct ipc_ool *ool = list_entry(kmsg->ool.next, struct ipc_ool, link);
		list_remove(&ool->link);
		ipc_ool_free(ool);
	}
	if (kmsg->pages == KMSG_SMALL_PAGES)
		small_put(kmsg);
	else if (kmsg->pages)
		page_free(virt_to_phys(kmsg), kmsg->pages - 1);
	else
		kfree(kmsg);
}

/* A region of size kernel bytes, its page list filled in but its pages
 * not yet allocated (all PADDR_NONE), or NULL. */
static struct ipc_ool *ool_new(uint64_t size)
{
	if (size > IPC_KMSG_OOL_MAX)
		return NULL;
	struct ipc_ool *ool = kzalloc(sizeof(*ool));
	if (ool == NULL)
		return NULL;
	list_init(&ool->link);
	ool->size = size;
	uint32_t n = (uint32_t)((size + PAGE_SIZE - 1) / PAGE_SIZE);
	if (n == 0) {
		ool->pages = NULL;
	} else if (list_in_kmalloc(n)) {
		ool->pages = kmalloc((size_t)n * sizeof(paddr_t));
	} else {
		ool->list_pa = page_alloc(list_order(n));
		ool->pages = ool->list_pa == PADDR_NONE ? NULL : phys_to_virt(ool->list_pa);
	}
	if (n != 0 && ool->pages == NULL) {
		kfree(ool);
		return NULL;
	}
	ool->npages = n;
	for (uint32_t i = 0; i < n; i++)
		ool->pages[i] = PADDR_NONE;
	return ool;
}

/* Fill the page list; false when out of pages (the ones got so far stay
 * listed, for ipc_ool_free). */
static bool ool_fill(struct ipc_ool *ool, bool zero)
{
	for (uint32_t i = 0; i < ool->npages; i++) {
		ool->pages[i] = page_alloc(0);
		if (ool->pages[i] == PADDR_NONE)
			return false;
		if (zero)
			memset(phys_to_virt(ool->pages[i]), 0, PAGE_SIZE);
	}
	return true;
}

struct ipc_ool *ipc_ool_alloc(uint64_t size)
{
	struct ipc_ool *ool = ool_new(size);
	if (ool && !ool_fill(ool, true)) {
		ipc_ool_free(ool);
		return NULL;
	}
	return ool;
}

/* A region of size kernel bytes, owned by kmsg (freed with it).  Its
 * bytes are all overwritten by the caller, so they are not zeroed. */
static struct ipc_ool *ool_alloc(struct ipc_kmsg *kmsg, uint64_t size)
{
	struct ipc_ool *ool = ool_new(size);
	if (ool == NULL)
		return NULL;
	list_push_back(&kmsg->ool, &ool->link);
	if (!ool_fill(ool, false))
		return NULL;   /* the kmsg frees what it got */
	return ool;
}

/* The kernel bytes at off (within one page: len up to the page's end). */
static uint8_t *ool_at(const struct ipc_ool *ool, uint64_t off)
{
	return (uint8_t *)phys_to_virt(ool->pages[off / PAGE_SIZE]) + off % PAGE_SIZE;
}

/* Copy between a region and a buffer, page by page. */
static int ool_copy(const struct ipc_ool *ool, uint64_t off, void *buf, size_t len, bool in)
{
	if (off > ool->size || len > ool->size - off)
		return K_EINVAL;
	uint8_t *b = buf;
	while (len > 0) {
		size_t n = MIN((uint64_t)len, PAGE_SIZE - off % PAGE_SIZE);
		if (in)
			memcpy(ool_at(ool, off), b, n);
		else
			memcpy(b, ool_at(ool, off), n);
		off += n;
		b += n;
		len -= n;
	}
	return K_OK;
}

int ipc_ool_write(struct ipc_ool *ool, uint64_t off, const void *src, size_t len)
{
	return ool_copy(ool, off, (void *)(uintptr_t)src, len, true);
}

int ipc_ool_read(const struct ipc_ool *ool, uint64_t off, void *dst, size_t len)
{
	return ool_copy(ool, off, dst, len, false);
}

static uint64_t *ool_slot(const struct ipc_ool *ool, uint32_t i)
{
	return (uint64_t *)(void *)ool_at(ool, (uint64_t)i * 8);
}

static struct ipc_ool *ool_of(const uint64_t *word)
{
	return (struct ipc_ool *)(uintptr_t)*word;
}

static uint64_t *slot_at(struct ipc_kmsg *kmsg, uint32_t off)
{
	return (uint64_t *)(void *)(kmsg->msg.bytes + off);
}

/* --- the body ------------------------------------------------------------ */

/* One decoded descriptor. */
struct desc {
	mach_msg_type_t *t;
	mach_msg_type_name_t name;
	uint32_t bits;
	bool inl;
	uint64_t bytes;        /* user bytes of the data: number * bits / 8 */
	uint32_t data;         /* offset of the data (or of the OOL word) */
	uint32_t next;         /* offset of the next descriptor */
};

/* Decode the descriptor at off, checking what can be checked in either
 * form (user or kernel). */
static mach_msg_return_t desc_decode(struct ipc_kmsg *kmsg, uint32_t off, struct desc *d)
{
	uint32_t size = kmsg->size;
	if (size - off < sizeof(mach_msg_type_t))
		return MACH_SEND_MSG_TOO_SMALL;
	d->t = (mach_msg_type_t *)(void *)(kmsg->msg.bytes + off);
	d->name = MSGT_NAME(d->t->word);
	d->bits = MSGT_SIZE(d->t->word);
	d->inl = (d->t->word & MSGT_INLINE) != 0;
	if (d->name > MACH_MSG_TYPE_LAST)
		return MACH_SEND_INVALID_TYPE;
	if (MACH_MSG_TYPE_PORT_ANY(d->name) &&
	    (d->inl ? d->bits != 64 : d->bits != 64 && d->bits != 32))
		return MACH_SEND_INVALID_TYPE;
	d->bytes = ((uint64_t)d->t->number * d->bits + 7) / 8;
	uint64_t len = d->inl ? ALIGN_UP(d->bytes, (uint64_t)MACH_MSG_ALIGN) : 8;
	d->data = off + (uint32_t)sizeof(mach_msg_type_t);
	if (len > size - d->data)
		return MACH_SEND_MSG_TOO_SMALL;
	d->next = d->data + (uint32_t)len;
	return MACH_MSG_SUCCESS;
}

/* Called for each port slot of the body (inline or out of line). */
typedef void (*slot_fn)(struct ipc_space *space, uint64_t *slot,
			mach_msg_type_name_t type, void *arg);

/* Walk a complex message in kernel form, calling fn on every port slot
 * with the descriptor's name read as a transit type. */
static mach_msg_return_t body_walk(struct ipc_space *space, struct ipc_kmsg *kmsg, slot_fn fn, void *arg)
{
	uint32_t off = sizeof(mach_msg_header_t);
	while (off < kmsg->size) {
		struct desc d;
		mach_msg_return_t mr = desc_decode(kmsg, off, &d);
		if (mr != MACH_MSG_SUCCESS)
			return mr;
		if (MACH_MSG_TYPE_PORT_ANY(d.name) && fn) {
			mach_msg_type_name_t type = ipc_right_transit_type(d.name);
			struct ipc_ool *ool = d.inl ? NULL : ool_of(slot_at(kmsg, d.data));
			for (uint32_t i = 0; i < d.t->number; i++) {
				if (d.inl)
					fn(space, slot_at(kmsg, d.data + 8 * i), type, arg);
				else if (ool)
					fn(space, ool_slot(ool, i), type, arg);
			}
		}
		off = d.next;
	}
	return MACH_MSG_SUCCESS;
}

/* Copyin of every slot; after the first failure the remaining slots are
 * nulled so that one destroy walk undoes exactly what was taken. */
struct copyin_state {
	mach_msg_type_name_t disposition;
	mach_msg_return_t mr;
};

static void slot_copyin(struct ipc_space *space, uint64_t *slot, mach_msg_type_name_t type, void *arg)
{
	struct copyin_state *st = arg;
	mach_port_name_t name = (mach_port_name_t)*slot;
	struct ipc_port *port;
	(void)type;
	if (st->mr != MACH_MSG_SUCCESS)
		port = NULL;
	else if (name == MACH_PORT_NULL)
		port = NULL;
	else if (name == MACH_PORT_DEAD)
		port = IPC_PORT_DEAD;
	else if (ipc_right_copyin(space, name, st->disposition, true, &port) != KERN_SUCCESS) {
		st->mr = MACH_SEND_INVALID_RIGHT;
		port = NULL;
	}
	*slot = (uint64_t)(uintptr_t)port;
}

static void slot_destroy(struct ipc_space *space, uint64_t *slot,
			 mach_msg_type_name_t type, void *arg)
{
	(void)space;
	(void)arg;
	ipc_right_destroy_transit((struct ipc_port *)(uintptr_t)*slot, type);
	*slot = 0;
}

static void destroy_header(struct ipc_kmsg *kmsg)
{
	uint32_t bits = kmsg->msg.hdr.msgh_bits;
	struct ipc_port *dest = ipc_kmsg_dest(kmsg), *reply = ipc_kmsg_reply(kmsg);
	ipc_right_destroy_transit(dest, MACH_MSGH_BITS_REMOTE(bits));
	if (MACH_MSGH_BITS_LOCAL(bits) != MACH_MSG_TYPE_PROTECTED_PAYLOAD)
		ipc_right_destroy_transit(reply, MACH_MSGH_BITS_LOCAL(bits));
	kmsg->msg.hdr.msgh_remote_slot = 0;
	kmsg->msg.hdr.msgh_protected_payload = 0;
}

/* A receive right travelling to the message's destination: one that
 * would end up in its own queue marks the message circular. */
static void slot_circularity(struct ipc_space *space, uint64_t *slot,
			     mach_msg_type_name_t type, void *arg)
{
	struct ipc_kmsg *kmsg = arg;
	struct ipc_port *port = (struct ipc_port *)(uintptr_t)*slot;
	(void)space;
	if (type == MACH_MSG_TYPE_PORT_RECEIVE && IPC_PORT_VALID(port) &&
	    ipc_port_check_circularity(port, ipc_kmsg_dest(kmsg)))
		kmsg->msg.hdr.msgh_bits |= MACH_MSGH_BITS_CIRCULAR;
}

/* Is the OOL word of every out-of-line descriptor a region this kmsg
 * owns (or NULL)?  ipc_kmsg_copyin_ool made it so; a kmsg built by hand
 * without it must not have the kernel follow user addresses. */
static bool ool_owned(struct ipc_kmsg *kmsg, struct ipc_ool *ool)
{
	if (ool == NULL)
		return true;
	list_foreach(it, &kmsg->ool)
		if (list_entry(it, struct ipc_ool, link) == ool)
			return true;
	return false;
}

mach_msg_return_t ipc_kmsg_copyin_body(struct ipc_space *space, struct ipc_kmsg *kmsg)
{
	if (!(kmsg->msg.hdr.msgh_bits & MACH_MSGH_BITS_COMPLEX))
		return MACH_MSG_SUCCESS;

	/* First a dry walk: the structure must be sound before any right
	 * moves.  Then each port descriptor's rights come in with its
	 * disposition, and its name becomes their transit type. */
	mach_msg_return_t mr = MACH_MSG_SUCCESS;
	uint32_t off = sizeof(mach_msg_header_t);
	while (mr == MACH_MSG_SUCCESS && off < kmsg->size) {
		struct desc d;
		mr = desc_decode(kmsg, off, &d);
		if (mr == MACH_MSG_SUCCESS && !d.inl && !ool_owned(kmsg, ool_of(slot_at(kmsg, d.data))))
			mr = MACH_SEND_INVALID_TYPE;
		off = d.next;
	}
	if (mr == MACH_MSG_SUCCESS) {
		struct copyin_state st = { 0, MACH_MSG_SUCCESS };
		off = sizeof(mach_msg_header_t);
		while (off < kmsg->size) {
			struct desc d;
			desc_decode(kmsg, off, &d);
			if (MACH_MSG_TYPE_PORT_ANY(d.name)) {
				st.disposition = d.name;
				struct ipc_ool *ool = d.inl ? NULL : ool_of(slot_at(kmsg, d.data));
				for (uint32_t i = 0; i < d.t->number; i++) {
					if (d.inl)
						slot_copyin(space, slot_at(kmsg, d.data + 8 * i), 0, &st);
					else if (ool)
						slot_copyin(space, ool_slot(ool, i), 0, &st);
				}
				d.t->word = (d.t->word & ~0xffu) | ipc_right_transit_type(d.name);
			}
			off = d.next;
		}
		mr = st.mr;
		if (mr != MACH_MSG_SUCCESS)
			body_walk(space, kmsg, slot_destroy, NULL);
		else
			body_walk(space, kmsg, slot_circularity, kmsg);
	}
	if (mr != MACH_MSG_SUCCESS) {
		destroy_header(kmsg);
		/* Nothing in transit is left; the message must just be freed. */
		kmsg->msg.hdr.msgh_bits &= ~(MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS_PORTS_MASK);
	}
	return mr;
}

mach_msg_return_t ipc_kmsg_copyin_ool(struct ipc_kmsg *kmsg, ipc_ool_read_fn read, void *ctx)
{
	if (!(kmsg->msg.hdr.msgh_bits & MACH_MSGH_BITS_COMPLEX))
		return MACH_MSG_SUCCESS;
	uint64_t total = 0;
	uint32_t off = sizeof(mach_msg_header_t);
	while (off < kmsg->size) {
		struct desc d;
		/* A malformed descriptor is a body error, reported by
		 * ipc_kmsg_copyin_body with GNU Mach's rule; the regions
		 * before it are fetched, the ones after it never looked at. */
		if (desc_decode(kmsg, off, &d) != MACH_MSG_SUCCESS)
			break;
		off = d.next;
		if (d.inl)
			continue;
		uint64_t *word = slot_at(kmsg, d.data);
		uintptr_t uaddr = (uintptr_t)*word;
		bool ports = MACH_MSG_TYPE_PORT_ANY(d.name);
		uint64_t ksize = ports ? (uint64_t)d.t->number * 8 : d.bytes;
		total += ksize;
		if (total > IPC_KMSG_OOL_MAX)
			return MACH_SEND_NO_BUFFER;
		*word = 0;
		if (ksize == 0)
			continue;
		struct ipc_ool *ool = ool_alloc(kmsg, ksize);
		if (ool == NULL)
			return MACH_SEND_NO_BUFFER;
		ool->uaddr = uaddr;
		ool->user_size = d.bytes;
		ool->dealloc = (d.t->word & MSGT_DEALLOCATE) != 0;
		*word = (uint64_t)(uintptr_t)ool;
		if (!ports) {
			for (uint64_t at = 0; at < ksize; at += PAGE_SIZE)
				if (read(ctx, ool_at(ool, at), uaddr + at, MIN((uint64_t)PAGE_SIZE, ksize - at)) != 0)
					return MACH_SEND_INVALID_MEMORY;
			continue;
		}
		/* Names, a chunk at a time, widened to 8-byte slots. */
		uint32_t esize = d.bits / 8, chunk[32];
		uint64_t wide[32];
		for (uint32_t i = 0; i < d.t->number; ) {
			uint32_t n = MIN(d.t->number - i, 32u);
			int err = esize == 4 ? read(ctx, chunk, uaddr + (uint64_t)i * 4, n * 4)
					     : read(ctx, wide, uaddr + (uint64_t)i * 8, n * 8);
			if (err != 0)
				return MACH_SEND_INVALID_MEMORY;
			for (uint32_t k = 0; k < n; k++)
				*ool_slot(ool, i + k) = esize == 4 ? chunk[k] : (uint32_t)wide[k];
			i += n;
		}
	}
	return MACH_MSG_SUCCESS;
}

/* --- regions a kernel routine made -------------------------------------- */

/* Does a descriptor before limit name ool already? */
static bool ool_named_before(struct ipc_kmsg *kmsg, uint32_t limit, const struct ipc_ool *ool)
{
	uint32_t off = sizeof(mach_msg_header_t);
	while (off < limit) {
		struct desc d;
		if (desc_decode(kmsg, off, &d) != MACH_MSG_SUCCESS)
			return false;
		if (!d.inl && ool_of(slot_at(kmsg, d.data)) == ool)
			return true;
		off = d.next;
	}
	return false;
}

mach_msg_return_t ipc_kmsg_adopt_ool(struct ipc_kmsg *kmsg)
{
	if (!(kmsg->msg.hdr.msgh_bits & MACH_MSGH_BITS_COMPLEX))
		return MACH_MSG_SUCCESS;
	/* Check every descriptor first, then link: an error leaves the
	 * regions detached, still the routine's to free. */
	uint64_t total = 0;
	for (int pass = 0; pass < 2; pass++) {
		uint32_t off = sizeof(mach_msg_header_t);
		while (off < kmsg->size) {
			struct desc d;
			mach_msg_return_t mr = desc_decode(kmsg, off, &d);
			if (mr != MACH_MSG_SUCCESS)
				return mr;
			uint32_t here = off;
			off = d.next;
			if (d.inl)
				continue;
			uint64_t *word = slot_at(kmsg, d.data);
			struct ipc_ool *ool = ool_of(word);
			if (ool == NULL)
				continue;
			bool ports = MACH_MSG_TYPE_PORT_ANY(d.name);
			uint64_t need = ports ? (uint64_t)d.t->number * 8 : d.bytes;
			bool owned = ool_owned(kmsg, ool);
			if (pass == 0) {
				if (ool->size < need || ool_named_before(kmsg, here, ool) ||
				    (!owned && !list_empty(&ool->link)))
					return MACH_SEND_INVALID_MEMORY;
				total += ool->size;
				if (total > IPC_KMSG_OOL_MAX)
					return MACH_SEND_NO_BUFFER;
				continue;
			}
			if (owned)
				continue;
			/* MIG's kernel stubs describe port arrays with the
			 * kernel's 64-bit mach_port_t; the user's are 32-bit
			 * names (GNU Mach's copyout makes them so). */
			if (ports)
				d.t->word = (d.t->word & ~((uint32_t)0xffff << 8)) | (32u << 8);
			ool->user_size = ports ? (uint64_t)d.t->number * 4 : ool->size;
			ool->uaddr = 0;
			ool->dealloc = false;
			ool->reserved = false;
			ool->raddr = 0;
			list_push_back(&kmsg->ool, &ool->link);
			/* An empty region goes with the kmsg; the receiver
			 * sees a null address, as for a user's empty one. */
			if (ool->user_size == 0)
				*word = 0;
		}
	}
	return MACH_MSG_SUCCESS;
}

void ipc_kmsg_unlink_ool(struct ipc_kmsg *kmsg, struct ipc_ool *ool)
{
	if (ool == NULL || !ool_owned(kmsg, ool))
		return;
	if (kmsg->msg.hdr.msgh_bits & MACH_MSGH_BITS_COMPLEX) {
		uint32_t off = sizeof(mach_msg_header_t);
		while (off < kmsg->size) {
			struct desc d;
			if (desc_decode(kmsg, off, &d) != MACH_MSG_SUCCESS)
				break;
			if (!d.inl && ool_of(slot_at(kmsg, d.data)) == ool)
				*slot_at(kmsg, d.data) = 0;
			off = d.next;
		}
	}
	list_remove(&ool->link);
	list_init(&ool->link);
}

/* Receiver memory for one region: on no room a port array's rights are
 * destroyed at once (GNU Mach's rule), so that no name reaches the
 * receiver for an array it will never see. */
static void ool_reserve(const struct desc *d, struct ipc_ool *ool, const struct ipc_ool_sink *sink)
{
	ool->reserved = true;
	ool->raddr = 0;
	if (sink->alloc(sink->ctx, ool->user_size, &ool->raddr) == 0)
		return;
	ool->raddr = 0;
	if (MACH_MSG_TYPE_PORT_ANY(d->name)) {
		mach_msg_type_name_t type = ipc_right_transit_type(d->name);
		for (uint32_t i = 0; i < d->t->number; i++)
			slot_destroy(NULL, ool_slot(ool, i), type, NULL);
	}
}

void ipc_kmsg_copyout_ool_reserve(struct ipc_kmsg *kmsg, const struct ipc_ool_sink *sink)
{
	if (!(kmsg->msg.hdr.msgh_bits & MACH_MSGH_BITS_COMPLEX))
		return;
	uint32_t off = sizeof(mach_msg_header_t);
	while (off < kmsg->size) {
		struct desc d;
		if (desc_decode(kmsg, off, &d) != MACH_MSG_SUCCESS)
			break;
		off = d.next;
		struct ipc_ool *ool = d.inl ? NULL : ool_of(slot_at(kmsg, d.data));
		if (ool && !ool->reserved)
			ool_reserve(&d, ool, sink);
	}
}

mach_msg_return_t ipc_kmsg_copyout_ool(struct ipc_kmsg *kmsg, const struct ipc_ool_sink *sink)
{
	if (!(kmsg->msg.hdr.msgh_bits & MACH_MSGH_BITS_COMPLEX))
		return MACH_MSG_SUCCESS;
	mach_msg_return_t result = MACH_MSG_SUCCESS;
	uint32_t off = sizeof(mach_msg_header_t);
	while (off < kmsg->size) {
		struct desc d;
		if (desc_decode(kmsg, off, &d) != MACH_MSG_SUCCESS)
			break;
		off = d.next;
		if (d.inl)
			continue;
		uint64_t *word = slot_at(kmsg, d.data);
		struct ipc_ool *ool = ool_of(word);
		*word = 0;
		if (ool == NULL)
			continue;
		if (!ool->reserved)
			ool_reserve(&d, ool, sink);
		uintptr_t addr = ool->raddr;
		int err = addr == 0 ? -1 : 0;
		if (err == 0 && !MACH_MSG_TYPE_PORT_ANY(d.name)) {
			for (uint64_t at = 0; err == 0 && at < ool->size; at += PAGE_SIZE)
				err = sink->write(sink->ctx, addr + at, ool_at(ool, at),
						  MIN((uint64_t)PAGE_SIZE, ool->size - at));
		} else if (err == 0) {
			/* Names back in the element size the sender used. */
			uint32_t esize = d.bits / 8, chunk[32];
			uint64_t wide[32];
			for (uint32_t i = 0; err == 0 && i < d.t->number; ) {
				uint32_t n = MIN(d.t->number - i, 32u);
				for (uint32_t k = 0; k < n; k++) {
					chunk[k] = (uint32_t)*ool_slot(ool, i + k);
					wide[k] = chunk[k];
				}
				err = esize == 4 ? sink->write(sink->ctx, addr + (uint64_t)i * 4, chunk, n * 4)
						 : sink->write(sink->ctx, addr + (uint64_t)i * 8, wide, n * 8);
				i += n;
			}
		}
		if (err != 0) {
			if (addr != 0)
				sink->dealloc(sink->ctx, addr, ool->user_size);
			addr = 0;
			result = MACH_RCV_BODY_ERROR | MACH_MSG_VM_SPACE;
		}
		*word = addr;
	}
	return result;
}

/* --- the header ---------------------------------------------------------- */

/* Put back a right copyin took under name (an error after it). */
static void undo_copyin(struct ipc_space *space, mach_port_name_t name,
			mach_msg_type_name_t disposition, struct ipc_port *port)
{
	mach_msg_type_name_t type = ipc_right_transit_type(disposition);
	if ((disposition == MACH_MSG_TYPE_MOVE_SEND || disposition == MACH_MSG_TYPE_MOVE_SEND_ONCE) &&
	    IPC_PORT_VALID(port) &&
	    ipc_right_copyout_name(space, port, type, name) == KERN_SUCCESS)
		return;
	if (!IPC_PORT_VALID(port))
		return;
	/* A right made or copied here: as if it had never been (no
	 * notification). */
	switch (disposition) {
	case MACH_MSG_TYPE_MAKE_SEND:
		port->mscount--;
		/* fall through */
	case MACH_MSG_TYPE_COPY_SEND:
		port->srights--;
		ipc_port_release(port);
		return;
	case MACH_MSG_TYPE_MAKE_SEND_ONCE:
		ipc_port_release_sonce(port);
		return;
	}
	ipc_right_destroy_transit(port, type);
}

mach_msg_return_t ipc_kmsg_copyin_header(struct ipc_space *space, struct ipc_kmsg *kmsg)
{
	mach_msg_header_t *h = &kmsg->msg.hdr;
	if (kmsg->size < sizeof(*h) || kmsg->size % MACH_MSG_ALIGN != 0)
		return MACH_SEND_MSG_TOO_SMALL;
	uint32_t bits = h->msgh_bits;
	mach_msg_type_name_t dest_type = MACH_MSGH_BITS_REMOTE(bits);
	mach_msg_type_name_t reply_type = MACH_MSGH_BITS_LOCAL(bits);
	mach_port_name_t dest_name = (mach_port_name_t)h->msgh_remote_slot;
	mach_port_name_t reply_name = (mach_port_name_t)h->msgh_protected_payload;

	if ((bits & ~MACH_MSGH_BITS_USER) != 0 || !MACH_MSG_TYPE_PORT_ANY_SEND(dest_type) ||
	    (reply_type == 0 ? reply_name != MACH_PORT_NULL
			     : !MACH_MSG_TYPE_PORT_ANY_SEND(reply_type)))
		return MACH_SEND_INVALID_HEADER;
	if (!MACH_PORT_VALID(dest_name))
		return MACH_SEND_INVALID_DEST;

	struct ipc_port *dest, *reply;
	if (ipc_right_copyin(space, dest_name, dest_type, false, &dest) != KERN_SUCCESS)
		return MACH_SEND_INVALID_DEST;
	if (reply_name == MACH_PORT_NULL) {
		reply = NULL;
	} else if (reply_name == MACH_PORT_DEAD) {
		reply = IPC_PORT_DEAD;
	} else if (ipc_right_copyin(space, reply_name, reply_type, true, &reply) != KERN_SUCCESS) {
		undo_copyin(space, dest_name, dest_type, dest);
		return MACH_SEND_INVALID_REPLY;
	}
	h->msgh_remote_slot = (uint64_t)(uintptr_t)dest;
	h->msgh_protected_payload = (uint64_t)(uintptr_t)reply;
	h->msgh_bits = (bits & MACH_MSGH_BITS_COMPLEX) |
		       MACH_MSGH_BITS(ipc_right_transit_type(dest_type),
				      reply_type ? ipc_right_transit_type(reply_type) : 0);
	return MACH_MSG_SUCCESS;
}

mach_msg_return_t ipc_kmsg_copyin(struct ipc_space *space, struct ipc_kmsg *kmsg)
{
	mach_msg_return_t mr = ipc_kmsg_copyin_header(space, kmsg);
	if (mr == MACH_MSG_SUCCESS && (kmsg->msg.hdr.msgh_bits & MACH_MSGH_BITS_COMPLEX))
		mr = ipc_kmsg_copyin_body(space, kmsg);
	return mr;
}

/* --- copyout and destruction -------------------------------------------- */

/* A transit right into space: its name, or MACH_PORT_NULL if it found no
 * room (the right is then destroyed and *failed set). */
static mach_port_name_t copyout_right(struct ipc_space *space, struct ipc_port *port,
				      mach_msg_type_name_t type, bool *failed)
{
	if (port == NULL)
		return MACH_PORT_NULL;
	if (port == IPC_PORT_DEAD)
		return MACH_PORT_DEAD;
	mach_port_name_t name;
	if (ipc_right_copyout(space, port, type, true, &name) == KERN_SUCCESS)
		return name;
	ipc_right_destroy_transit(port, type);
	*failed = true;
	return MACH_PORT_NULL;
}

static void slot_copyout(struct ipc_space *space, uint64_t *slot,
			 mach_msg_type_name_t type, void *arg)
{
	*slot = copyout_right(space, (struct ipc_port *)(uintptr_t)*slot, type, arg);
}

mach_msg_return_t ipc_kmsg_copyout(struct ipc_space *space, struct ipc_kmsg *kmsg, bool pseudo)
{
	mach_msg_header_t *h = &kmsg->msg.hdr;
	uint32_t bits = h->msgh_bits;
	mach_msg_type_name_t dest_type = MACH_MSGH_BITS_REMOTE(bits);
	mach_msg_type_name_t reply_type = MACH_MSGH_BITS_LOCAL(bits);
	struct ipc_port *dest = ipc_kmsg_dest(kmsg), *reply = ipc_kmsg_reply(kmsg);
	bool header_failed = false, body_failed = false;

	mach_port_name_t reply_name = copyout_right(space, reply, reply_type, &header_failed);
	if (pseudo) {
		mach_port_name_t dest_name = copyout_right(space, dest, dest_type, &header_failed);
		h->msgh_remote_slot = dest_name;
		h->msgh_protected_payload = reply_name;
		h->msgh_bits &= ~MACH_MSGH_BITS_CIRCULAR;
	} else {
		uint64_t local;
		if (dest->active && dest->has_payload) {
			local = dest->protected_payload;
			dest_type = MACH_MSG_TYPE_PROTECTED_PAYLOAD;
		} else if (dest->active && dest->receiver == space) {
			local = dest->receiver_name;
		} else {
			local = MACH_PORT_NULL;
		}
		/* The right that carried the message is used up (a
		 * send-once right without a notification: it was used). */
		if (MACH_MSGH_BITS_REMOTE(bits) == MACH_MSG_TYPE_PORT_SEND_ONCE)
			ipc_port_release_sonce(dest);
		else
			ipc_right_destroy_transit(dest, MACH_MSGH_BITS_REMOTE(bits));
		h->msgh_remote_slot = reply_name;
		h->msgh_protected_payload = local;
		h->msgh_bits = (bits & MACH_MSGH_BITS_COMPLEX) | MACH_MSGH_BITS(reply_type, dest_type);
	}
	if (bits & MACH_MSGH_BITS_COMPLEX)
		body_walk(space, kmsg, slot_copyout, &body_failed);
	if (header_failed)
		return MACH_RCV_HEADER_ERROR | MACH_MSG_IPC_SPACE;
	if (body_failed)
		return MACH_RCV_BODY_ERROR | MACH_MSG_IPC_SPACE;
	return MACH_MSG_SUCCESS;
}

void ipc_kmsg_destroy(struct ipc_kmsg *kmsg)
{
	if (kmsg->msg.hdr.msgh_bits & MACH_MSGH_BITS_COMPLEX)
		body_walk(NULL, kmsg, slot_destroy, NULL);
	destroy_header(kmsg);
	ipc_kmsg_free(kmsg);
}
