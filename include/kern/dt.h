/* A reader for flattened device trees (the DTB a loader passes on aarch64 and
 * riscv64).  Read-only, no allocation, no recursion.
 *
 * Contract: call dt_check(blob, size) once, where size is how many bytes are
 * really readable at blob.  It validates the header against that size and
 * walks the whole structure block, so a corrupt tree is refused up front.
 * Every other call trusts only the header's totalsize (which dt_check proved
 * readable) and still bounds every read by it, so even a tree that failed
 * dt_check yields errors rather than stray reads, and every walk is bounded
 * because offsets only ever move forward.
 *
 * Nodes are named by int offsets into the structure block, as in libfdt, so
 * a node found one way can be compared with a node found another.  Negative
 * returns are K_E* codes (kern/errno.h):
 *   K_EINVAL  malformed tree, property or argument
 *   K_ENOENT  no such node, property, index or alias
 *   K_EFAULT  an address that does not translate to a CPU physical address
 *   K_ENODEV  a node exists but is not usable (e.g. only PSCI 0.1)
 *
 * Names are dt_* so they never clash with libfdt's fdt_* in host tests that
 * link both. */
#ifndef KERN_DT_H
#define KERN_DT_H

#include <kern/types.h>

#define DT_MAGIC 0xd00dfeedu

/* Interrupt specifiers longer than this are refused. */
#define DT_MAX_IRQ_CELLS 4

/* ---------------------------------------------------------------- blob */

/* 0 if blob is a well-formed tree whose totalsize fits in max_size. */
int dt_check(const void *blob, size_t max_size);

/* The header's totalsize: how many bytes to reserve for the tree. */
size_t dt_total_size(const void *blob);

/* Entry index of the memory reservation block; K_ENOENT past the end. */
int dt_mem_rsv(const void *blob, int index, uint64_t *addr, uint64_t *size);

/* Big-endian loads that need no alignment. */
static inline uint32_t dt_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static inline uint64_t dt_be64(const void *p)
{
	return (uint64_t)dt_be32(p) << 32 | dt_be32((const uint8_t *)p + 4);
}

/* --------------------------------------------------------------- nodes */

int dt_root(const void *blob);
/* First child / next sibling; K_ENOENT when there is none. */
int dt_first_child(const void *blob, int node);
int dt_next_sibling(const void *blob, int node);
/* The next node in document order (depth first).  If depth is not NULL it
 * is adjusted by the level change (+1 into a child, -n back out); the walk
 * ends with K_ENOENT after the last node.  Whole tree:
 *   for (n = dt_root(b), d = 0; n >= 0; n = dt_next_node(b, n, &d)) */
int dt_next_node(const void *blob, int node, int *depth);
int dt_parent(const void *blob, int node);      /* K_ENOENT for the root */
int dt_node_depth(const void *blob, int node);  /* root is 0 */
/* "name@unit" ("" for the root).  len, if not NULL, gets strlen(name). */
const char *dt_node_name(const void *blob, int node, int *len);

/* "/a/b@1/c": each component matches a node name exactly, or, when it has no
 * '@', the part of a name before '@' (first match wins, as in libfdt).  A
 * path not starting with '/' begins with an alias from /aliases. */
int dt_find_path(const void *blob, const char *path);
int dt_find_path_len(const void *blob, const char *path, size_t len);

/* Next node after start_after (-1: from the start) whose compatible list
 * contains compat. */
int dt_find_compatible(const void *blob, int start_after, const char *compat);
int dt_find_phandle(const void *blob, uint32_t phandle);
bool dt_is_compatible(const void *blob, int node, const char *compat);
/* status absent, "okay" or "ok". */
bool dt_node_enabled(const void *blob, int node);

/* ---------------------------------------------------------- properties */

/* The value of property name, or NULL (len, if given, gets the length or a
 * negative K_E*). */
const void *dt_getprop(const void *blob, int node, const char *name, int *len);
/* A NUL-terminated string property (the first string of a list). */
const char *dt_prop_string(const void *blob, int node, const char *name);
/* Exactly one cell. */
int dt_prop_u32(const void *blob, int node, const char *name, uint32_t *out);
/* One or two cells. */
int dt_prop_u64(const void *blob, int node, const char *name, uint64_t *out);
/* Whether a NUL-separated string list of len bytes contains str. */
bool dt_strlist_contains(const void *list, int len, const char *str);

/* Calls fn for each property of node in order; a non-zero return from fn
 * stops the walk and is returned.  0 after the last property. */
