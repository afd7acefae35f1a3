/* IPC spaces: a task's table from port names to rights.
 *
 * An entry packs Mach's ie_bits: generation (bits 24-31), right types
 * (bits 16-20, the MACH_PORT_TYPE_* values) and user references (bits
 * 0-15, for send rights and dead names), plus the object it names.
 *
 * The table is a radix tree of small blocks (the kernel's kmalloc stops at
 * 2 KiB): a growable root array of mid nodes, each with 128 leaves of 64
 * entries, indexed by MACH_PORT_INDEX(name).  Leaves with free entries sit
 * on a list, each with its own free list, so allocation, lookup and
 * deallocation are O(1); an empty leaf (and an empty mid node) goes back
 * to kfree at once.  A leaf starts its entries' generations from a
 * space-wide counter so a stale name is unlikely to match when a freed
 * leaf is made again (generations wrap after 256 uses of a slot, as in
 * Mach).  The capacity is IPC_SPACE_MAX_NAMES (2^21) names; a space
 * without names holds no memory besides its struct.
 *
 * Send and receive rights to one port share one name in a space; a hash
 * table keyed by the port pointer (chained through the entries) finds that
 * name.  Its buckets are blocks of 512; it doubles when the load passes 1
 * (up to 32768 buckets) and is freed when empty.  Send-once rights always
 * get a name of their own and are not hashed.
 *
 * Dead names are converted lazily: an entry holding send or send-once
 * rights to a port whose receive right was destroyed becomes a dead name
 * (same user references; one for send-once) when any operation looks it
 * up, and drops its port reference then.
 *
 * Locking: the caller holds the space (no locks now: one CPU, thread
 * context). */
#ifndef IPC_SPACE_H
#define IPC_SPACE_H

#include <ipc/port.h>

#define IE_BITS_UREFS_MASK 0x0000ffffu
#define IE_BITS_TYPE_MASK  0x001f0000u
#define IE_BITS_GEN_MASK   0xff000000u
/* The name has a dead-name request registered on its port (the request
 * itself is on the port's list, ipc/notify.h).  When the port dies the
 * notification goes out and, as in Mach, the dead name the entry turns
 * into gets one more user reference for it. */
#define IE_BITS_DNREQUEST  0x00800000u
/* A message this space forced into the port's full queue with
 * MACH_SEND_NOTIFY is still queued (its msg-accepted notification is
 * pending): another one gets MACH_SEND_NOTIFY_IN_PROGRESS. */
#define IE_BITS_MAREQUEST  0x00400000u
#define IE_BITS_UREFS(b)   ((b) & IE_BITS_UREFS_MASK)
#define IE_BITS_TYPE(b)    ((b) & IE_BITS_TYPE_MASK)
#define IE_BITS_GEN(b)     ((b) & IE_BITS_GEN_MASK)

struct ipc_entry {
	struct ipc_object *object;  /* port or set; NULL for a dead name or free */
	uint32_t bits;              /* gen | type | urefs */
	uint32_t next;              /* free: next free index in the leaf (+1);
				       in the hash: next index in the chain (+1) */
};

#define IPC_LEAF_SHIFT 6
#define IPC_LEAF_ENTRIES (1u << IPC_LEAF_SHIFT)
#define IPC_MID_SHIFT 7
#define IPC_MID_LEAVES (1u << IPC_MID_SHIFT)
#define IPC_ROOT_MAX 256
#define IPC_SPACE_MAX_NAMES ((uint32_t)IPC_ROOT_MAX * IPC_MID_LEAVES * IPC_LEAF_ENTRIES)

#define IPC_HASH_BLOCK 512
#define IPC_HASH_MAX_BLOCKS 64

struct ipc_leaf;
struct ipc_mid;

struct ipc_space {
	struct ipc_mid **root;      /* root_len slots */
	uint32_t root_len;
	struct list partial;        /* leaves with a free entry */
	uint32_t nr_entries;        /* names in use */
	uint32_t nr_leaves;
	uint8_t gen_seed;
	/* Reverse lookup port -> index+1. */
	uint32_t *hash[IPC_HASH_MAX_BLOCKS];
	uint32_t hash_size;         /* buckets, a power of two */
	uint32_t hash_count;
	bool active;
};

/* A new empty space, or NULL if out of memory. */
struct ipc_space *ipc_space_create(void);
/* Destroy every right in the space (receive rights kill their ports) and
 * free it. */
void ipc_space_destroy(struct ipc_space *space);

/* ---- mach_port.defs operations (the user-facing semantics) ---- */

/* right: RECEIVE (a new port), PORT_SET or DEAD_NAME. */
kern_return_t ipc_space_allocate(struct ipc_space *space, mach_port_right_t right,
				 mach_port_name_t *namep);
