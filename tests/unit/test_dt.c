/* Host tests of the device-tree reader (src/dev/dt.c, src/dev/dt_query.c),
 * with libfdt as the oracle.
 *
 * Every tree in tests/unit/dtb (QEMU virt machines dumped by regen.sh, and
 * synthetic.dts) is walked by both libraries and every answer compared:
 * node offsets, names, depths, parents, properties, paths, compatible and
 * phandle lookups, reg and interrupt decoding, and the boot queries.  Then
 * the trees are damaged (truncated, mutated, hand-built broken streams) and
 * every call must give an error or an in-bounds answer and always return;
 * run under valgrind to catch a stray read. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <kern/dt.h>
#include <kern/errno.h>

/* Assertions for the hot paths (the damage sweep runs them millions of
 * times): unlike ck_assert, which records its location on every pass, these
 * cost nothing until they fail. */
#define require(expr) \
	do { \
		if (!(expr)) \
			ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #expr); \
	} while (0)
#define require_msg(expr, ...) \
	do { \
		if (!(expr)) \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

#ifndef DTB_DIR
#define DTB_DIR "tests/unit/dtb"
#endif

#define MAX_DTBS 32
#define MAX_NODES 1024
#define MAX_DEPTH 64

struct dtb {
	char name[64];
	uint8_t *data;
	size_t len;
};

static struct dtb dtbs[MAX_DTBS];
static int ndtbs;

/* ------------------------------------------------------------ loading */

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct dtb *)a)->name, ((const struct dtb *)b)->name);
}

static void load_dtbs(void)
{
	char dir[4096];
	const char *src = getenv("MACHV_SRCDIR");
	if (src && *src)
		snprintf(dir, sizeof(dir), "%s/tests/unit/dtb", src);
	else
		snprintf(dir, sizeof(dir), "%s", DTB_DIR);

	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "test_dt: no dtb directory %s\n", dir);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)) && ndtbs < MAX_DTBS) {
		size_t n = strlen(e->d_name);
		if (n < 5 || n >= sizeof(dtbs[0].name) ||
		    strcmp(e->d_name + n - 4, ".dtb"))
			continue;
		char path[8192];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		long len = ftell(f);
		fseek(f, 0, SEEK_SET);
		struct dtb *t = &dtbs[ndtbs];
		/* Exactly len bytes, so valgrind sees any read past the end. */
		t->data = malloc(len > 0 ? (size_t)len : 1);
		if (len > 0 && fread(t->data, 1, (size_t)len, f) == (size_t)len) {
			t->len = (size_t)len;
			strcpy(t->name, e->d_name);
			ndtbs++;
		} else {
			free(t->data);
		}
		fclose(f);
	}
	closedir(d);
	qsort(dtbs, (size_t)ndtbs, sizeof(dtbs[0]), by_name);
}

static const struct dtb *find_dtb(const char *name)
{
	for (int i = 0; i < ndtbs; i++)
		if (!strcmp(dtbs[i].name, name))
			return &dtbs[i];
	return NULL;
}

/* A private, exactly-sized copy. */
static uint8_t *copy_of(const void *p, size_t len)
{
	uint8_t *c = malloc(len ? len : 1);
	memcpy(c, p, len);
	return c;
}

static uint32_t get_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static void put_be32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* libfdt's "not found" is our K_ENOENT; any other libfdt error must be some
 * error of ours too. */
static void same_result(int ours, int theirs, const char *what)
{
	if (theirs >= 0)
		require_msg(ours == theirs, "%s: dt %d, libfdt %d", what, ours,
			    theirs);
	else if (theirs == -FDT_ERR_NOTFOUND)
		require_msg(ours == K_ENOENT, "%s: dt %d, libfdt NOTFOUND", what,
			    ours);
	else
		require_msg(ours < 0, "%s: dt %d, libfdt %d", what, ours,
			    theirs);
}

/* ----------------------------------------- the tree as libfdt sees it */

struct node_info {
	int off;
	int depth;
	char path[512];
};

static struct node_info nodes[MAX_NODES];

/* All nodes in document order, with their full paths, by libfdt. */
static int libfdt_nodes(const void *fdt)
{
	int n = 0, depth = -1;

	for (int off = fdt_next_node(fdt, -1, &depth);
	     off >= 0 && depth >= 0; off = fdt_next_node(fdt, off, &depth)) {
		require(n < MAX_NODES);
		require(depth < MAX_DEPTH);
		struct node_info *ni = &nodes[n];
		ni->off = off;
		ni->depth = depth;
		const char *name = fdt_get_name(fdt, off, NULL);
		require(name != NULL);
		if (depth == 0) {
			strcpy(ni->path, "/");
		} else {
			/* The parent is the last node seen one level up. */
			int p = n - 1;
			while (nodes[p].depth != depth - 1)
				p--;
			const char *base = depth == 1 ? "" : nodes[p].path;
			size_t bl = strlen(base), nl = strlen(name);
			require(bl + nl + 2 <= sizeof(ni->path));
			memcpy(ni->path, base, bl);
			ni->path[bl] = '/';
			memcpy(ni->path + bl + 1, name, nl + 1);
		}
		n++;
	}
	return n;
}

/* ----------------------------------------------- structure vs libfdt */

static void compare_walk(const void *fdt, int count, bool quadratic)
{
	int off = dt_root(fdt), depth = 0;
	require(off == nodes[0].off);

	for (int i = 0; i < count; i++) {
		const struct node_info *ni = &nodes[i];
		require_msg(off == ni->off, "node %d: dt %d, libfdt %d (%s)", i,
			    off, ni->off, ni->path);
		require(depth == ni->depth);

		int dl, fl;
		const char *dn = dt_node_name(fdt, off, &dl);
		const char *fn = fdt_get_name(fdt, off, &fl);
		require(dn == fn);
		require(dl == fl);

		same_result(dt_first_child(fdt, off),
			    fdt_first_subnode(fdt, off), "first child");
		same_result(dt_next_sibling(fdt, off),
			    fdt_next_subnode(fdt, off), "next sibling");
		if (quadratic) {
			same_result(dt_node_depth(fdt, off),
				    fdt_node_depth(fdt, off), "depth");
			same_result(dt_parent(fdt, off),
				    fdt_parent_offset(fdt, off), "parent");
		}
		off = dt_next_node(fdt, off, &depth);
	}
	require(off == K_ENOENT);
}

struct prop_list {
	int n;
	const char *name[256];
	const void *val[256];
	int len[256];
};

static int collect_prop(const char *name, const void *val, int len,
			void *arg)
{
	struct prop_list *l = arg;
	require(l->n < 256);
	l->name[l->n] = name;
	l->val[l->n] = val;
	l->len[l->n] = len;
	l->n++;
	return 0;
}

static int stop_at_second(const char *name, const void *val, int len,
			  void *arg)
{
	return ++*(int *)arg == 2 ? 42 : 0;
}

static void compare_props(const void *fdt, int count)
{
	for (int i = 0; i < count; i++) {
		int node = nodes[i].off, po, k = 0;
		struct prop_list l = { 0 };
		require(dt_foreach_prop(fdt, node, collect_prop, &l) == 0);

		fdt_for_each_property_offset(po, fdt, node) {
			const char *name;
			int len;
			const void *val = fdt_getprop_by_offset(fdt, po, &name,
								&len);
			require(k < l.n);
			/* The same bytes: pointers into the same blob. */
			require(l.name[k] == name);
			require(l.val[k] == val);
			require(l.len[k] == len);

			int dlen;
			const void *dv = dt_getprop(fdt, node, name, &dlen);
			int flen;
			const void *fv = fdt_getprop(fdt, node, name, &flen);
			require(dv == fv);   /* first of duplicates */
			require(dlen == flen);
			k++;
		}
		require(k == l.n);

		int len;
		require(dt_getprop(fdt, node, "no-such-prop", &len) == NULL);
		require(len == K_ENOENT);
		require(fdt_getprop(fdt, node, "no-such-prop", NULL) == NULL);
		if (l.n >= 2) {
			int calls = 0;
			require(dt_foreach_prop(fdt, node, stop_at_second,
						&calls) == 42);
			require(calls == 2);
		}
	}
}

/* "/a@1/b@2" -> "/a/b": drop every unit address. */
static void strip_units(const char *in, char *out)
{
	bool skip = false;
	for (; *in; in++) {
		if (*in == '/')
			skip = false;
		else if (*in == '@')
			skip = true;
		if (!skip)
			*out++ = *in;
	}
	*out = '\0';
}

static void compare_path(const void *fdt, const char *path)
{
	int f = fdt_path_offset(fdt, path);
	int d = dt_find_path(fdt, path);
	if (f >= 0)
		ck_assert_msg(d == f, "path %s: dt %d, libfdt %d", path, d, f);
	else
		ck_assert_msg(d < 0, "path %s: dt %d, libfdt %d", path, d, f);
	if (f == -FDT_ERR_NOTFOUND)
		ck_assert_msg(d == K_ENOENT, "path %s: dt %d", path, d);
}

static void compare_paths(const void *fdt, int count)
{
	char buf[1100];
	for (int i = 0; i < count; i++) {
		const char *p = nodes[i].path;
		/* Not always nodes[i] itself: "/dup" finds an earlier "dup@1". */
		int want = fdt_path_offset(fdt, p);
		ck_assert_int_ge(want, 0);
		compare_path(fdt, p);
		strip_units(p, buf);
		compare_path(fdt, buf);
		snprintf(buf, sizeof(buf), "%s/", p);
		compare_path(fdt, buf);
		snprintf(buf, sizeof(buf), "/%s", p);
		compare_path(fdt, buf);
		snprintf(buf, sizeof(buf), "%s/nonexistent", p);
		compare_path(fdt, buf);
		snprintf(buf, sizeof(buf), "%s@", p);
		compare_path(fdt, buf);
		/* A prefix of a name is not a match. */
		size_t n = strlen(p);
		if (n > 2) {
			snprintf(buf, sizeof(buf), "%.*s", (int)n - 1, p);
			compare_path(fdt, buf);
		}
		/* dt_find_path_len looks only at the first len bytes. */
		snprintf(buf, sizeof(buf), "%sXYZ", p);
		ck_assert_int_eq(dt_find_path_len(fdt, buf, n), want);
	}

	/* Every alias, alone and followed by a path. */
	int aliases = fdt_path_offset(fdt, "/aliases"), po;
	if (aliases >= 0) {
		fdt_for_each_property_offset(po, fdt, aliases) {
			const char *name;
			fdt_getprop_by_offset(fdt, po, &name, NULL);
			compare_path(fdt, name);
			snprintf(buf, sizeof(buf), "%s/nonexistent", name);
			compare_path(fdt, buf);
		}
	}
	compare_path(fdt, "no-such-alias");
	compare_path(fdt, "/no-such-node");
	compare_path(fdt, "//");
	ck_assert_int_eq(dt_find_path(fdt, "/"), dt_root(fdt));
	ck_assert_int_lt(dt_find_path(fdt, ""), 0);
	ck_assert_int_lt(dt_find_path(fdt, NULL), 0);
}

