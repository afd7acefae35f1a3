/* Device-tree addresses and interrupts: #address-cells/#size-cells, reg
 * with ranges translation up to the root, interrupt parents and specifiers.
 * Built on the bounded view of dt.c (dt_view.h). */
#include <kern/dt.h>
#include <kern/errno.h>
#include "dt_view.h"

#define MAX_CELLS 4           /* #address-cells / #size-cells limit */


/* #address-cells / #size-cells of node; dflt if absent. */
static int cells_of(const struct view *v, int node, const char *name,
		    int dflt, int min)
{
	struct prop p;
	int r = dt_view_getprop(v, node, name, &p);
	if (r == K_ENOENT)
		return dflt;
	if (r < 0)
		return r;
	if (p.len != 4)
		return K_EINVAL;
	uint32_t n = dt_be32(p.val);
	return n < (uint32_t)min || n > MAX_CELLS ? K_EINVAL : (int)n;
}

static int address_cells(const struct view *v, int node)
{
	return cells_of(v, node, "#address-cells", 2, 1);
}

static int size_cells(const struct view *v, int node)
{
	return cells_of(v, node, "#size-cells", 1, 0);
}

int dt_address_cells(const void *blob, int node)
{
	struct view v;
	int r = dt_view_open(blob, &v);
	if (r == 0)
		r = dt_view_node_valid(&v, node);
	return r < 0 ? r : address_cells(&v, node);
}

int dt_size_cells(const void *blob, int node)
{
	struct view v;
	int r = dt_view_open(blob, &v);
	if (r == 0)
		r = dt_view_node_valid(&v, node);
	return r < 0 ? r : size_cells(&v, node);
}

/* A number of n cells at p; false if it does not fit in 64 bits. */
static bool read_cells(const uint8_t *p, int n, uint64_t *out)
{
	uint64_t val = 0;
	for (int i = 0; i < n; i++) {
		if (val >> 32)
			return false;
		val = val << 32 | dt_be32(p + 4 * i);
	}
	*out = val;
	return true;
}

static int reg_raw(const struct view *v, int node, int index, int *bus,
		   uint64_t *addr, uint64_t *size)
{
	struct prop p;
	if (index < 0)
		return K_EINVAL;
	int parent = dt_view_parent(v, node);
	if (parent < 0)
		return parent;
	int ac = address_cells(v, parent), sc = size_cells(v, parent);
	if (ac < 0)
		return ac;
	if (sc < 0)
		return sc;
	int r = dt_view_getprop(v, node, "reg", &p);
	if (r < 0)
		return r;
	int entry = 4 * (ac + sc);
	if (p.len % entry)
		return K_EINVAL;
	if (index >= p.len / entry)
		return K_ENOENT;
	const uint8_t *e = p.val + index * entry;
	uint64_t a, s;
	if (!read_cells(e, ac, &a) || !read_cells(e + 4 * ac, sc, &s))
		return K_EINVAL;
	*bus = parent;
	if (addr)
		*addr = a;
	if (size)
		*size = s;
	return 0;
}

int dt_reg_raw(const void *blob, int node, int index, uint64_t *addr,
	       uint64_t *size)
{
	struct view v;
	int bus;
	int r = dt_view_open(blob, &v);
	return r < 0 ? r : reg_raw(&v, node, index, &bus, addr, size);
}

/* Translate addr from bus's child address space into its parent's, through
 * bus's ranges. */
static int translate_once(const struct view *v, int bus, int parent,
			  uint64_t *addr)
{
	struct prop p;
	int r = dt_view_getprop(v, bus, "ranges", &p);
	if (r == K_ENOENT)
		return K_EFAULT;    /* no ranges: not memory-mapped */
	if (r < 0)
		return r;
	if (p.len == 0)
		return 0;           /* "ranges;": identity */
	int cac = address_cells(v, bus), pac = address_cells(v, parent);
	int sc = size_cells(v, bus);
	if (cac < 0 || pac < 0 || sc < 0)
		return K_EINVAL;
	int entry = 4 * (cac + pac + sc);
	if (p.len % entry)
		return K_EINVAL;
	for (int off = 0; off < p.len; off += entry) {
		uint64_t child, up, len;
		const uint8_t *e = p.val + off;
		/* A window we cannot represent (a PCI space code, say) cannot
		 * hold a 64-bit address either: skip it. */
		if (!read_cells(e, cac, &child) ||
		    !read_cells(e + 4 * cac, pac, &up) ||
		    !read_cells(e + 4 * (cac + pac), sc, &len))
			continue;
		if (*addr >= child && *addr - child < len) {
			uint64_t delta = *addr - child;
			if (up + delta < up)
				return K_EFAULT;
			*addr = up + delta;
			return 0;
		}
	}
	return K_EFAULT;
}

