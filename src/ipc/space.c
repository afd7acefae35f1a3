/* IPC spaces: the name table (a radix tree of small leaves), the reverse
 * port -> name hash, and the mach_port_* operations on names.  How rights
 * change hands is in right.c. */
#include <ipc/right.h>
#include <kern/kmem.h>
#include <kern/panic.h>
#include <kern/string.h>

struct ipc_leaf {
	struct list link;           /* in space->partial while it has a free entry */
	uint32_t base;              /* index of e[0] */
	uint32_t nused;
	uint32_t free_head;         /* slot + 1 of the first free entry, 0 if none */
	struct ipc_entry e[IPC_LEAF_ENTRIES];
};

struct ipc_mid {
	uint32_t nleaves;
	struct ipc_leaf *leaf[IPC_MID_LEAVES];
};

#define MID_SPAN (IPC_MID_LEAVES * IPC_LEAF_ENTRIES)

/* Index 0 is never a name (MACH_PORT_NULL), so leaf 0 has one slot less. */
static uint32_t leaf_capacity(const struct ipc_leaf *leaf)
{
	return leaf->base == 0 ? IPC_LEAF_ENTRIES - 1 : IPC_LEAF_ENTRIES;
}

static struct ipc_leaf *leaf_of(const struct ipc_space *space, uint32_t index)
{
	uint32_t r = index / MID_SPAN;
	if (r >= space->root_len || space->root[r] == NULL)
		return NULL;
	return space->root[r]->leaf[(index / IPC_LEAF_ENTRIES) % IPC_MID_LEAVES];
}

/* The slot for index whatever its state, or NULL if its leaf is absent. */
static struct ipc_entry *slot_of(const struct ipc_space *space, uint32_t index)
{
	struct ipc_leaf *leaf = leaf_of(space, index);
	return leaf ? &leaf->e[index % IPC_LEAF_ENTRIES] : NULL;
}

static kern_return_t root_grow(struct ipc_space *space, uint32_t need)
{
	if (need <= space->root_len)
		return KERN_SUCCESS;
	if (need > IPC_ROOT_MAX)
		return KERN_NO_SPACE;
	uint32_t len = space->root_len ? space->root_len : 1;
	while (len < need)
		len *= 2;
	struct ipc_mid **root = kzalloc(len * sizeof(*root));
	if (root == NULL)
		return KERN_RESOURCE_SHORTAGE;
	if (space->root_len)
		memcpy(root, space->root, space->root_len * sizeof(*root));
	kfree(space->root);
	space->root = root;
	space->root_len = len;
	return KERN_SUCCESS;
}

/* An empty table holds no root: a space without names is just its struct. */
static void root_trim(struct ipc_space *space)
{
	if (space->nr_leaves == 0) {
		kfree(space->root);
		space->root = NULL;
		space->root_len = 0;
	}
}

/* Make the (absent) leaf holding index, with every usable entry free. */
static kern_return_t leaf_create(struct ipc_space *space, uint32_t index, struct ipc_leaf **leafp)
{
	uint32_t r = index / MID_SPAN;
	kern_return_t kr = root_grow(space, r + 1);
	if (kr != KERN_SUCCESS)
		return kr;
	struct ipc_mid *mid = space->root[r];
	if (mid == NULL) {
		mid = kzalloc(sizeof(*mid));
		if (mid == NULL) {
			root_trim(space);
			return KERN_RESOURCE_SHORTAGE;
		}
		space->root[r] = mid;
	}
	struct ipc_leaf *leaf = kmalloc(sizeof(*leaf));
	if (leaf == NULL) {
		if (mid->nleaves == 0) {
			kfree(mid);
			space->root[r] = NULL;
		}
		root_trim(space);
		return KERN_RESOURCE_SHORTAGE;
	}
	leaf->base = ALIGN_DOWN(index, IPC_LEAF_ENTRIES);
	leaf->nused = 0;
	leaf->free_head = 0;
	uint32_t gen = (uint32_t)space->gen_seed++ << 24;
	/* Build the free list backwards so the lowest index comes out first. */
	for (uint32_t i = IPC_LEAF_ENTRIES; i-- > 0;) {
		leaf->e[i].object = NULL;
		leaf->e[i].bits = gen;
		if (leaf->base + i == 0)
			continue;
		leaf->e[i].next = leaf->free_head;
		leaf->free_head = i + 1;
	}
	mid->leaf[(index / IPC_LEAF_ENTRIES) % IPC_MID_LEAVES] = leaf;
	mid->nleaves++;
	space->nr_leaves++;
	list_push_back(&space->partial, &leaf->link);
	*leafp = leaf;
	return KERN_SUCCESS;
}