/* Every string of every compatible list. */
static int compat_strings(const void *fdt, int count, const char **out,
			  int max)
{
	int n = 0;
	for (int i = 0; i < count; i++) {
		int len;
		const char *c = fdt_getprop(fdt, nodes[i].off, "compatible", &len);
		for (int k = 0; c && k < len; k += (int)strlen(c + k) + 1) {
			int j;
			for (j = 0; j < n; j++)
				if (!strcmp(out[j], c + k))
					break;
			if (j == n && n < max)
				out[n++] = c + k;
		}
	}
	return n;
}

static void compare_compatible(const void *fdt, int count)
{
	const char *compat[512];
	int n = compat_strings(fdt, count, compat, 512);
	ck_assert_int_gt(n, 0);

	for (int c = 0; c < n; c++) {
		int d = dt_find_compatible(fdt, -1, compat[c]);
		int f = fdt_node_offset_by_compatible(fdt, -1, compat[c]);
		int matches = 0;
		while (f >= 0) {
			ck_assert_int_eq(d, f);
			matches++;
			d = dt_find_compatible(fdt, d, compat[c]);
			f = fdt_node_offset_by_compatible(fdt, f, compat[c]);
		}
		ck_assert_int_gt(matches, 0);
		same_result(d, f, compat[c]);
	}
	for (int i = 0; i < count; i++) {
		int node = nodes[i].off;
		for (int c = 0; c < n; c += 3)
			ck_assert_int_eq(dt_is_compatible(fdt, node, compat[c]),
					 fdt_node_check_compatible(fdt, node,
								   compat[c]) == 0);
		ck_assert(!dt_is_compatible(fdt, node, "no,such-device"));
	}
	ck_assert_int_eq(dt_find_compatible(fdt, -1, "no,such-device"), K_ENOENT);
}

static void compare_phandles(const void *fdt, int count)
{
	uint32_t max = 0;
	for (int i = 0; i < count; i++) {
		uint32_t ph = fdt_get_phandle(fdt, nodes[i].off);
		if (!ph)
			continue;
		if (ph > max)
			max = ph;
		same_result(dt_find_phandle(fdt, ph),
			    fdt_node_offset_by_phandle(fdt, ph), "phandle");
	}
	ck_assert_int_eq(dt_find_phandle(fdt, max + 1), K_ENOENT);
	ck_assert_int_eq(dt_find_phandle(fdt, 0), K_EINVAL);
	ck_assert_int_eq(dt_find_phandle(fdt, UINT32_MAX), K_EINVAL);
}

static void compare_mem_rsv(const void *fdt)
{
	int n = fdt_num_mem_rsv(fdt);
	ck_assert_int_ge(n, 0);
	for (int i = 0; i < n; i++) {
		uint64_t fa, fs, da, ds;
		ck_assert_int_eq(fdt_get_mem_rsv(fdt, i, &fa, &fs), 0);
		ck_assert_int_eq(dt_mem_rsv(fdt, i, &da, &ds), 0);
		ck_assert_uint_eq(da, fa);
		ck_assert_uint_eq(ds, fs);
	}
	uint64_t a, s;
	ck_assert_int_eq(dt_mem_rsv(fdt, n, &a, &s), K_ENOENT);
	ck_assert_int_eq(dt_mem_rsv(fdt, -1, &a, &s), K_EINVAL);
}

/* ------------------------------------- reg and interrupts by reference */

static bool ref_cells(const uint8_t *p, int n, uint64_t *out)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++) {
		if (v >> 32)
			return false;
		v = v << 32 | get_be32(p + 4 * i);
	}
	*out = v;
	return true;
}

/* The spec's translation, spelt out with libfdt: 0, or -1 if some bus
 * does not map the address. */
static int ref_translate(const void *fdt, int bus, uint64_t *addr)
{
	for (int up; (up = fdt_parent_offset(fdt, bus)) >= 0; bus = up) {
		int len;
		const uint8_t *r = fdt_getprop(fdt, bus, "ranges", &len);
		if (!r)
			return -1;
		if (len == 0)
			continue;
		int cac = fdt_address_cells(fdt, bus);
		int pac = fdt_address_cells(fdt, up);
		int sc = fdt_size_cells(fdt, bus);
		int entry = 4 * (cac + pac + sc);
		bool found = false;
		for (int o = 0; o + entry <= len && !found; o += entry) {
			uint64_t c, p, s;
			if (!ref_cells(r + o, cac, &c) ||
			    !ref_cells(r + o + 4 * cac, pac, &p) ||
			    !ref_cells(r + o + 4 * (cac + pac), sc, &s))
				continue;
			if (*addr >= c && *addr - c < s) {
				*addr = p + (*addr - c);
				found = true;
			}
		}
		if (!found)
			return -1;
	}
	return 0;
}

static void compare_reg(const void *fdt, int count)
{
	int checked = 0;
	for (int i = 0; i < count; i++) {
		int node = nodes[i].off;
		same_result(dt_address_cells(fdt, node),
			    fdt_address_cells(fdt, node), "#address-cells");
		same_result(dt_size_cells(fdt, node),
			    fdt_size_cells(fdt, node), "#size-cells");
		if (i == 0) {
			uint64_t a, s;
			ck_assert_int_eq(dt_reg_raw(fdt, node, 0, &a, &s),
					 K_ENOENT);
			continue;
		}
		int len;
		const uint8_t *reg = fdt_getprop(fdt, node, "reg", &len);
		int parent = fdt_parent_offset(fdt, node);
		int ac = fdt_address_cells(fdt, parent);
		int sc = fdt_size_cells(fdt, parent);
		if (!reg) {
			uint64_t a, s;
			ck_assert_int_eq(dt_reg_raw(fdt, node, 0, &a, &s), K_ENOENT);
			ck_assert_int_eq(dt_reg(fdt, node, 0, &a, &s), K_ENOENT);
			continue;
		}
		if (ac < 0 || sc < 0 || len % (4 * (ac + sc))) {
			uint64_t a, s;
			ck_assert_int_eq(dt_reg_raw(fdt, node, 0, &a, &s), K_EINVAL);
			continue;
		}
		int entries = len / (4 * (ac + sc));
		for (int e = 0; e < entries; e++) {
			uint64_t ra, rs, da, ds;
			bool ok = ref_cells(reg + 4 * (ac + sc) * e, ac, &ra) &&
				  ref_cells(reg + 4 * (ac + sc) * e + 4 * ac, sc, &rs);
			int r = dt_reg_raw(fdt, node, e, &da, &ds);
			if (!ok) {
				ck_assert_int_eq(r, K_EINVAL);
				continue;
			}
			ck_assert_int_eq(r, 0);
			ck_assert_uint_eq(da, ra);
			ck_assert_uint_eq(ds, rs);

			paddr_t pa;
			r = dt_reg(fdt, node, e, &pa, &ds);
			if (ref_translate(fdt, parent, &ra) == 0) {
				ck_assert_msg(r == 0, "%s reg %d: %d",
					      nodes[i].path, e, r);
				ck_assert_uint_eq(pa, ra);
				ck_assert_uint_eq(ds, rs);
			} else {
				ck_assert_int_eq(r, K_EFAULT);
			}
			checked++;
		}
		uint64_t a, s;
		ck_assert_int_eq(dt_reg_raw(fdt, node, entries, &a, &s), K_ENOENT);
		ck_assert_int_eq(dt_reg_raw(fdt, node, -1, &a, &s), K_EINVAL);
	}
	ck_assert_int_gt(checked, 0);
}

/* Linux's of_irq_find_parent, with libfdt. */
static int ref_irq_parent(const void *fdt, int node)
{
	for (int hop = 0; hop < 64; hop++) {
		int len;
		const uint8_t *ip = fdt_getprop(fdt, node, "interrupt-parent", &len);
		int next = ip ? fdt_node_offset_by_phandle(fdt, get_be32(ip))
			      : fdt_parent_offset(fdt, node);
		if (next < 0)
			return -1;
		if (fdt_getprop(fdt, next, "#interrupt-cells", NULL))
			return next;
		node = next;
	}
	return -1;
}

static int ref_irq_cells(const void *fdt, int ctrl)
{
	int len;
	const uint8_t *c = fdt_getprop(fdt, ctrl, "#interrupt-cells", &len);
	return c && len == 4 ? (int)get_be32(c) : -1;
}

static int compare_interrupts(const void *fdt, int count)
{
	int checked = 0;
	for (int i = 0; i < count; i++) {
		int node = nodes[i].off, len, ncells, ctrl;
		uint32_t cells[DT_MAX_IRQ_CELLS];
		const uint8_t *ext = fdt_getprop(fdt, node, "interrupts-extended",
						 &len);
		const uint8_t *irq = fdt_getprop(fdt, node, "interrupts", NULL);
		if (!ext && !irq) {
			ck_assert_int_eq(dt_interrupt(fdt, node, 0, cells, &ncells,
						      &ctrl), K_ENOENT);
			continue;
		}
		int index = 0;
		if (ext) {
			for (int o = 0; o + 4 <= len; index++) {
				int c = fdt_node_offset_by_phandle(fdt, get_be32(ext + o));
				int n = ref_irq_cells(fdt, c);
				ck_assert_int_ge(n, 0);
				o += 4;
				ck_assert_int_eq(dt_interrupt(fdt, node, index, cells,
							      &ncells, &ctrl), 0);
				ck_assert_int_eq(ctrl, c);
				ck_assert_int_eq(ncells, n);
				for (int k = 0; k < n; k++)
					ck_assert_uint_eq(cells[k], get_be32(ext + o + 4 * k));
				o += 4 * n;
				checked++;
			}
		} else {
			int c = ref_irq_parent(fdt, node);
			ck_assert_int_eq(dt_interrupt_parent(fdt, node), c);
			int n = ref_irq_cells(fdt, c);
			ck_assert_int_eq(dt_interrupt_cells(fdt, c), n);
			fdt_getprop(fdt, node, "interrupts", &len);
			if (n <= 0 || len % (4 * n)) {
				ck_assert_int_eq(dt_interrupt(fdt, node, 0, cells,
							      &ncells, &ctrl), K_EINVAL);
				continue;
			}
			for (; (index + 1) * 4 * n <= len; index++) {
				ck_assert_int_eq(dt_interrupt(fdt, node, index, cells,
							      &ncells, &ctrl), 0);
				ck_assert_int_eq(ctrl, c);
				ck_assert_int_eq(ncells, n);
				for (int k = 0; k < n; k++)
					ck_assert_uint_eq(cells[k],
							  get_be32(irq + 4 * (index * n + k)));
				checked++;
			}
		}
		ck_assert_int_eq(dt_interrupt(fdt, node, index, cells, &ncells,
					      &ctrl), K_ENOENT);
	}
	return checked;
}

/* ------------------------------------------------ queries by reference */

struct ranges {
	int n;
	uint64_t base[64], size[64];
};