typedef int (*dt_prop_fn)(const char *name, const void *val, int len,
			  void *arg);
int dt_foreach_prop(const void *blob, int node, dt_prop_fn fn, void *arg);

/* ----------------------------------------------------------- addresses */

/* #address-cells (default 2, 1..4) and #size-cells (default 1, 0..4) that
 * node declares for its children. */
int dt_address_cells(const void *blob, int node);
int dt_size_cells(const void *blob, int node);
/* Entry index of node's reg, in its parent's address space (no
 * translation: what cpu nodes need).  Values wider than 64 bits are
 * K_EINVAL. */
int dt_reg_raw(const void *blob, int node, int index, uint64_t *addr,
	       uint64_t *size);
/* The same, translated through every ancestor's ranges to a CPU physical
 * address; K_EFAULT if some bus has no ranges or no window covers it. */
int dt_reg(const void *blob, int node, int index, paddr_t *addr,
	   uint64_t *size);

/* ---------------------------------------------------------- interrupts */

/* The controller node's interrupts are delivered to: interrupt-parent,
 * else the tree parent, repeated until a node with #interrupt-cells. */
int dt_interrupt_parent(const void *blob, int node);
int dt_interrupt_cells(const void *blob, int controller);  /* 1..MAX */
/* Interrupt index of node, from interrupts-extended if present, else from
 * interrupts: the raw specifier cells (for the controller to decode: GIC
 * type/number/flags, PLIC number...), how many, and the controller. */
int dt_interrupt(const void *blob, int node, int index,
		 uint32_t cells[DT_MAX_IRQ_CELLS], int *ncells,
		 int *controller);

/* ------------------------------------------ queries (src/dev/dt_query.c) */

typedef void (*dt_range_fn)(paddr_t base, uint64_t size, void *arg);

/* Each non-empty reg range of every enabled device_type = "memory" node.
 * Returns how many ranges were reported, or a negative K_E*. */
int dt_memory(const void *blob, dt_range_fn fn, void *arg);
/* Each memory reservation block entry, then each reg range of the enabled
 * children of /reserved-memory.  Returns the count, or a negative K_E*. */
int dt_reserved(const void *blob, dt_range_fn fn, void *arg);

/* /chosen: bootargs (NULL if absent) and the initrd (both 0 if absent;
 * 32- or 64-bit cells).  K_ENOENT without /chosen, K_EINVAL if a property
 * is malformed (the outputs then hold what could be read). */
int dt_chosen(const void *blob, const char **bootargs, paddr_t *initrd_start,
	      paddr_t *initrd_end);
/* The console node named by /chosen stdout-path (or linux,stdout-path),
 * through /aliases.  options, if not NULL, gets the text after ':' or NULL. */
int dt_stdout_node(const void *blob, const char **options);
/* timebase-frequency of /cpus, or else of the first cpu node. */
int dt_timebase_frequency(const void *blob, uint64_t *hz);

enum dt_psci_conduit {
	DT_PSCI_HVC = 1,
	DT_PSCI_SMC = 2,
};
/* The SMCCC conduit of an "arm,psci-0.2"/"arm,psci-1.0" node (an enum
 * dt_psci_conduit), K_ENOENT without one, K_ENODEV for PSCI 0.1 only. */
int dt_psci_method(const void *blob);

/* Enabled cpu nodes (device_type "cpu") under /cpus, in order.  id gets the
 * raw reg: MPIDR affinity on arm, hart id on riscv. */
int dt_cpu_next(const void *blob, int after, uint64_t *id);

/* A device as the arch code and the drivers need it: reg entry 0 and
 * interrupt 0 (irq_cells 0 if it has no interrupts). */
struct dt_device {
	int node;
	paddr_t base;
	uint64_t size;
	uint32_t irq[DT_MAX_IRQ_CELLS];
	int irq_cells;
	int irq_controller;
};
/* The next enabled node after `after` (-1: from the start) compatible with
 * compat; returns its offset and fills dev (base and size 0 without reg).
 * A node whose reg or interrupts are malformed ends the walk with its
 * error.  Loop:
 *   for (n = dt_device_next(b, -1, c, &d); n >= 0;
 *        n = dt_device_next(b, n, c, &d)) */
int dt_device_next(const void *blob, int after, const char *compat,
		   struct dt_device *dev);
static inline int dt_virtio_mmio_next(const void *blob, int after,
				      struct dt_device *dev)
{
	return dt_device_next(blob, after, "virtio,mmio", dev);
}

#endif