static void leaf_destroy(struct ipc_space *space, struct ipc_leaf *leaf)
{
	uint32_t r = leaf->base / MID_SPAN;
	struct ipc_mid *mid = space->root[r];
	list_remove(&leaf->link);
	mid->leaf[(leaf->base / IPC_LEAF_ENTRIES) % IPC_MID_LEAVES] = NULL;
	space->nr_leaves--;
	kfree(leaf);
	if (--mid->nleaves == 0) {
		kfree(mid);
		space->root[r] = NULL;
	}
	root_trim(space);
}

/* The lowest index whose leaf is absent, or IPC_SPACE_MAX_NAMES. */
static uint32_t first_absent_leaf(const struct ipc_space *space)
{
	for (uint32_t r = 0; r < IPC_ROOT_MAX; r++) {
		if (r >= space->root_len || space->root[r] == NULL)
			return r * MID_SPAN;
		if (space->root[r]->nleaves == IPC_MID_LEAVES)
			continue;
		for (uint32_t l = 0; l < IPC_MID_LEAVES; l++)
			if (space->root[r]->leaf[l] == NULL)
				return r * MID_SPAN + l * IPC_LEAF_ENTRIES;
	}
	return IPC_SPACE_MAX_NAMES;
}

static void leaf_take(struct ipc_space *space, struct ipc_leaf *leaf)
{
	leaf->nused++;
	space->nr_entries++;
	if (leaf->nused == leaf_capacity(leaf))
		list_remove(&leaf->link);
}

kern_return_t ipc_entry_alloc(struct ipc_space *space, mach_port_name_t *namep,
			      struct ipc_entry **entryp)
{
	struct ipc_leaf *leaf;
	if (list_empty(&space->partial)) {
		uint32_t index = first_absent_leaf(space);
		if (index >= IPC_SPACE_MAX_NAMES)
			return KERN_NO_SPACE;
		kern_return_t kr = leaf_create(space, index, &leaf);
		if (kr != KERN_SUCCESS)
			return kr;
	} else {
		leaf = list_entry(space->partial.next, struct ipc_leaf, link);
	}
	uint32_t slot = leaf->free_head - 1;
	struct ipc_entry *e = &leaf->e[slot];
	leaf->free_head = e->next;
	e->next = 0;
	e->object = NULL;
	leaf_take(space, leaf);
	*namep = MACH_PORT_MAKE(leaf->base + slot, IE_BITS_GEN(e->bits) >> 24);
	*entryp = e;
	return KERN_SUCCESS;
}

kern_return_t ipc_entry_alloc_name(struct ipc_space *space, mach_port_name_t name,
				   struct ipc_entry **entryp)
{
	uint32_t index = MACH_PORT_INDEX(name);
	if (!MACH_PORT_VALID(name) || index == 0)
		return KERN_INVALID_VALUE;
	if (index >= IPC_SPACE_MAX_NAMES)
		return KERN_NO_SPACE;
	struct ipc_leaf *leaf = leaf_of(space, index);
	if (leaf == NULL) {
		kern_return_t kr = leaf_create(space, index, &leaf);
		if (kr != KERN_SUCCESS)
			return kr;
	}
	uint32_t slot = index % IPC_LEAF_ENTRIES;
	struct ipc_entry *e = &leaf->e[slot];
	if (IE_BITS_TYPE(e->bits) != MACH_PORT_TYPE_NONE) {
		if (IE_BITS_GEN(e->bits) != (name & IE_BITS_GEN_MASK))
			return KERN_NAME_EXISTS;
		*entryp = e;
		return KERN_SUCCESS;
	}
	/* Unlink the slot from the leaf's free list (at most 64 steps). */
	uint32_t *link = &leaf->free_head;
	while (*link != slot + 1)
		link = &leaf->e[*link - 1].next;
	*link = e->next;
	e->next = 0;
	e->object = NULL;
	e->bits = name & IE_BITS_GEN_MASK;
	leaf_take(space, leaf);
	*entryp = e;
	return KERN_SUCCESS;
}