static void add_range(paddr_t base, uint64_t size, void *arg)
{
	struct ranges *r = arg;
	ck_assert_int_lt(r->n, 64);
	r->base[r->n] = base;
	r->size[r->n] = size;
	r->n++;
}

static bool ref_enabled(const void *fdt, int node)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "status", &len);
	return !s || (len == 5 && !strcmp(s, "okay")) ||
	       (len == 3 && !strcmp(s, "ok"));
}

/* The reg ranges of node with libfdt, when they need no translation. */
static void ref_reg_ranges(const void *fdt, int node, struct ranges *out)
{
	int len;
	const uint8_t *reg = fdt_getprop(fdt, node, "reg", &len);
	int parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
	for (int o = 0; reg && o + 4 * (ac + sc) <= len; o += 4 * (ac + sc)) {
		uint64_t a, s;
		ck_assert(ref_cells(reg + o, ac, &a));
		ck_assert(ref_cells(reg + o + 4 * ac, sc, &s));
		ck_assert_int_eq(ref_translate(fdt, parent, &a), 0);
		if (s)
			add_range(a, s, out);
	}
}

static void compare_queries(const void *fdt, int count)
{
	struct ranges got = { 0 }, want = { 0 };

	/* Memory. */
	for (int i = 0; i < count; i++) {
		int len;
		const char *t = fdt_getprop(fdt, nodes[i].off, "device_type", &len);
		if (t && len == 7 && !strcmp(t, "memory") &&
		    ref_enabled(fdt, nodes[i].off))
			ref_reg_ranges(fdt, nodes[i].off, &want);
	}
	ck_assert_int_eq(dt_memory(fdt, add_range, &got), want.n);
	ck_assert_int_eq(got.n, want.n);
	ck_assert_int_gt(got.n, 0);
	for (int i = 0; i < got.n; i++) {
		ck_assert_uint_eq(got.base[i], want.base[i]);
		ck_assert_uint_eq(got.size[i], want.size[i]);
	}

	/* Reservations. */
	memset(&got, 0, sizeof(got));
	memset(&want, 0, sizeof(want));
	for (int i = 0; i < fdt_num_mem_rsv(fdt); i++) {
		uint64_t a, s;
		fdt_get_mem_rsv(fdt, i, &a, &s);
		if (s)
			add_range(a, s, &want);
	}
	int resv = fdt_path_offset(fdt, "/reserved-memory"), child;
	if (resv >= 0)
		fdt_for_each_subnode(child, fdt, resv)
			if (ref_enabled(fdt, child))
				ref_reg_ranges(fdt, child, &want);
	ck_assert_int_eq(dt_reserved(fdt, add_range, &got), want.n);
	ck_assert_int_eq(got.n, want.n);
	for (int i = 0; i < got.n; i++) {
		ck_assert_uint_eq(got.base[i], want.base[i]);
		ck_assert_uint_eq(got.size[i], want.size[i]);
	}

	/* /chosen. */
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *bootargs;
	paddr_t is, ie;
	int r = dt_chosen(fdt, &bootargs, &is, &ie);
	ck_assert_int_ge(chosen, 0);
	ck_assert_int_eq(r, 0);
	ck_assert_ptr_eq(bootargs, fdt_getprop(fdt, chosen, "bootargs", NULL));
	int len;
	const uint8_t *p = fdt_getprop(fdt, chosen, "linux,initrd-start", &len);
	if (p) {
		ck_assert_uint_eq(is, len == 8 ? fdt64_ld((const fdt64_t *)p)
					       : fdt32_ld((const fdt32_t *)p));
		p = fdt_getprop(fdt, chosen, "linux,initrd-end", &len);
		ck_assert_uint_eq(ie, len == 8 ? fdt64_ld((const fdt64_t *)p)
					       : fdt32_ld((const fdt32_t *)p));
	} else {
		ck_assert_uint_eq(is, 0);
		ck_assert_uint_eq(ie, 0);
	}

	/* The console. */
	const char *sp = fdt_getprop(fdt, chosen, "stdout-path", NULL);
	const char *opts;
	if (sp) {
		const char *colon = strchr(sp, ':');
		int plen = colon ? (int)(colon - sp) : (int)strlen(sp);
		int want_node = fdt_path_offset_namelen(fdt, sp, plen);
		ck_assert_int_ge(want_node, 0);
		ck_assert_int_eq(dt_stdout_node(fdt, &opts), want_node);
		ck_assert_ptr_eq(opts, colon ? colon + 1 : NULL);
	} else {
		ck_assert_int_eq(dt_stdout_node(fdt, &opts), K_ENOENT);
	}

	/* cpus. */
	int cpus = fdt_path_offset(fdt, "/cpus"), ncpu = 0;
	uint64_t id;
	int c = dt_cpu_next(fdt, -1, &id);
	fdt_for_each_subnode(child, fdt, cpus) {
		const char *t = fdt_getprop(fdt, child, "device_type", NULL);
		if (!t || strcmp(t, "cpu") || !ref_enabled(fdt, child))
			continue;
		ck_assert_int_eq(c, child);
		const uint8_t *reg = fdt_getprop(fdt, child, "reg", NULL);
		uint64_t want_id;
		ck_assert(ref_cells(reg, fdt_address_cells(fdt, cpus), &want_id));
		ck_assert_uint_eq(id, want_id);
		ncpu++;
		c = dt_cpu_next(fdt, c, &id);
	}
	ck_assert_int_eq(c, K_ENOENT);
	ck_assert_int_gt(ncpu, 0);

	/* Every virtio-mmio device, enabled ones only. */
	struct dt_device dev;
	int n = dt_virtio_mmio_next(fdt, -1, &dev);
	for (int f = fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio");
	     f >= 0; f = fdt_node_offset_by_compatible(fdt, f, "virtio,mmio")) {
		if (!ref_enabled(fdt, f))
			continue;
		ck_assert_int_eq(n, f);
		ck_assert_int_eq(dev.node, f);
		paddr_t base;
		uint64_t size;
		ck_assert_int_eq(dt_reg(fdt, f, 0, &base, &size), 0);
		ck_assert_uint_eq(dev.base, base);
		ck_assert_uint_eq(dev.size, size);
		uint32_t cells[DT_MAX_IRQ_CELLS];
		int nc, ctrl;
		ck_assert_int_eq(dt_interrupt(fdt, f, 0, cells, &nc, &ctrl), 0);
		ck_assert_int_eq(dev.irq_cells, nc);
		ck_assert_int_eq(dev.irq_controller, ctrl);
		ck_assert_mem_eq(dev.irq, cells, sizeof(uint32_t) * nc);
		n = dt_virtio_mmio_next(fdt, n, &dev);
	}
	ck_assert_int_eq(n, K_ENOENT);
}

/* Everything above, on one tree. */
static void compare_all(const void *fdt)
{
	ck_assert_int_eq(fdt_check_header(fdt), 0);
	int count = libfdt_nodes(fdt);
	ck_assert_int_gt(count, 10);
	compare_walk(fdt, count, true);
	compare_props(fdt, count);
	compare_paths(fdt, count);
	compare_compatible(fdt, count);
	compare_phandles(fdt, count);
	compare_mem_rsv(fdt);
	compare_reg(fdt, count);
	ck_assert_int_gt(compare_interrupts(fdt, count), 0);
	compare_queries(fdt, count);
}

/* ------------------------------------------------------ the test cases */

