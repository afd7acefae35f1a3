/* Fixtures of the device-tree host tests (see dt_fixtures.h): loading the
 * dumped trees, libfdt's view of a tree, and the structure comparisons. */
#include "dt_fixtures.h"

struct dtb dtbs[MAX_DTBS];
int ndtbs;

/* ------------------------------------------------------------ loading */

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct dtb *)a)->name, ((const struct dtb *)b)->name);
}

void load_dtbs(void)
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

const struct dtb *find_dtb(const char *name)
{
	for (int i = 0; i < ndtbs; i++)
		if (!strcmp(dtbs[i].name, name))
			return &dtbs[i];
	return NULL;
}

/* A private, exactly-sized copy. */
uint8_t *copy_of(const void *p, size_t len)
{
	uint8_t *c = malloc(len ? len : 1);
	memcpy(c, p, len);
	return c;
}

uint32_t get_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

void put_be32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* libfdt's "not found" is our K_ENOENT; any other libfdt error must be some
 * error of ours too. */
void same_result(int ours, int theirs, const char *what)
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

struct node_info nodes[MAX_NODES];

/* All nodes in document order, with their full paths, by libfdt. */
int libfdt_nodes(const void *fdt)
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

void compare_walk(const void *fdt, int count, bool quadratic)
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

int collect_prop(const char *name, const void *val, int len, void *arg)
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

void compare_props(const void *fdt, int count)
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

void compare_paths(const void *fdt, int count)
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

void compare_compatible(const void *fdt, int count)
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

void compare_phandles(const void *fdt, int count)
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

void compare_mem_rsv(const void *fdt)
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

void add_range(paddr_t base, uint64_t size, void *arg)
{
	struct ranges *r = arg;
	ck_assert_int_lt(r->n, 64);
	r->base[r->n] = base;
	r->size[r->n] = size;
	r->n++;
}