void ipc_entry_free(struct ipc_space *space, mach_port_name_t name)
{
	uint32_t index = MACH_PORT_INDEX(name);
	struct ipc_leaf *leaf = leaf_of(space, index);
	uint32_t slot = index % IPC_LEAF_ENTRIES;
	struct ipc_entry *e = &leaf->e[slot];
	/* A new generation, so the name just freed is stale from now on. */
	e->bits = (IE_BITS_GEN(e->bits) + (1u << 24)) & IE_BITS_GEN_MASK;
	e->object = NULL;
	bool was_full = leaf->nused == leaf_capacity(leaf);
	e->next = leaf->free_head;
	leaf->free_head = slot + 1;
	leaf->nused--;
	space->nr_entries--;
	if (leaf->nused == 0)
		leaf_destroy(space, leaf);
	else if (was_full)
		list_push_front(&space->partial, &leaf->link);
}

/* ---- reverse lookup: port -> name ---- */

static uint32_t *bucket(struct ipc_space *space, const void *obj)
{
	uint64_t h = ((uintptr_t)obj >> 4) * 0x9e3779b97f4a7c15ull;
	uint32_t i = (uint32_t)(h >> 32) & (space->hash_size - 1);
	return &space->hash[i / IPC_HASH_BLOCK][i % IPC_HASH_BLOCK];
}

static void hash_free_blocks(uint32_t **blocks, uint32_t size)
{
	for (uint32_t b = 0; b < size / IPC_HASH_BLOCK; b++) {
		kfree(blocks[b]);
		blocks[b] = NULL;
	}
}

/* Double the buckets and rehash; a failure just keeps the old table. */
static void hash_grow(struct ipc_space *space)
{
	uint32_t size = space->hash_size * 2;
	if (size / IPC_HASH_BLOCK > IPC_HASH_MAX_BLOCKS)
		return;
	uint32_t *old[IPC_HASH_MAX_BLOCKS];
	uint32_t old_size = space->hash_size;
	memcpy(old, space->hash, sizeof(old));
	uint32_t *fresh[IPC_HASH_MAX_BLOCKS] = { 0 };
	for (uint32_t b = 0; b < size / IPC_HASH_BLOCK; b++) {
		fresh[b] = kzalloc(IPC_HASH_BLOCK * sizeof(uint32_t));
		if (fresh[b] == NULL) {
			hash_free_blocks(fresh, size);
			return;
		}
	}
	memcpy(space->hash, fresh, sizeof(fresh));
	space->hash_size = size;
	for (uint32_t i = 0; i < old_size; i++) {
		uint32_t next = old[i / IPC_HASH_BLOCK][i % IPC_HASH_BLOCK];
		while (next) {
			struct ipc_entry *e = slot_of(space, next - 1);
			uint32_t cur = next;
			next = e->next;
			uint32_t *head = bucket(space, e->object);
			e->next = *head;
			*head = cur;
		}
	}
	hash_free_blocks(old, old_size);
}

kern_return_t ipc_hash_insert(struct ipc_space *space, mach_port_name_t name)
{
	if (space->hash_size == 0) {
		space->hash[0] = kzalloc(IPC_HASH_BLOCK * sizeof(uint32_t));
		if (space->hash[0] == NULL)
			return KERN_RESOURCE_SHORTAGE;
		space->hash_size = IPC_HASH_BLOCK;
	}
	uint32_t index = MACH_PORT_INDEX(name);
	struct ipc_entry *e = slot_of(space, index);
	uint32_t *head = bucket(space, e->object);
	e->next = *head;
	*head = index + 1;
	if (++space->hash_count > space->hash_size)
		hash_grow(space);
	return KERN_SUCCESS;
}

void ipc_hash_remove(struct ipc_space *space, mach_port_name_t name)
{
	uint32_t index = MACH_PORT_INDEX(name);
	struct ipc_entry *e = slot_of(space, index);
	uint32_t *link = bucket(space, e->object);
	while (*link != index + 1) {
		assert(*link != 0);
		link = &slot_of(space, *link - 1)->next;
	}
	*link = e->next;
	e->next = 0;
	/* An empty table gives its buckets back (a space with no ports holds
	 * nothing but itself). */
	if (--space->hash_count == 0) {
		hash_free_blocks(space->hash, space->hash_size);
		space->hash_size = 0;
	}
}