START_TEST(dtb_set_present)
{
	static const char *const want[] = {
		"aarch64-virt-gicv3.dtb", "aarch64-virt-gicv2.dtb",
		"aarch64-virt-el2.dtb", "aarch64-virt-secure.dtb",
		"aarch64-virt-smp4.dtb", "aarch64-virt-boot.dtb",
		"riscv64-virt.dtb", "riscv64-virt-aia-smp4.dtb",
		"riscv64-virt-smp4-boot.dtb", "synthetic.dtb",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(find_dtb(want[i]), "missing %s", want[i]);
}
END_TEST

START_TEST(header_matches_libfdt)
{
	const struct dtb *t = &dtbs[_i];
	ck_assert_int_eq(fdt_check_header(t->data), 0);
	ck_assert_int_eq(fdt_check_full(t->data, t->len), 0);
	ck_assert_int_eq(dt_check(t->data, t->len), 0);
	ck_assert_uint_eq(dt_total_size(t->data), fdt_totalsize(t->data));
	ck_assert_uint_eq(dt_total_size(t->data), t->len);
	/* One byte short of totalsize is a truncated tree. */
	ck_assert_int_eq(dt_check(t->data, t->len - 1), K_EINVAL);
	ck_assert_int_eq(dt_check(t->data, 0), K_EINVAL);
	ck_assert_int_eq(dt_check(NULL, t->len), K_EINVAL);
	compare_mem_rsv(t->data);
}
END_TEST

START_TEST(tree_matches_libfdt)
{
	compare_all(dtbs[_i].data);
}
END_TEST

/* NOP tokens anywhere (what fdt_nop_property/fdt_nop_node leave behind)
 * change no answer. */
START_TEST(nops_match_libfdt)
{
	const struct dtb *t = &dtbs[_i];
	uint8_t *b = copy_of(t->data, t->len);
	int count = libfdt_nodes(b), nopped = 0;

	/* Blank every third property of every node, and some whole leaf
	 * nodes that nothing refers to by phandle. */
	for (int i = count - 1; i >= 0; i--) {
		int node = nodes[i].off, po, k = 0;
		const char *names[64];
		fdt_for_each_property_offset(po, b, node) {
			const char *name;
			fdt_getprop_by_offset(b, po, &name, NULL);
			if (k < 64)
				names[k++] = name;
		}
		for (int j = 0; j < k; j += 3) {
			if (!strcmp(names[j], "phandle") ||
			    !strcmp(names[j], "#address-cells") ||
			    !strcmp(names[j], "#size-cells") ||
			    !strcmp(names[j], "#interrupt-cells") ||
			    !strcmp(names[j], "ranges") ||
			    !strcmp(names[j], "device_type") ||
			    !strcmp(names[j], "reg"))
				continue;
			ck_assert_int_eq(fdt_nop_property(b, node, names[j]), 0);
			nopped++;
		}
		if (i % 7 == 3 && fdt_first_subnode(b, node) < 0 &&
		    !fdt_get_phandle(b, node) && nodes[i].depth > 1) {
			ck_assert_int_eq(fdt_nop_node(b, node), 0);
			nopped++;
		}
	}
	ck_assert_int_gt(nopped, 0);
	ck_assert_int_eq(dt_check(b, t->len), 0);
	count = libfdt_nodes(b);
	compare_walk(b, count, true);
	compare_props(b, count);
	compare_paths(b, count);
	compare_compatible(b, count);
	compare_phandles(b, count);
	compare_reg(b, count);
	free(b);
}
END_TEST

/* A version 16 header (no size_dt_struct) reads the same. */
START_TEST(version16_header)
{
	const struct dtb *t = &dtbs[_i];
	uint8_t *b = copy_of(t->data, t->len);
	put_be32(b + 20, 16);
	/* size_dt_struct is not part of a v16 header: it must be ignored. */
	put_be32(b + 36, 0xfffffff0);
	ck_assert_int_eq(fdt_check_header(b), 0);
	ck_assert_int_eq(dt_check(b, t->len), 0);
	int count = libfdt_nodes(b);
	compare_walk(b, count, false);
	compare_paths(b, count);
	put_be32(b + 20, 15);
	ck_assert_int_eq(dt_check(b, t->len), K_EINVAL);
	ck_assert_int_eq(dt_root(b), K_EINVAL);
	free(b);
}
END_TEST

/* What the arch ports will rely on, stated for each QEMU machine. */
struct machine {
	const char *dtb;
	int cpus;
	int psci;               /* DT_PSCI_* or K_E* */
	uint64_t timebase;      /* 0: none */
	int virtio;
	bool initrd;
	const char *console;
	const char *intc;       /* compatible of the devices' controller */
	int irq_cells;
	paddr_t ram;
};

static const struct machine machines[] = {
	{ "aarch64-virt-gicv3.dtb", 1, DT_PSCI_HVC, 0, 32, false,
	  "/pl011@9000000", "arm,gic-v3", 3, 0x40000000 },
	{ "aarch64-virt-gicv2.dtb", 1, DT_PSCI_HVC, 0, 32, false,
	  "/pl011@9000000", "arm,cortex-a15-gic", 3, 0x40000000 },
	{ "aarch64-virt-el2.dtb", 1, DT_PSCI_SMC, 0, 32, false,
	  "/pl011@9000000", "arm,gic-v3", 3, 0x40000000 },
	{ "aarch64-virt-secure.dtb", 1, K_ENOENT, 0, 32, false,
	  "/pl011@9000000", "arm,cortex-a15-gic", 3, 0x40000000 },
	{ "aarch64-virt-smp4.dtb", 4, DT_PSCI_HVC, 0, 32, false,
	  "/pl011@9000000", "arm,gic-v3", 3, 0x40000000 },
	{ "aarch64-virt-boot.dtb", 1, DT_PSCI_HVC, 0, 32, true,
	  "/pl011@9000000", "arm,gic-v3", 3, 0x40000000 },
	{ "riscv64-virt.dtb", 1, K_ENOENT, 10000000, 8, false,
	  "/soc/serial@10000000", "riscv,plic0", 1, 0x80000000 },
	{ "riscv64-virt-aia-smp4.dtb", 4, K_ENOENT, 10000000, 8, false,
	  "/soc/serial@10000000", "riscv,aplic", 2, 0x80000000 },
	{ "riscv64-virt-smp4-boot.dtb", 4, K_ENOENT, 10000000, 8, true,
	  "/soc/serial@10000000", "riscv,plic0", 1, 0x80000000 },
};

START_TEST(qemu_machine_facts)
{
	const struct machine *m = &machines[_i];
	const struct dtb *t = find_dtb(m->dtb);
	ck_assert_msg(t, "missing %s", m->dtb);
	const void *fdt = t->data;

	int n = 0;
	uint64_t id, prev = 0;
	for (int c = dt_cpu_next(fdt, -1, &id); c >= 0;
	     c = dt_cpu_next(fdt, c, &id)) {
		ck_assert(n == 0 || id > prev);
		prev = id;
		n++;
	}
	ck_assert_int_eq(n, m->cpus);
	ck_assert_int_eq(dt_psci_method(fdt), m->psci);

	uint64_t hz = 0;
	ck_assert_int_eq(dt_timebase_frequency(fdt, &hz),
			 m->timebase ? 0 : K_ENOENT);
	ck_assert_uint_eq(hz, m->timebase);

	struct ranges mem = { 0 };
	ck_assert_int_eq(dt_memory(fdt, add_range, &mem), 1);
	ck_assert_uint_eq(mem.base[0], m->ram);
	ck_assert_uint_eq(mem.size[0], 128u << 20);

	const char *bootargs;
	paddr_t is, ie;
	ck_assert_int_eq(dt_chosen(fdt, &bootargs, &is, &ie), 0);
	if (m->initrd) {
		ck_assert_str_eq(bootargs, "console=x ktest");
		ck_assert_uint_eq(ie - is, 100000);     /* regen.sh's initrd */
		ck_assert(is >= m->ram && ie <= m->ram + (128u << 20));
	} else {
		ck_assert_ptr_null(bootargs);
		ck_assert_uint_eq(is, 0);
		ck_assert_uint_eq(ie, 0);
	}

	const char *opts = "x";
	ck_assert_int_eq(dt_stdout_node(fdt, &opts), dt_find_path(fdt, m->console));
	ck_assert_ptr_null(opts);

	/* The console's interrupt goes to the machine's controller, with
	 * the number of cells its driver expects. */
	int uart = dt_find_path(fdt, m->console), ctrl, nc;
	uint32_t cells[DT_MAX_IRQ_CELLS];
	ck_assert_int_ge(uart, 0);
	ck_assert_int_eq(dt_interrupt(fdt, uart, 0, cells, &nc, &ctrl), 0);
	ck_assert(dt_is_compatible(fdt, ctrl, m->intc));
	ck_assert_int_eq(nc, m->irq_cells);
	ck_assert_int_eq(dt_interrupt_parent(fdt, uart), ctrl);
	ck_assert_int_eq(dt_interrupt_cells(fdt, ctrl), m->irq_cells);

	struct dt_device dev;
	int count = 0;
	paddr_t last = 0;
	for (int v = dt_virtio_mmio_next(fdt, -1, &dev); v >= 0;
	     v = dt_virtio_mmio_next(fdt, v, &dev)) {
		ck_assert_int_eq(dev.node, v);
		ck_assert(dev.size == 0x200 || dev.size == 0x1000);
		ck_assert_uint_ne(dev.base, last);
		ck_assert(dt_is_compatible(fdt, dev.irq_controller, m->intc));
		ck_assert_int_eq(dev.irq_cells, m->irq_cells);
		last = dev.base;
		count++;
	}
	ck_assert_int_eq(count, m->virtio);
}
END_TEST

/* riscv's PLIC names its contexts by interrupts-extended pointing at each
 * hart's local controller: 11 (M external) and 9 (S external). */
START_TEST(riscv_plic_contexts)
{
	const void *fdt = find_dtb("riscv64-virt-smp4-boot.dtb")->data;
	int plic = dt_find_path(fdt, "/soc/plic");
	ck_assert_int_ge(plic, 0);
	ck_assert(dt_is_compatible(fdt, plic, "riscv,plic0"));
	paddr_t base;
	uint64_t size;
	ck_assert_int_eq(dt_reg(fdt, plic, 0, &base, &size), 0);
	ck_assert_uint_eq(base, 0xc000000);

	uint32_t cells[DT_MAX_IRQ_CELLS];
	int nc, ctrl, i;
	for (i = 0; dt_interrupt(fdt, plic, i, cells, &nc, &ctrl) == 0; i++) {
		ck_assert_int_eq(nc, 1);
		ck_assert_uint_eq(cells[0], i % 2 ? 9 : 11);
		ck_assert(dt_is_compatible(fdt, ctrl, "riscv,cpu-intc"));
		int hart = dt_parent(fdt, ctrl);
		uint64_t hartid;
		ck_assert_int_eq(dt_reg_raw(fdt, hart, 0, &hartid, NULL), 0);
		ck_assert_uint_lt(hartid, 4);
	}
	ck_assert_int_eq(i, 8);

	/* A device without reg or interrupts: base, size and cells 0. */
	struct dt_device dev = { .base = 1, .size = 1, .irq_cells = 1 };
	int intc = dt_device_next(fdt, -1, "riscv,cpu-intc", &dev);
	ck_assert_int_eq(intc, dt_find_path(fdt, "/cpus/cpu@0/interrupt-controller"));
	ck_assert_uint_eq(dev.base, 0);
	ck_assert_uint_eq(dev.size, 0);
	ck_assert_int_eq(dev.irq_cells, 0);
	ck_assert_int_eq(dev.irq_controller, -1);
}
END_TEST

START_TEST(synthetic_tree)
{
	const void *fdt = find_dtb("synthetic.dtb")->data;
	struct ranges r = { 0 };

	/* Memory: two ranges of one node and the "ok" node, not the
	 * disabled one. */
	ck_assert_int_eq(dt_memory(fdt, add_range, &r), 3);
	ck_assert_uint_eq(r.base[0], 0x40000000);
	ck_assert_uint_eq(r.size[0], 0x08000000);
	ck_assert_uint_eq(r.base[1], 0x50000000);
	ck_assert_uint_eq(r.base[2], 0x70000000);

	/* Reservations: the block's two entries, then the firmware. */
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(dt_reserved(fdt, add_range, &r), 3);
	ck_assert_uint_eq(r.base[0], 0x48000000);
	ck_assert_uint_eq(r.size[0], 0x00100000);
	ck_assert_uint_eq(r.base[1], 0x4ff00000);
	ck_assert_uint_eq(r.base[2], 0x4e000000);
	ck_assert_uint_eq(r.size[2], 0x00200000);

	const char *bootargs, *opts;
	paddr_t is, ie;
	ck_assert_int_eq(dt_chosen(fdt, &bootargs, &is, &ie), 0);
	ck_assert_str_eq(bootargs, "root=none ktest=dt");
	ck_assert_uint_eq(is, 0x48800000);          /* 32-bit cells */
	ck_assert_uint_eq(ie, 0x48900000);
	ck_assert_int_eq(dt_chosen(fdt, NULL, NULL, NULL), 0);

	int uart0 = dt_find_path(fdt, "/bus@f0000000/uart@1000");
	int uart1 = dt_find_path(fdt, "/bus/uart@2000");
	ck_assert_int_ge(uart0, 0);
	ck_assert_int_ge(uart1, 0);
	ck_assert_int_eq(dt_stdout_node(fdt, &opts), uart0);
	ck_assert_str_eq(opts, "115200n8");
	ck_assert_int_eq(dt_find_path(fdt, "serial0"), uart0);
	ck_assert_int_eq(dt_find_path(fdt, "serial1"), uart1);
	ck_assert_int_eq(dt_find_path(fdt, "broken"), K_EINVAL);
	ck_assert_int_eq(dt_find_path(fdt, "nosuch"), K_ENOENT);
	ck_assert_int_eq(dt_find_path(fdt, "/dup"), dt_find_path(fdt, "/dup@1"));
	ck_assert_int_lt(dt_find_path(fdt, "/dup@1"), dt_find_path(fdt, "/dup@2"));
	int leaf = dt_find_path(fdt, "/deep/a/b/c/d/e/f/g/h/leaf");
	ck_assert_int_eq(dt_find_compatible(fdt, -1, "machv,leaf"), leaf);
	ck_assert_int_eq(dt_node_depth(fdt, leaf), 10);

	/* Addresses: 1-cell root, two windows, a nested bus with 2-cell
	 * addresses, an address outside every window, a bus without
	 * ranges, a reg of the wrong length. */
	paddr_t a;
	uint64_t s, raw;
	ck_assert_int_eq(dt_reg(fdt, uart0, 0, &a, &s), 0);
	ck_assert_uint_eq(a, 0xf0001000);
	ck_assert_uint_eq(s, 0x100);
	ck_assert_int_eq(dt_reg_raw(fdt, uart0, 0, &raw, NULL), 0);
	ck_assert_uint_eq(raw, 0x1000);
	int v0 = dt_find_path(fdt, "/bus/virtio@200000");
	ck_assert_int_eq(dt_reg(fdt, v0, 0, &a, &s), 0);
	ck_assert_uint_eq(a, 0xe0000000);
	int v2 = dt_find_path(fdt, "/bus/subbus/virtio@1,100");
	ck_assert_int_eq(dt_reg_raw(fdt, v2, 0, &raw, &s), 0);
	ck_assert_uint_eq(raw, 0x100000100ull);
	ck_assert_int_eq(dt_reg(fdt, v2, 0, &a, &s), 0);
	ck_assert_uint_eq(a, 0xf0008100);
	ck_assert_int_eq(dt_reg(fdt, dt_find_path(fdt, "/bus/subbus/outside"), 0,
				&a, &s), K_EFAULT);
	ck_assert_int_eq(dt_reg(fdt, dt_find_path(fdt, "/bus/nobus/dev"), 0,
				&a, &s), K_EFAULT);
	int bad = dt_find_path(fdt, "/malformed");
	ck_assert_int_eq(dt_reg(fdt, bad, 0, &a, &s), K_EINVAL);

	/* Interrupts: inherited from the root, named by interrupt-parent,
	 * by interrupts-extended, and the wrong number of cells. */
	int gic = dt_find_compatible(fdt, -1, "arm,gic-v3");
	int intc2 = dt_find_compatible(fdt, -1, "vendor,intc");
	uint32_t c[DT_MAX_IRQ_CELLS];
	int nc, ctrl;
	ck_assert_int_eq(dt_interrupt(fdt, uart0, 0, c, &nc, &ctrl), 0);
	ck_assert_int_eq(ctrl, gic);
	ck_assert_int_eq(nc, 3);
	ck_assert(c[0] == 0 && c[1] == 1 && c[2] == 4);
	ck_assert_int_eq(dt_interrupt(fdt, uart1, 1, c, &nc, &ctrl), 0);
	ck_assert_int_eq(ctrl, intc2);
	ck_assert_int_eq(nc, 1);
	ck_assert_uint_eq(c[0], 8);
	ck_assert_int_eq(dt_interrupt(fdt, uart1, 2, c, &nc, &ctrl), K_ENOENT);
	ck_assert_int_eq(dt_interrupt(fdt, v0, 0, c, &nc, &ctrl), 0);
	ck_assert(ctrl == intc2 && nc == 1 && c[0] == 3);
	ck_assert_int_eq(dt_interrupt(fdt, v0, 1, c, &nc, &ctrl), 0);
	ck_assert(ctrl == gic && nc == 3 && c[1] == 5);
	ck_assert_int_eq(dt_interrupt(fdt, v0, 2, c, &nc, &ctrl), K_ENOENT);
	ck_assert_int_eq(dt_interrupt(fdt, bad, 0, c, &nc, &ctrl), K_EINVAL);
	ck_assert_int_eq(dt_interrupt_parent(fdt, intc2), gic);
	ck_assert_int_eq(dt_interrupt_parent(fdt, dt_root(fdt)), gic);

	/* Devices: the disabled virtio node is skipped. */
	struct dt_device dev;
	int n = dt_virtio_mmio_next(fdt, -1, &dev);
	ck_assert_int_eq(n, v0);
	ck_assert_uint_eq(dev.base, 0xe0000000);
	ck_assert_int_eq(dev.irq_controller, intc2);
	n = dt_virtio_mmio_next(fdt, n, &dev);
	ck_assert_int_eq(n, v2);
	ck_assert_uint_eq(dev.base, 0xf0008100);
	ck_assert_uint_eq(dev.size, 0x100);
	ck_assert(dev.irq_controller == gic && dev.irq[1] == 20);
	ck_assert_int_eq(dt_virtio_mmio_next(fdt, n, &dev), K_ENOENT);
	ck_assert_int_eq(dt_device_next(fdt, -1, "machv,malformed", &dev),
			 K_ENOENT);         /* status = "broken" */

	/* Properties and status. */
	uint32_t u32;
	uint64_t u64;
	ck_assert_int_eq(dt_prop_u32(fdt, bad, "u32-too-short", &u32), K_EINVAL);
	ck_assert_int_eq(dt_prop_u32(fdt, bad, "missing", &u32), K_ENOENT);
	ck_assert_ptr_null(dt_prop_string(fdt, bad, "unterminated"));
	ck_assert_ptr_null(dt_prop_string(fdt, bad, "empty"));
	ck_assert_ptr_nonnull(dt_getprop(fdt, bad, "empty", &n));
	ck_assert_int_eq(n, 0);
	ck_assert(!dt_node_enabled(fdt, bad));
	ck_assert(dt_node_enabled(fdt, dt_find_path(fdt, "/memory@70000000")));
	ck_assert(dt_node_enabled(fdt, dt_find_path(fdt, "/legacy")));
	ck_assert(!dt_node_enabled(fdt, dt_find_path(fdt, "/memory@60000000")));
	ck_assert(!dt_node_enabled(fdt, -4));
	ck_assert_int_eq(dt_find_phandle(fdt, 0x4000), dt_find_path(fdt, "/legacy"));
	ck_assert_int_eq(dt_prop_u64(fdt, dt_find_path(fdt, "/cpus"),
				     "timebase-frequency", &u64), 0);
	ck_assert_uint_eq(u64, 0x100000000ull);
	ck_assert_int_eq(dt_timebase_frequency(fdt, &u64), 0);
	ck_assert_uint_eq(u64, 0x100000000ull);
	ck_assert(dt_strlist_contains("a\0bc\0", 5, "bc"));
	ck_assert(!dt_strlist_contains("a\0bc", 4, "bc"));   /* no NUL */
	ck_assert(!dt_strlist_contains("a\0bc\0", 5, "b"));

	/* cpus: 64-bit ids, the disabled one skipped. */
	uint64_t id;
	int cpu = dt_cpu_next(fdt, -1, &id);
	ck_assert_uint_eq(id, 0);
	cpu = dt_cpu_next(fdt, cpu, &id);
	ck_assert_uint_eq(id, 0x100);
	ck_assert_int_eq(dt_cpu_next(fdt, cpu, &id), K_ENOENT);
	ck_assert_int_eq(dt_psci_method(fdt), DT_PSCI_SMC);
}
END_TEST

/* Node arguments that are not nodes: errors, never wild reads. */
START_TEST(bogus_offsets)
{
	const struct dtb *t = &dtbs[_i];
	const void *fdt = t->data;
	int st_size = (int)get_be32(t->data + 36);
	int bogus[] = { -1, -4, 1, 2, 3, 4, 8, st_size - 4, st_size,
			st_size + 4, INT32_MAX, INT32_MIN, 0x7ffffffc };
	for (size_t i = 0; i < sizeof(bogus) / sizeof(bogus[0]); i++) {
		int b = bogus[i], len, nc, ctrl;
		uint32_t cells[DT_MAX_IRQ_CELLS];
		uint64_t a, s;
		/* Offset 4 and 8 land inside the root's properties. */
		ck_assert_int_lt(dt_first_child(fdt, b), 0);
		ck_assert_int_lt(dt_next_sibling(fdt, b), 0);
		ck_assert_int_lt(dt_next_node(fdt, b, NULL), 0);
		ck_assert_int_lt(dt_parent(fdt, b), 0);
		ck_assert_int_lt(dt_node_depth(fdt, b), 0);
		ck_assert_ptr_null(dt_node_name(fdt, b, &len));
		ck_assert_ptr_null(dt_getprop(fdt, b, "reg", &len));
		ck_assert_int_lt(len, 0);
		ck_assert_int_lt(dt_reg(fdt, b, 0, &a, &s), 0);
		ck_assert_int_lt(dt_interrupt(fdt, b, 0, cells, &nc, &ctrl), 0);
		ck_assert_int_lt(dt_interrupt_parent(fdt, b), 0);
		ck_assert_int_lt(dt_address_cells(fdt, b), 0);
		ck_assert_int_lt(dt_foreach_prop(fdt, b, collect_prop, NULL), 0);
		ck_assert(!dt_node_enabled(fdt, b));
		ck_assert(!dt_is_compatible(fdt, b, "virtio,mmio"));
		/* Any negative start means "from the root", as in libfdt. */
		int fc = dt_find_compatible(fdt, b, "virtio,mmio");
		if (b >= 0)
			ck_assert_int_eq(fc, K_EINVAL);
		else
			ck_assert_int_eq(fc, fdt_node_offset_by_compatible(fdt,
							-1, "virtio,mmio"));
	}
	/* A non-node offset that does hold a BEGIN_NODE-looking word can
	 * only be reached by a caller inventing offsets; offsets past the
	 * real nodes must still be refused by the root walk. */
	ck_assert_int_eq(dt_parent(fdt, dt_root(fdt)), K_ENOENT);
}
END_TEST

/* ----------------------------------------------- damage: the exerciser */

struct bounds {
	const uint8_t *b;
	size_t len;
};

static void in_bounds(const struct bounds *bd, const void *p, size_t n)
{
	const uint8_t *q = p;
	require_msg(q >= bd->b && (size_t)(q - bd->b) <= bd->len &&
		    n <= bd->len - (size_t)(q - bd->b),
		    "pointer %p+%zu outside blob %p+%zu", p, n, bd->b, bd->len);
}

static void string_in_bounds(const struct bounds *bd, const char *s)
{
	in_bounds(bd, s, 1);
	size_t room = bd->len - (size_t)((const uint8_t *)s - bd->b);
	require_msg(memchr(s, '\0', room), "string runs off the blob");
}

static struct bounds cur_bounds;

static int prop_in_bounds(const char *name, const void *val, int len,
			  void *arg)
{
	string_in_bounds(&cur_bounds, name);
	require(len >= 0);
	in_bounds(&cur_bounds, val, (size_t)len);
	return 0;
}

static void range_sink(paddr_t base, uint64_t size, void *arg)
{
	++*(int *)arg;
}

/* The per-node calls. */
static void exercise_node(const struct bounds *bd, int node)
{
	const void *fdt = bd->b;
	int len, nc, ctrl;
	uint32_t cells[DT_MAX_IRQ_CELLS];
	uint64_t a, s, u;
	uint32_t u32;

	const char *name = dt_node_name(fdt, node, &len);
	if (name) {
		string_in_bounds(bd, name);
		require((size_t)len == strlen(name));
	}
	int c = dt_first_child(fdt, node);
	require(c < 0 || c > node);
	c = dt_next_sibling(fdt, node);
	require(c < 0 || c > node);
	c = dt_parent(fdt, node);
	require(c < node);
	dt_node_depth(fdt, node);
	dt_foreach_prop(fdt, node, prop_in_bounds, NULL);
	static const char *const props[] = { "compatible", "reg", "status",
		"interrupts", "ranges", "phandle", "bootargs" };
	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
		const void *v = dt_getprop(fdt, node, props[i], &len);
		if (v)
			in_bounds(bd, v, (size_t)len);
		const char *str = dt_prop_string(fdt, node, props[i]);
		if (str)
			string_in_bounds(bd, str);
		dt_prop_u32(fdt, node, props[i], &u32);
		dt_prop_u64(fdt, node, props[i], &u);
	}
	for (int i = 0; i < 3; i++) {
		dt_reg_raw(fdt, node, i, &a, &s);
		dt_reg(fdt, node, i, &a, &s);
		if (dt_interrupt(fdt, node, i, cells, &nc, &ctrl) == 0) {
			require(nc >= 0 && nc <= DT_MAX_IRQ_CELLS);
			require(ctrl >= 0);
		}
	}
	c = dt_interrupt_parent(fdt, node);
	if (c >= 0)
		dt_interrupt_cells(fdt, c);
	dt_address_cells(fdt, node);
	dt_size_cells(fdt, node);
	dt_node_enabled(fdt, node);
	dt_is_compatible(fdt, node, "virtio,mmio");
}