kern_return_t ipc_space_allocate_name(struct ipc_space *space, mach_port_right_t right,
				      mach_port_name_t name);
/* Drop one user reference on a send right or dead name, or the send-once
 * right. */
kern_return_t ipc_space_deallocate(struct ipc_space *space, mach_port_name_t name);
/* Destroy every right under name. */
kern_return_t ipc_space_destroy_name(struct ipc_space *space, mach_port_name_t name);
kern_return_t ipc_space_mod_refs(struct ipc_space *space, mach_port_name_t name,
				 mach_port_right_t right, mach_port_delta_t delta);
kern_return_t ipc_space_get_refs(struct ipc_space *space, mach_port_name_t name,
				 mach_port_right_t right, mach_port_urefs_t *refsp);
kern_return_t ipc_space_type(struct ipc_space *space, mach_port_name_t name,
			     mach_port_type_t *typep);
/* Fill up to max names and types (either array may be NULL when max is 0);
 * *countp is the number of names in the space. */
kern_return_t ipc_space_names(struct ipc_space *space, mach_port_name_t *names,
			      mach_port_type_t *types, size_t max, size_t *countp);
kern_return_t ipc_space_rename(struct ipc_space *space, mach_port_name_t oldname,
			       mach_port_name_t newname);
/* Put member's receive right in the set named after, or take it out of
 * its set when after is MACH_PORT_NULL. */
kern_return_t ipc_space_move_member(struct ipc_space *space, mach_port_name_t member,
				    mach_port_name_t after);
/* Up to max member names of a port set; *countp is the number of members. */
kern_return_t ipc_space_get_set_status(struct ipc_space *space, mach_port_name_t pset,
				       mach_port_name_t *members, size_t max, size_t *countp);
kern_return_t ipc_space_set_protected_payload(struct ipc_space *space, mach_port_name_t name,
					      uint64_t payload);
kern_return_t ipc_space_clear_protected_payload(struct ipc_space *space, mach_port_name_t name);
kern_return_t ipc_space_set_qlimit(struct ipc_space *space, mach_port_name_t name,
				   mach_port_msgcount_t qlimit);

/* mach_port_get_receive_status: mach_port_status_t's fields (pset is
 * the name of the port's set in space, or MACH_PORT_NULL). */
struct ipc_port_status {
	uint32_t pset, seqno, mscount, qlimit, msgcount, sorights;
	bool srights, pdrequest, nsrequest;
};
kern_return_t ipc_space_get_receive_status(struct ipc_space *space, mach_port_name_t name,
					   struct ipc_port_status *out);
/* mach_port_set_seqno. */
kern_return_t ipc_space_set_seqno(struct ipc_space *space, mach_port_name_t name, uint32_t seqno);
/* mach_port_set_mscount. */
kern_return_t ipc_space_set_mscount(struct ipc_space *space, mach_port_name_t name, uint32_t mscount);

/* ---- the table, for ipc/right.c and mach_msg ---- */

/* The entry for name, with dead-name conversion applied; NULL when the
 * name is not in use (or its generation is stale). */
struct ipc_entry *ipc_entry_lookup(struct ipc_space *space, mach_port_name_t name);
/* The same without the conversion (safe while ports are dying). */
struct ipc_entry *ipc_entry_peek(struct ipc_space *space, mach_port_name_t name);
/* A free entry; its name in *namep. */
kern_return_t ipc_entry_alloc(struct ipc_space *space, mach_port_name_t *namep,
			      struct ipc_entry **entryp);
/* The entry for exactly name: an existing one, or a new empty one
 * (type NONE) if the index is free.  KERN_NAME_EXISTS when the index is in
 * use under another generation. */
kern_return_t ipc_entry_alloc_name(struct ipc_space *space, mach_port_name_t name,
				   struct ipc_entry **entryp);
/* Return an entry to the free list (the caller has dealt with its object
 * reference and hash membership). */
void ipc_entry_free(struct ipc_space *space, mach_port_name_t name);
/* Reverse lookup: the name under which the space holds send or receive
 * rights for port, or MACH_PORT_NULL. */
mach_port_name_t ipc_hash_lookup(struct ipc_space *space, struct ipc_port *port,
				 struct ipc_entry **entryp);
kern_return_t ipc_hash_insert(struct ipc_space *space, mach_port_name_t name);
void ipc_hash_remove(struct ipc_space *space, mach_port_name_t name);

/* Iterate over the names in use in index order: start with *cursor = 0;
 * returns MACH_PORT_NULL at the end.  Freeing the returned name is
 * allowed between calls. */
mach_port_name_t ipc_entry_next(struct ipc_space *space, uint32_t *cursor);

/* Bytes the table holds (leaves, mid nodes, root, hash): for tests. */
size_t ipc_space_memory(const struct ipc_space *space);

#endif