int dt_reg(const void *blob, int node, int index, paddr_t *addr,
	   uint64_t *size)
{
	struct view v;
	int bus;
	uint64_t a, s;
	int r = dt_view_open(blob, &v);
	if (r == 0)
		r = reg_raw(&v, node, index, &bus, &a, &s);
	if (r < 0)
		return r;
	/* Each step moves to a node earlier in the blob, so this ends. */
	for (;;) {
		int parent = dt_view_parent(&v, bus);
		if (parent == K_ENOENT)
			break;          /* bus is the root: CPU addresses */
		if (parent < 0)
			return parent;
		r = translate_once(&v, bus, parent, &a);
		if (r < 0)
			return r;
		bus = parent;
	}
	if (addr)
		*addr = a;
	if (size)
		*size = s;
	return 0;
}

/* ------------------------------------------------------------ interrupts */

static int interrupt_cells(const struct view *v, int ctrl)
{
	struct prop p;
	int r = dt_view_getprop(v, ctrl, "#interrupt-cells", &p);
	if (r < 0)
		return r;
	if (p.len != 4 || dt_be32(p.val) > DT_MAX_IRQ_CELLS)
		return K_EINVAL;
	return (int)dt_be32(p.val);
}

int dt_interrupt_cells(const void *blob, int controller)
{
	struct view v;
	int r = dt_view_open(blob, &v);
	return r < 0 ? r : interrupt_cells(&v, controller);
}

/* The node a phandle cell names; a dangling phandle is malformed. */
static int phandle_target(const struct view *v, const uint8_t *cell)
{
	int n = dt_view_find_phandle(v, dt_be32(cell));
	return n == K_ENOENT ? K_EINVAL : n;
}

static int interrupt_parent(const struct view *v, int node)
{
	struct prop p;
	int cur = node;
	for (int hop = 0; hop < MAX_HOPS; hop++) {
		int next, r = dt_view_getprop(v, cur, "interrupt-parent", &p);
		if (r == 0) {
			if (p.len != 4)
				return K_EINVAL;
			next = phandle_target(v, p.val);
		} else if (r == K_ENOENT) {
			next = dt_view_parent(v, cur);   /* K_ENOENT past the root */
		} else {
			return r;
		}
		if (next < 0)
			return next;
		r = dt_view_getprop(v, next, "#interrupt-cells", &p);
		if (r == 0)
			return next;
		if (r != K_ENOENT)
			return r;
		cur = next;
	}
	return K_EINVAL;
}

int dt_interrupt_parent(const void *blob, int node)
{
	struct view v;
	int r = dt_view_open(blob, &v);
	return r < 0 ? r : interrupt_parent(&v, node);
}

static void copy_cells(const uint8_t *p, int n, uint32_t *cells, int *ncells)
{
	for (int i = 0; i < n; i++)
		cells[i] = dt_be32(p + 4 * i);
	*ncells = n;
}

/* interrupts-extended = <&ctrl cells...>, <&ctrl cells...> ... */
static int interrupt_extended(const struct view *v, const struct prop *p,
			      int index, uint32_t *cells, int *ncells,
			      int *controller)
{
	if (p->len % 4)
		return K_EINVAL;
	for (int off = 0, i = 0; off < p->len; i++) {
		int ctrl = phandle_target(v, p->val + off);
		if (ctrl < 0)
			return ctrl;
		int n = interrupt_cells(v, ctrl);
		if (n < 0)
			return K_EINVAL;
		off += 4;
		if ((p->len - off) / 4 < n)
			return K_EINVAL;
		if (i == index) {
			copy_cells(p->val + off, n, cells, ncells);
			*controller = ctrl;
			return 0;
		}
		off += 4 * n;
	}
	return K_ENOENT;
}

int dt_interrupt(const void *blob, int node, int index,
		 uint32_t cells[DT_MAX_IRQ_CELLS], int *ncells,
		 int *controller)
{
	struct view v;
	struct prop p;
	int r = dt_view_open(blob, &v);
	if (r < 0)
		return r;
	if (index < 0 || !cells || !ncells || !controller)
		return K_EINVAL;
	r = dt_view_getprop(&v, node, "interrupts-extended", &p);
	if (r == 0)
		return interrupt_extended(&v, &p, index, cells, ncells,
					  controller);
	if (r != K_ENOENT)
		return r;
	r = dt_view_getprop(&v, node, "interrupts", &p);
	if (r < 0)
		return r;
	int ctrl = interrupt_parent(&v, node);
	if (ctrl < 0)
		return ctrl == K_ENOENT ? K_EINVAL : ctrl;
	int n = interrupt_cells(&v, ctrl);
	if (n <= 0)
		return K_EINVAL;
	if (p.len % (4 * n))
		return K_EINVAL;
	if (index >= p.len / (4 * n))
		return K_ENOENT;
	copy_cells(p.val + index * 4 * n, n, cells, ncells);
	*controller = ctrl;
	return 0;
}