/* Call everything on a blob of len readable bytes; heavy_nodes bounds how
 * many nodes get the (costly) per-node calls.  Returns dt_check's verdict. */
static int exercise(const uint8_t *b, size_t len, int heavy_nodes)
{
	int rc = dt_check(b, len);
	if (len < 8 || get_be32(b + 4) > len) {
		/* The one case the contract forbids calling on. */
		require(rc < 0);
		return rc;
	}
	struct bounds bd = { b, len };
	cur_bounds = bd;
	const void *fdt = b;

	/* The walk always moves forward, so always ends. */
	int depth = 0, steps = 0, prev = -1;
	int stride = 1, seen = 0, nodes_total = 0;
	for (int n = dt_root(fdt); n >= 0; n = dt_next_node(fdt, n, &depth))
		nodes_total++;
	if (heavy_nodes > 0 && nodes_total > heavy_nodes)
		stride = nodes_total / heavy_nodes;
	for (int n = dt_root(fdt); n >= 0; n = dt_next_node(fdt, n, &depth)) {
		require(n > prev);
		steps++;
		require(steps <= (int)(len / 4));
		prev = n;
		if (heavy_nodes > 0 && seen++ % stride == 0)
			exercise_node(&bd, n);
	}

	int count = 0;
	dt_memory(fdt, range_sink, &count);
	dt_reserved(fdt, range_sink, &count);
	const char *bootargs, *opts;
	paddr_t is, ie;
	dt_chosen(fdt, &bootargs, &is, &ie);
	if (bootargs)
		string_in_bounds(&bd, bootargs);
	dt_stdout_node(fdt, &opts);
	if (opts)
		string_in_bounds(&bd, opts);
	uint64_t hz, id, a, s;
	dt_timebase_frequency(fdt, &hz);
	dt_psci_method(fdt);
	prev = -1;
	for (int c = dt_cpu_next(fdt, -1, &id); c >= 0;
	     c = dt_cpu_next(fdt, c, &id)) {
		require(c > prev);
		prev = c;
	}
	struct dt_device dev;
	prev = -1;
	int devs = 0;
	for (int c = dt_virtio_mmio_next(fdt, -1, &dev); c >= 0 && devs < 4;
	     c = dt_virtio_mmio_next(fdt, c, &dev), devs++) {
		require(c > prev);
		prev = c;
	}
	static const char *const paths[] = { "/", "/chosen", "/cpus/cpu",
		"/soc/serial", "serial0", "serial0/x", "/aliases/", "//a//" };
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int n = dt_find_path(fdt, paths[i]);
		require(n < 0 || (size_t)n < len);
	}
	dt_find_compatible(fdt, -1, "arm,pl011");
	dt_find_phandle(fdt, 1);
	for (int i = 0; dt_mem_rsv(fdt, i, &a, &s) == 0; i++)
		require(i < (int)(len / 16));
	dt_total_size(fdt);
	return rc;
}