mach_port_name_t ipc_hash_lookup(struct ipc_space *space, struct ipc_port *port,
				 struct ipc_entry **entryp)
{
	if (space->hash_size == 0)
		return MACH_PORT_NULL;
	for (uint32_t next = *bucket(space, port); next;) {
		struct ipc_entry *e = slot_of(space, next - 1);
		if (e->object == &port->obj) {
			if (entryp)
				*entryp = e;
			return MACH_PORT_MAKE(next - 1, IE_BITS_GEN(e->bits) >> 24);
		}
		next = e->next;
	}
	return MACH_PORT_NULL;
}

/* ---- lookup with lazy dead-name conversion ---- */

static void convert_to_dead_name(struct ipc_space *space, mach_port_name_t name,
				 struct ipc_entry *e)
{
	struct ipc_port *port = (struct ipc_port *)e->object;
	uint32_t type = IE_BITS_TYPE(e->bits);
	uint32_t urefs = IE_BITS_UREFS(e->bits);
	if (type & MACH_PORT_TYPE_SEND) {
		ipc_hash_remove(space, name);
		ipc_port_release_send(port);
	} else {
		urefs = 1;
		ipc_port_release_sonce(port);
	}
	/* The dead-name notification already went out when the port died;
	 * it brings the name one more user reference (Mach's rule). */
	if ((e->bits & IE_BITS_DNREQUEST) && urefs < MACH_PORT_UREFS_MAX)
		urefs++;
	e->object = NULL;
	e->bits = IE_BITS_GEN(e->bits) | MACH_PORT_TYPE_DEAD_NAME | urefs;
}

struct ipc_entry *ipc_entry_peek(struct ipc_space *space, mach_port_name_t name)
{
	if (!MACH_PORT_VALID(name))
		return NULL;
	struct ipc_entry *e = slot_of(space, MACH_PORT_INDEX(name));
	if (e == NULL || IE_BITS_TYPE(e->bits) == MACH_PORT_TYPE_NONE ||
	    IE_BITS_GEN(e->bits) != (name & IE_BITS_GEN_MASK))
		return NULL;
	return e;
}

struct ipc_entry *ipc_entry_lookup(struct ipc_space *space, mach_port_name_t name)
{
	struct ipc_entry *e = ipc_entry_peek(space, name);
	if (e == NULL)
		return NULL;
	if ((e->bits & MACH_PORT_TYPE_SEND_RIGHTS) && !(e->bits & MACH_PORT_TYPE_RECEIVE) &&
	    !((struct ipc_port *)e->object)->active)
		convert_to_dead_name(space, name, e);
	return e;
}

/* ---- the space ---- */

struct ipc_space *ipc_space_create(void)
{
	struct ipc_space *space = kzalloc(sizeof(*space));
	if (space == NULL)
		return NULL;
	list_init(&space->partial);
	space->active = true;
	return space;
}

mach_port_name_t ipc_entry_next(struct ipc_space *space, uint32_t *cursor)
{
	uint32_t index = *cursor;
	while (index < IPC_SPACE_MAX_NAMES && index < space->root_len * MID_SPAN) {
		struct ipc_leaf *leaf = leaf_of(space, index);
		if (leaf == NULL) {
			index = ALIGN_DOWN(index, IPC_LEAF_ENTRIES) + IPC_LEAF_ENTRIES;
			continue;
		}
		uint32_t bits = leaf->e[index % IPC_LEAF_ENTRIES].bits;
		index++;
		if (IE_BITS_TYPE(bits) != MACH_PORT_TYPE_NONE) {
			*cursor = index;
			return MACH_PORT_MAKE(index - 1, IE_BITS_GEN(bits) >> 24);
		}
	}
	*cursor = index;
	return MACH_PORT_NULL;
}

void ipc_space_destroy(struct ipc_space *space)
{
	space->active = false;
	uint32_t cursor = 0;
	mach_port_name_t name;
	while ((name = ipc_entry_next(space, &cursor)) != MACH_PORT_NULL)
		ipc_right_destroy(space, name, slot_of(space, MACH_PORT_INDEX(name)));
	assert(space->nr_entries == 0 && space->hash_count == 0 && space->root == NULL);
	kfree(space);
}

size_t ipc_space_memory(const struct ipc_space *space)
{
	size_t mids = 0;
	for (uint32_t r = 0; r < space->root_len; r++)
		mids += space->root[r] != NULL;
	return space->nr_leaves * sizeof(struct ipc_leaf) + mids * sizeof(struct ipc_mid) +
	       space->root_len * sizeof(struct ipc_mid *) + space->hash_size * sizeof(uint32_t);
}