/* When dt_check accepts a damaged tree, it is a tree: libfdt must agree
 * with our reading of it. */
static void agree_if_accepted(const uint8_t *b, size_t len, int rc)
{
	if (rc != 0)
		return;
	ck_assert_int_eq(fdt_check_header(b), 0);
	int count = libfdt_nodes(b);
	compare_walk(b, count, false);
	compare_props(b, count);
}

START_TEST(truncated_trees)
{
	const struct dtb *t = &dtbs[_i];
	for (size_t cut = 0; cut < t->len; cut += cut < 64 ? 1 : 13) {
		/* As dumped: totalsize now lies, dt_check must say so. */
		uint8_t *b = copy_of(t->data, cut);
		ck_assert_int_eq(exercise(b, cut, 0), K_EINVAL);
		/* And as if the header said so: the blocks no longer fit, or
		 * the structure runs out. */
		if (cut >= 8) {
			put_be32(b + 4, (uint32_t)cut);
			ck_assert_int_eq(exercise(b, cut, 8), K_EINVAL);
		}
		free(b);
	}
}
END_TEST

static uint64_t rng_state;

static uint32_t rng(void)
{
	/* xorshift64*: deterministic, so a failure can be replayed. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

/* Damage one spot of b, a copy of the intact tree orig, in one of several
 * ways (the blocks are located from orig: b's header may be damaged). */
static void mutate(uint8_t *b, const uint8_t *orig, size_t len)
{
	uint32_t off_st = get_be32(orig + 8), st_size = get_be32(orig + 36);
	uint32_t off_str = get_be32(orig + 12), str_size = get_be32(orig + 32);
	static const uint32_t words[] = { 0, 1, 2, 3, 4, 9, 0xffffffff,
		0x7fffffff, 0x80000000, 0xfffffffc, 0x100, 0x1000, 5, 7, 8 };
	uint32_t pos;

	switch (rng() % 8) {
	case 0:                 /* a bit of the header */
		pos = rng() % 40;
		b[pos] ^= (uint8_t)(1u << (rng() % 8));
		break;
	case 1:                 /* a header word set to an edge value */
		pos = 4 * (1 + rng() % 9);
		put_be32(b + pos, rng() % 2 ? words[rng() % 15]
				  : get_be32(b + pos) + (rng() % 9) - 4);
		break;
	case 2: case 3:         /* a bit of the structure block */
		pos = off_st + rng() % st_size;
		b[pos] ^= (uint8_t)(1u << (rng() % 8));
		break;
	case 4: case 5:         /* a structure word: token, length, offset */
		pos = off_st + 4 * (rng() % (st_size / 4));
		put_be32(b + pos, words[rng() % 15]);
		break;
	case 6:                 /* a byte of the strings block */
		pos = off_str + rng() % str_size;
		b[pos] = rng() % 3 ? (uint8_t)rng() : 0;
		break;
	default:                /* anywhere */
		pos = rng() % (uint32_t)len;
		b[pos] = (uint8_t)rng();
		break;
	}
}

START_TEST(mutated_trees)
{
	/* The smaller trees take most of the sweep: their nodes are few
	 * enough to exercise each one. */
	static const char *const names[] = { "synthetic.dtb",
		"riscv64-virt.dtb", "riscv64-virt-aia-smp4.dtb",
		"aarch64-virt-gicv3.dtb", "aarch64-virt-secure.dtb" };
	int accepted = 0, rejected = 0;
	rng_state = 0x6d61636876647421ull + (uint64_t)_i;

	for (int round = 0; round < 800; round++) {
		const struct dtb *t = find_dtb(names[round % 5]);
		ck_assert_ptr_nonnull(t);
		uint8_t *b = copy_of(t->data, t->len);
		int flips = 1 + (int)(rng() % 3);
		for (int f = 0; f < flips; f++)
			mutate(b, t->data, t->len);
		int rc = exercise(b, t->len, 12);
		agree_if_accepted(b, t->len, rc);
		if (rc == 0)
			accepted++;
		else
			rejected++;
		free(b);
	}
	/* The sweep must reach both sides of dt_check. */
	ck_assert_int_gt(accepted, 50);
	ck_assert_int_gt(rejected, 50);
}
END_TEST

/* ------------------------------------- damage: hand-built token streams */

struct raw {
	uint8_t st[16384];
	size_t st_len;
	char str[512];
	size_t str_len;
	uint64_t rsv[4][2];     /* reservations before the terminator */
	int nrsv;
};

static void raw_word(struct raw *r, uint32_t w)
{
	ck_assert_int_le(r->st_len + 4, sizeof(r->st));
	put_be32(r->st + r->st_len, w);
	r->st_len += 4;
}

static void raw_bytes(struct raw *r, const void *p, size_t n, bool pad)
{
	ck_assert_int_le(r->st_len + n + 3, sizeof(r->st));
	memcpy(r->st + r->st_len, p, n);
	r->st_len += n;
	while (pad && r->st_len % 4)
		r->st[r->st_len++] = 0;
}

static void raw_begin(struct raw *r, const char *name)
{
	raw_word(r, 1);
	raw_bytes(r, name, strlen(name) + 1, true);
}

static uint32_t raw_string(struct raw *r, const char *s)
{
	uint32_t off = (uint32_t)r->str_len;
	memcpy(r->str + off, s, strlen(s) + 1);
	r->str_len += strlen(s) + 1;
	return off;
}

static void raw_prop_at(struct raw *r, uint32_t nameoff, const void *val,
			uint32_t len)
{
	raw_word(r, 3);
	raw_word(r, len);
	raw_word(r, nameoff);
	raw_bytes(r, val, len, true);
}

static void raw_prop(struct raw *r, const char *name, const void *val,
		     uint32_t len)
{
	raw_prop_at(r, raw_string(r, name), val, len);
}

/* header | reservations and terminator | structure | strings, exactly
 * sized. */
static uint8_t *raw_finish(const struct raw *r, size_t *len)
{
	size_t st = 40 + 16 * ((size_t)r->nrsv + 1);
	size_t total = st + r->st_len + r->str_len;
	uint8_t *b = calloc(1, total);
	put_be32(b, 0xd00dfeed);
	put_be32(b + 4, (uint32_t)total);
	put_be32(b + 8, (uint32_t)st);
	put_be32(b + 12, (uint32_t)(st + r->st_len));
	put_be32(b + 16, 40);
	put_be32(b + 20, 17);
	put_be32(b + 24, 16);
	put_be32(b + 32, (uint32_t)r->str_len);
	put_be32(b + 36, (uint32_t)r->st_len);
	for (int i = 0; i < r->nrsv; i++) {
		put_be32(b + 40 + 16 * i, (uint32_t)(r->rsv[i][0] >> 32));
		put_be32(b + 44 + 16 * i, (uint32_t)r->rsv[i][0]);
		put_be32(b + 48 + 16 * i, (uint32_t)(r->rsv[i][1] >> 32));
		put_be32(b + 52 + 16 * i, (uint32_t)r->rsv[i][1]);
	}
	memcpy(b + st, r->st, r->st_len);
	memcpy(b + st + r->st_len, r->str, r->str_len);
	*len = total;
	return b;
}

/* A small valid tree to damage; the caller finishes it. */
static void raw_small_tree(struct raw *r)
{
	memset(r, 0, sizeof(*r));
	raw_begin(r, "");
	raw_prop(r, "compatible", "x,y", 4);
	raw_begin(r, "chosen");
	raw_prop(r, "bootargs", "a b", 4);
	raw_word(r, 2);
	raw_word(r, 2);
	raw_word(r, 9);
}

static void expect_rejected(struct raw *r, const char *what)
{
	size_t len;
	uint8_t *b = raw_finish(r, &len);
	ck_assert_msg(exercise(b, len, 64) == K_EINVAL, "%s accepted", what);
	free(b);
}

START_TEST(raw_valid_tree_accepted)
{
	struct raw r;
	size_t len;
	raw_small_tree(&r);
	uint8_t *b = raw_finish(&r, &len);
	ck_assert_int_eq(exercise(b, len, 1000), 0);
	ck_assert_int_eq(fdt_check_full(b, len), 0);
	int chosen = dt_find_path(b, "/chosen");
	ck_assert_int_gt(chosen, 0);
	const char *ba;
	ck_assert_int_eq(dt_chosen(b, &ba, NULL, NULL), 0);
	ck_assert_str_eq(ba, "a b");
	free(b);

	/* Only (0, 0) ends the reservations (the spec's rule; libfdt stops at
	 * any size 0): entries at address 0, or of size 0, are entries. */
	static const uint64_t rsv[4][2] = { { 0, 0x1000 }, { 0x5000, 0 },
		{ 0x1234567800000000ull, 0x10 }, { 0x9000, 0x20 } };
	memcpy(r.rsv, rsv, sizeof(rsv));
	r.nrsv = 4;
	b = raw_finish(&r, &len);
	ck_assert_int_eq(dt_check(b, len), 0);
	uint64_t a, s;
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(dt_mem_rsv(b, i, &a, &s), 0);
		ck_assert_uint_eq(a, rsv[i][0]);
		ck_assert_uint_eq(s, rsv[i][1]);
	}
	ck_assert_int_eq(dt_mem_rsv(b, 4, &a, &s), K_ENOENT);
	struct ranges got = { 0 };
	ck_assert_int_eq(dt_reserved(b, add_range, &got), 3);   /* not size 0 */
	ck_assert_uint_eq(got.base[1], 0x1234567800000000ull);
	ck_assert_uint_eq(got.size[2], 0x20);
	free(b);
}
END_TEST

START_TEST(raw_broken_streams)
{
	struct raw r;

	/* A node name that never ends: the block ends first. */
	memset(&r, 0, sizeof(r));
	raw_word(&r, 1);
	raw_bytes(&r, "unterminated", 12, false);
	expect_rejected(&r, "unterminated node name");

	/* A property name whose string has no NUL before the block ends. */
	raw_small_tree(&r);
	r.st_len -= 12;
	raw_prop_at(&r, (uint32_t)r.str_len, "", 0);
	memcpy(r.str + r.str_len, "dangling", 8);
	r.str_len += 8;
	raw_word(&r, 2);
	raw_word(&r, 2);
	raw_word(&r, 9);
	expect_rejected(&r, "unterminated property name");

	/* A name offset past the strings block. */
	raw_small_tree(&r);
	r.st_len -= 12;
	raw_prop_at(&r, 0x10000, "", 0);
	raw_word(&r, 2);
	raw_word(&r, 2);
	raw_word(&r, 9);
	expect_rejected(&r, "property name offset out of range");

	/* Property lengths running past the end of the block. */
	static const uint32_t lens[] = { 0x7fffffff, 0xffffffff, 0x80000000,
					 24, 13 };
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(&r, 0, sizeof(r));
		raw_begin(&r, "");
		raw_word(&r, 3);
		raw_word(&r, lens[i]);
		raw_word(&r, raw_string(&r, "p"));
		raw_word(&r, 2);
		raw_word(&r, 9);
		expect_rejected(&r, "property length past the end");
	}

	/* Ever deeper: BEGIN_NODE with no END_NODE, to the end. */
	memset(&r, 0, sizeof(r));
	while (r.st_len + 12 < sizeof(r.st))
		raw_begin(&r, "d");
	raw_word(&r, 9);
	expect_rejected(&r, "unbalanced deep nesting");
	{
		/* ... and the walks over it still end, at the right depth. */
		size_t len;
		uint8_t *b = raw_finish(&r, &len);
		int depth = 0, last = -1;
		for (int n = dt_root(b); n >= 0; n = dt_next_node(b, n, &depth))
			last = n;
		ck_assert_int_eq(dt_node_depth(b, last), depth);
		ck_assert_int_eq(dt_parent(b, last), last - 8);
		ck_assert_int_eq(dt_find_compatible(b, -1, "x"), K_ENOENT);
		free(b);
	}

	/* Ever deeper, then the block just stops (no END token). */
	memset(&r, 0, sizeof(r));
	for (int i = 0; i < 100; i++)
		raw_begin(&r, "n");
	for (int i = 0; i < 100; i++)
		raw_word(&r, 2);
	expect_rejected(&r, "no END token");

	/* More END_NODEs than BEGIN_NODEs. */
	raw_small_tree(&r);
	r.st_len -= 4;
	raw_word(&r, 2);
	raw_word(&r, 9);
	expect_rejected(&r, "extra END_NODE");

	/* Two roots. */
	raw_small_tree(&r);
	r.st_len -= 4;
	raw_begin(&r, "");
	raw_word(&r, 2);
	raw_word(&r, 9);
	expect_rejected(&r, "two roots");

	/* A property outside any node, and one after a subnode. */
	memset(&r, 0, sizeof(r));
	raw_prop(&r, "p", "", 0);
	raw_begin(&r, "");
	raw_word(&r, 2);
	raw_word(&r, 9);
	expect_rejected(&r, "property before the root");
	memset(&r, 0, sizeof(r));
	raw_begin(&r, "");
	raw_begin(&r, "child");
	raw_word(&r, 2);
	raw_prop(&r, "late", "", 0);
	raw_word(&r, 2);
	raw_word(&r, 9);
	expect_rejected(&r, "property after a subnode");

	/* Unknown tokens, and an empty structure block. */
	for (uint32_t tok = 5; tok <= 8; tok++) {
		raw_small_tree(&r);
		r.st_len -= 4;
		raw_word(&r, tok);
		raw_word(&r, 9);
		expect_rejected(&r, "unknown token");
	}
	memset(&r, 0, sizeof(r));
	expect_rejected(&r, "empty structure block");
	raw_word(&r, 9);
	expect_rejected(&r, "no root");
}
END_TEST

/* Header fields pointing anywhere but where they should. */
START_TEST(raw_bad_headers)
{
	struct raw r;
	size_t len;
	raw_small_tree(&r);
	uint8_t *good = raw_finish(&r, &len);
	ck_assert_int_eq(dt_check(good, len), 0);
	struct {
		int field;
		uint32_t value;
	} cases[] = {
		{ 0, 0xd00dfeee },              /* magic */
		{ 4, 0 }, { 4, 8 }, { 4, 35 }, { 4, 39 },
		{ 4, (uint32_t)len + 1 }, { 4, 0xffffffff },
		{ 8, 54 }, { 8, 0 }, { 8, (uint32_t)len }, { 8, 0xfffffffc },
		{ 12, (uint32_t)len }, { 12, 0xffffffff }, { 12, 20 },
		{ 16, 44 }, { 16, 8 }, { 16, (uint32_t)len + 8 }, { 16, 0xfffffff8 },
		{ 20, 15 }, { 20, 1 }, { 24, 18 }, { 24, 0xffffffff },
		{ 32, 0xffffffff }, { 32, (uint32_t)len },
		{ 36, 0xffffffff }, { 36, (uint32_t)len }, { 36, 0xfffffff0 },
		{ 36, 0 }, { 36, 8 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *b = copy_of(good, len);
		put_be32(b + cases[i].field, cases[i].value);
		ck_assert_msg(exercise(b, len, 1000) == K_EINVAL,
			      "header field %d = %#x accepted", cases[i].field,
			      cases[i].value);
		free(b);
	}

	/* A reservation block with no terminator before totalsize: the
	 * entries run on through the structure and strings blocks. */
	r.nrsv = 1;
	r.rsv[0][0] = r.rsv[0][1] = 1;
	uint8_t *b = raw_finish(&r, &len);
	memset(b + 56, 0xff, 16);
	ck_assert_int_eq(exercise(b, len, 1000), K_EINVAL);
	free(b);

	/* Header only, and shorter. */
	for (size_t cut = 0; cut <= 40; cut++) {
		b = copy_of(good, cut);
		ck_assert_int_eq(dt_check(b, cut), K_EINVAL);
		free(b);
	}
	free(good);
}
END_TEST

/* Valid structure, hostile content: phandle loops, self-aliases, bad cell
 * counts, short interrupt specifiers.  Built with libfdt's writer. */
static void *build(void (*body)(void *fdt))
{
	size_t size = 4096;
	void *fdt = malloc(size);
	ck_assert_int_eq(fdt_create(fdt, (int)size), 0);
	ck_assert_int_eq(fdt_finish_reservemap(fdt), 0);
	ck_assert_int_eq(fdt_begin_node(fdt, ""), 0);
	body(fdt);
	ck_assert_int_eq(fdt_end_node(fdt), 0);
	ck_assert_int_eq(fdt_finish(fdt), 0);
	ck_assert_int_eq(dt_check(fdt, size), 0);
	return fdt;
}

static void hostile_body(void *fdt)
{
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 1);

	fdt_begin_node(fdt, "aliases");
	fdt_property_string(fdt, "self", "self");
	fdt_property_string(fdt, "rel", "a/b");
	fdt_property(fdt, "unterminated", "/loop", 5);
	fdt_end_node(fdt);

	/* a and b name each other as interrupt parent; neither is one. */
	fdt_begin_node(fdt, "loop@0");
	fdt_property_u32(fdt, "phandle", 1);
	fdt_property_u32(fdt, "interrupt-parent", 2);
	fdt_property_u32(fdt, "interrupts", 5);
	fdt_property(fdt, "reg", "\0\0\0\1\0\0\0\0\0\0\0\x10", 12);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "loop@1");
	fdt_property_u32(fdt, "phandle", 2);
	fdt_property_u32(fdt, "interrupt-parent", 1);
	fdt_end_node(fdt);

	/* A controller with too many cells, one with zero, a dangling
	 * phandle and a truncated interrupts-extended. */
	fdt_begin_node(fdt, "wide");
	fdt_property_u32(fdt, "phandle", 3);
	fdt_property_u32(fdt, "#interrupt-cells", 9);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "zero");
	fdt_property_u32(fdt, "phandle", 4);
	fdt_property_u32(fdt, "#interrupt-cells", 0);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "users");
	fdt_property_u32(fdt, "#address-cells", 0);
	fdt_property_u32(fdt, "#size-cells", 7);
	fdt_begin_node(fdt, "to-wide");
	fdt_property_u32(fdt, "interrupt-parent", 3);
	fdt_property_u32(fdt, "interrupts", 1);
	fdt_property(fdt, "reg", "\0\0\0\1", 4);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "to-zero");
	fdt_property_u32(fdt, "interrupt-parent", 4);
	fdt_property_u32(fdt, "interrupts", 1);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "dangling");
	fdt_property_u32(fdt, "interrupt-parent", 0x999);
	fdt_property_u32(fdt, "interrupts", 1);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "short-ext");
	fdt_property(fdt, "interrupts-extended", "\0\0\0\4\0\0\0\1\0\0\0", 11);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "ext-zero");
	fdt_property(fdt, "interrupts-extended", "\0\0\0\4\0\0\0\4", 8);
	fdt_end_node(fdt);
	fdt_end_node(fdt);

	/* A bus whose ranges are the wrong length, one whose window wraps,
	 * and one whose #address-cells are 3 with a high cell set. */
	fdt_begin_node(fdt, "badbus");
	fdt_property_u32(fdt, "#address-cells", 1);
	fdt_property_u32(fdt, "#size-cells", 1);
	fdt_property(fdt, "ranges", "\0\0\0\0\0\0\0\0\0\0", 10);
	fdt_begin_node(fdt, "dev");
	fdt_property(fdt, "reg", "\0\0\0\0\0\0\0\1", 8);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "wrapbus");
	fdt_property_u32(fdt, "#address-cells", 1);
	fdt_property_u32(fdt, "#size-cells", 1);
	fdt_property(fdt, "ranges",
		     "\0\0\0\0" "\xff\xff\xff\xff\xff\xff\xff\xf0" "\xff\xff\xff\xff",
		     16);
	fdt_begin_node(fdt, "dev");
	fdt_property(fdt, "reg", "\0\0\0\x20\0\0\0\1", 8);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "pcilike");
	fdt_property_u32(fdt, "#address-cells", 3);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_begin_node(fdt, "dev");
	fdt_property(fdt, "reg",
		     "\x02\0\0\0" "\0\0\0\0" "\0\0\x10\0" "\0\0\0\0" "\0\0\x10\0", 20);
	fdt_end_node(fdt);
	fdt_end_node(fdt);

	fdt_begin_node(fdt, "chosen");
	fdt_property(fdt, "bootargs", "no-nul", 6);
	fdt_property_u32(fdt, "linux,initrd-start", 0x2000);
	fdt_property_u32(fdt, "linux,initrd-end", 0x1000);
	fdt_property_string(fdt, "stdout-path", "self:opts");
	fdt_end_node(fdt);

	fdt_begin_node(fdt, "psci");
	fdt_property_string(fdt, "compatible", "arm,psci-1.0");
	fdt_property_string(fdt, "method", "svc");
	fdt_end_node(fdt);
}

START_TEST(hostile_content)
{
	void *fdt = build(hostile_body);
	int nc, ctrl;
	uint32_t c[DT_MAX_IRQ_CELLS];
	paddr_t a;
	uint64_t s;

	exercise(fdt, dt_total_size(fdt), 1000);
	ck_assert_int_eq(dt_find_path(fdt, "self"), K_EINVAL);   /* not a path */
	ck_assert_int_eq(dt_find_path(fdt, "rel"), K_EINVAL);
	ck_assert_int_eq(dt_find_path(fdt, "unterminated"), K_EINVAL);

	int l0 = dt_find_path(fdt, "/loop@0");
	ck_assert_int_eq(dt_interrupt_parent(fdt, l0), K_EINVAL);
	ck_assert_int_eq(dt_interrupt(fdt, l0, 0, c, &nc, &ctrl), K_EINVAL);
	ck_assert_int_eq(dt_reg(fdt, l0, 0, &a, &s), 0);          /* 2+1 cells */
	ck_assert_uint_eq(a, 0x100000000ull);
	ck_assert_uint_eq(s, 0x10);

	ck_assert_int_eq(dt_interrupt(fdt, dt_find_path(fdt, "/users/to-wide"), 0,
				      c, &nc, &ctrl), K_EINVAL);
	ck_assert_int_eq(dt_interrupt(fdt, dt_find_path(fdt, "/users/to-zero"), 0,
				      c, &nc, &ctrl), K_EINVAL);
	ck_assert_int_eq(dt_interrupt(fdt, dt_find_path(fdt, "/users/dangling"), 0,
				      c, &nc, &ctrl), K_EINVAL);
	ck_assert_int_eq(dt_interrupt(fdt, dt_find_path(fdt, "/users/short-ext"), 0,
				      c, &nc, &ctrl), K_EINVAL);
	/* A zero-cell controller in interrupts-extended is fine (IMSIC). */
	int ez = dt_find_path(fdt, "/users/ext-zero");
	ck_assert_int_eq(dt_interrupt(fdt, ez, 0, c, &nc, &ctrl), 0);
	ck_assert_int_eq(nc, 0);
	ck_assert_int_eq(ctrl, dt_find_path(fdt, "/zero"));
	ck_assert_int_eq(dt_interrupt(fdt, ez, 1, c, &nc, &ctrl), 0);
	ck_assert_int_eq(dt_interrupt(fdt, ez, 2, c, &nc, &ctrl), K_ENOENT);

	int users = dt_find_path(fdt, "/users");
	ck_assert_int_eq(dt_address_cells(fdt, users), K_EINVAL);
	ck_assert_int_eq(fdt_address_cells(fdt, users), -FDT_ERR_BADNCELLS);
	ck_assert_int_eq(dt_size_cells(fdt, users), K_EINVAL);
	ck_assert_int_eq(dt_reg(fdt, dt_find_path(fdt, "/users/to-wide"), 0, &a, &s),
			 K_EINVAL);
	ck_assert_int_eq(dt_reg(fdt, dt_find_path(fdt, "/badbus/dev"), 0, &a, &s),
			 K_EINVAL);
	ck_assert_int_eq(dt_reg(fdt, dt_find_path(fdt, "/wrapbus/dev"), 0, &a, &s),
			 K_EFAULT);
	ck_assert_int_eq(dt_reg(fdt, dt_find_path(fdt, "/pcilike/dev"), 0, &a, &s),
			 K_EINVAL);

	const char *ba, *opts;
	paddr_t is, ie;
	ck_assert_int_eq(dt_chosen(fdt, &ba, &is, &ie), K_EINVAL);
	ck_assert_ptr_null(ba);
	ck_assert_uint_eq(is, 0);
	ck_assert_int_eq(dt_stdout_node(fdt, &opts), K_EINVAL);
	ck_assert_str_eq(opts, "opts");
	ck_assert_int_eq(dt_psci_method(fdt), K_EINVAL);
	free(fdt);
}
END_TEST

static void psci01_body(void *fdt)
{
	fdt_begin_node(fdt, "psci");
	fdt_property_string(fdt, "compatible", "arm,psci");
	fdt_property_string(fdt, "method", "hvc");
	fdt_end_node(fdt);
	/* riscv may put timebase-frequency in the cpu nodes only. */
	fdt_begin_node(fdt, "cpus");
	fdt_property_u32(fdt, "#address-cells", 1);
	fdt_property_u32(fdt, "#size-cells", 0);
	fdt_begin_node(fdt, "cpu@0");
	fdt_property_string(fdt, "device_type", "cpu");
	fdt_property_string(fdt, "status", "disabled");
	fdt_property_u32(fdt, "reg", 0);
	fdt_property_u32(fdt, "timebase-frequency", 12345);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "cpu@1");
	fdt_property_string(fdt, "device_type", "cpu");
	fdt_property_u32(fdt, "reg", 1);
	fdt_property_u32(fdt, "timebase-frequency", 1000000);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "chosen");
	fdt_property(fdt, "linux,initrd-start", "\0\0\0\0\0\0\0\0\0\0\0\1", 12);
	fdt_property_u32(fdt, "linux,initrd-end", 0x1000);
	fdt_end_node(fdt);
}

START_TEST(psci_0_1_and_odd_chosen)
{
	void *fdt = build(psci01_body);
	ck_assert_int_eq(dt_psci_method(fdt), K_ENODEV);
	paddr_t is = 1, ie = 1;
	ck_assert_int_eq(dt_chosen(fdt, NULL, &is, &ie), K_EINVAL);
	ck_assert_uint_eq(is, 0);
	ck_assert_int_eq(dt_stdout_node(fdt, NULL), K_ENOENT);
	uint64_t hz, id;
	ck_assert_int_eq(dt_timebase_frequency(fdt, &hz), 0);
	ck_assert_uint_eq(hz, 1000000);     /* the first enabled cpu's */
	struct ranges r = { 0 };
	ck_assert_int_eq(dt_memory(fdt, add_range, &r), 0);
	ck_assert_int_eq(dt_reserved(fdt, add_range, &r), 0);
	int cpu = dt_cpu_next(fdt, -1, &id);
	ck_assert_int_eq(cpu, dt_find_path(fdt, "/cpus/cpu@1"));
	ck_assert_uint_eq(id, 1);
	ck_assert_int_eq(dt_cpu_next(fdt, cpu, &id), K_ENOENT);
	free(fdt);
}
END_TEST

/* ---------------------------------------------------------------- main */

static Suite *dt_suite(void)
{
	Suite *s = suite_create("dt");
	TCase *tc = tcase_create("libfdt");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, dtb_set_present);
	tcase_add_loop_test(tc, header_matches_libfdt, 0, ndtbs);
	tcase_add_loop_test(tc, tree_matches_libfdt, 0, ndtbs);
	tcase_add_loop_test(tc, nops_match_libfdt, 0, ndtbs);
	tcase_add_loop_test(tc, version16_header, 0, ndtbs);
	tcase_add_loop_test(tc, qemu_machine_facts, 0,
			    (int)(sizeof(machines) / sizeof(machines[0])));
	tcase_add_test(tc, riscv_plic_contexts);
	tcase_add_test(tc, synthetic_tree);
	suite_add_tcase(s, tc);

	tc = tcase_create("damage");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, bogus_offsets, 0, ndtbs);
	tcase_add_loop_test(tc, truncated_trees, 0, ndtbs);
	tcase_add_loop_test(tc, mutated_trees, 0, 4);
	tcase_add_test(tc, raw_valid_tree_accepted);
	tcase_add_test(tc, raw_broken_streams);
	tcase_add_test(tc, raw_bad_headers);
	tcase_add_test(tc, hostile_content);
	tcase_add_test(tc, psci_0_1_and_odd_chosen);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	load_dtbs();
	SRunner *sr = srunner_create(dt_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	for (int i = 0; i < ndtbs; i++)
		free(dtbs[i].data);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
