/* The flattened device tree reader: header validation, structure-block
 * walking, nodes, properties, paths and phandles (reg and interrupts are in
 * dt_addr.c).  See kern/dt.h for the contract.
 *
 * Everything is read through a `struct view` made from the header on each
 * call, so that no read ever leaves the blocks the header declares, and
 * every token is decoded by one function, tok_at(), which checks the token
 * fits.  Walks only move forward through the structure block, so they end
 * after at most size/4 steps whatever the bytes say; walks that move through
 * phandles (interrupt parents) are bounded by MAX_HOPS instead. */
#include <kern/dt.h>
#include <kern/errno.h>
#include "dt_view.h"

#define HDR_V16_SIZE 36       /* up to size_dt_strings */
#define HDR_V17_SIZE 40       /* plus size_dt_struct */
#define RSV_ENTRY_SIZE 16

enum dt_token {
	TOK_BEGIN_NODE = 1,
	TOK_END_NODE = 2,
	TOK_PROP = 3,
	TOK_NOP = 4,
	TOK_END = 9,
};


static bool block_fits(uint32_t off, uint32_t size, uint32_t hdr,
		       uint32_t total)
{
	return off >= hdr && off <= total && size <= total - off;
}

/* Validate the header against max_size and describe the blocks. */
static int view_init(const void *blob, size_t max_size, struct view *v)
{
	const uint8_t *b = blob;

	/* Read no further than totalsize says before checking it. */
	if (!b || max_size < 8 || dt_be32(b) != DT_MAGIC)
		return K_EINVAL;
	uint32_t total = dt_be32(b + 4);
	/* Node offsets are ints, so the whole tree must fit in one. */
	if (total < HDR_V16_SIZE || total > max_size || total > INT32_MAX)
		return K_EINVAL;
	uint32_t off_st = dt_be32(b + 8);
	uint32_t off_str = dt_be32(b + 12);
	uint32_t off_rsv = dt_be32(b + 16);
	uint32_t version = dt_be32(b + 20);
	uint32_t last_comp = dt_be32(b + 24);
	uint32_t str_size = dt_be32(b + 32);

	if (version < 16 || last_comp > 17)
		return K_EINVAL;
	uint32_t hdr = version >= 17 ? HDR_V17_SIZE : HDR_V16_SIZE;
	if (total < hdr || off_st > total)
		return K_EINVAL;
	uint32_t st_size = version >= 17 ? dt_be32(b + 36) : total - off_st;
	if (!block_fits(off_st, st_size, hdr, total) || off_st % 4)
		return K_EINVAL;
	if (!block_fits(off_str, str_size, hdr, total))
		return K_EINVAL;
	if (off_rsv < hdr || off_rsv > total || off_rsv % 8)
		return K_EINVAL;

	v->blob = b;
	v->total = total;
	v->st = b + off_st;
	v->st_size = st_size;
	v->str = (const char *)b + off_str;
	v->str_size = str_size;
	v->rsv = off_rsv;
	return 0;
}

/* For every call but dt_check: totalsize is the bound. */
static int view_open(const void *blob, struct view *v)
{
	return view_init(blob, SIZE_MAX, v);
}

/* Length of the string at p if a NUL ends it within max bytes, else -1. */
static int bounded_strlen(const char *p, uint32_t max)
{
	for (uint32_t i = 0; i < max; i++)
		if (p[i] == '\0')
			return (int)i;
	return -1;
}

static bool bytes_equal(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static size_t cstr_len(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

/* The property name at nameoff in the strings block, or NULL. */
static const char *string_at(const struct view *v, uint32_t nameoff)
{
	if (nameoff >= v->str_size ||
	    bounded_strlen(v->str + nameoff, v->str_size - nameoff) < 0)
		return NULL;
	return v->str + nameoff;
}

/* Decode the token at off: returns its tag and sets *next to the offset of
 * the following token, or returns a negative error if the token is unknown,
 * misaligned or does not fit in the structure block.  *next > off always. */
static int tok_at(const struct view *v, uint32_t off, uint32_t *next)
{
	if (off % 4 || off > v->st_size || v->st_size - off < 4)
		return K_EINVAL;
	uint32_t tag = dt_be32(v->st + off);
	uint32_t p = off + 4;

	switch (tag) {
	case TOK_BEGIN_NODE: {
		int n = bounded_strlen((const char *)v->st + p, v->st_size - p);
		if (n < 0)
			return K_EINVAL;
		p += (uint32_t)n + 1;
		break;
	}
	case TOK_PROP: {
		if (v->st_size - p < 8)
			return K_EINVAL;
		/* The name is checked where it is used (next_prop): a walk
		 * that only skips properties need not scan the strings. */
		uint32_t len = dt_be32(v->st + p);
		p += 8;
		if (len > v->st_size - p)
			return K_EINVAL;
		p += len;
		break;
	}
	case TOK_END_NODE:
	case TOK_NOP:
	case TOK_END:
		break;
	default:
		return K_EINVAL;
	}
	/* st_size < 2^31, so this cannot wrap. */
	*next = (p + 3) & ~3u;
	return (int)tag;
}

/* Offset of the first token inside node (just past its name); K_EINVAL if
 * node is not the offset of a BEGIN_NODE token. */
static int node_body(const struct view *v, int node, uint32_t *body)
{
	if (node < 0)
		return K_EINVAL;
	int tag = tok_at(v, (uint32_t)node, body);
	if (tag < 0)
		return tag;
	return tag == TOK_BEGIN_NODE ? 0 : K_EINVAL;
}

/* At *off inside a node: skip NOPs; if a property follows, decode it into
 * *p, move *off past it and return 1.  0 at the first other token. */
static int next_prop(const struct view *v, uint32_t *off, struct prop *p)
{
	for (;;) {
		uint32_t next;
		int tag = tok_at(v, *off, &next);
		if (tag < 0)
			return tag;
		if (tag == TOK_NOP) {
			*off = next;
			continue;
		}
		if (tag != TOK_PROP)
			return 0;
		p->name = string_at(v, dt_be32(v->st + *off + 8));
		if (!p->name)
			return K_EINVAL;
		p->len = (int)dt_be32(v->st + *off + 4);
		p->val = v->st + *off + 12;
		*off = next;
		return 1;
	}
}

/* The property of node whose name is [name, name+len). */
static int find_prop(const struct view *v, int node, const char *name,
		     size_t len, struct prop *p)
{
	uint32_t off;
	int r = node_body(v, node, &off);
	if (r < 0)
		return r;
	while ((r = next_prop(v, &off, p)) > 0)
		if (bytes_equal(p->name, name, len) && p->name[len] == '\0')
			return 0;
	return r < 0 ? r : K_ENOENT;
}

static int getprop(const struct view *v, int node, const char *name,
		   struct prop *p)
{
	return find_prop(v, node, name, cstr_len(name), p);
}

static bool strlist_contains(const uint8_t *list, int len, const char *str)
{
	size_t want = cstr_len(str);
	const char *s = (const char *)list;

	while (len > 0) {
		int n = bounded_strlen(s, (uint32_t)len);
		if (n < 0)
			return false;
		if ((size_t)n == want && bytes_equal(s, str, want))
			return true;
		s += n + 1;
		len -= n + 1;
	}
	return false;
}

/* ------------------------------------------------------------- checking */

static int check_rsv(const struct view *v)
{
	for (uint32_t off = v->rsv; v->total - off >= RSV_ENTRY_SIZE;
	     off += RSV_ENTRY_SIZE) {
		if (dt_be64(v->blob + off) == 0 &&
		    dt_be64(v->blob + off + 8) == 0)
			return 0;
	}
	return K_EINVAL;
}

/* Exactly one root, balanced nesting, properties before subnodes, every
 * token whole and every property name inside the strings block. */
static int check_structure(const struct view *v)
{
	uint32_t off = 0, next;
	int depth = 0;
	bool seen_root = false, after_child = false;

	for (;; off = next) {
		int tag = tok_at(v, off, &next);
		switch (tag) {
		case TOK_BEGIN_NODE:
			if (depth == 0 && seen_root)
				return K_EINVAL;
			seen_root = true;
			after_child = false;
			depth++;
			break;
		case TOK_END_NODE:
			if (depth == 0)
				return K_EINVAL;
			depth--;
			after_child = true;
			break;
		case TOK_PROP:
			if (depth == 0 || after_child ||
			    !string_at(v, dt_be32(v->st + off + 8)))
				return K_EINVAL;
			break;
		case TOK_NOP:
			break;
		case TOK_END:
			return depth == 0 && seen_root ? 0 : K_EINVAL;
		default:
			return tag < 0 ? tag : K_EINVAL;
		}
	}
}

int dt_check(const void *blob, size_t max_size)
{
	struct view v;
	int r = view_init(blob, max_size, &v);
	if (r < 0)
		return r;
	r = check_rsv(&v);
	if (r < 0)
		return r;
	return check_structure(&v);
}

size_t dt_total_size(const void *blob)
{
	struct view v;
	return view_open(blob, &v) < 0 ? 0 : v.total;
}

int dt_mem_rsv(const void *blob, int index, uint64_t *addr, uint64_t *size)
{
	struct view v;
	int r = view_open(blob, &v);
	if (r < 0)
		return r;
	if (index < 0)
		return K_EINVAL;
	uint32_t off = v.rsv;
	for (int i = 0;; i++, off += RSV_ENTRY_SIZE) {
		if (v.total - off < RSV_ENTRY_SIZE)
			return K_EINVAL;
		uint64_t a = dt_be64(v.blob + off);
		uint64_t s = dt_be64(v.blob + off + 8);
		if (a == 0 && s == 0)
			return K_ENOENT;
		if (i == index) {
			*addr = a;
			*size = s;
			return 0;
		}
	}
}

/* ---------------------------------------------------------------- nodes */

static int node_valid(const struct view *v, int node)
{
	uint32_t body;
	return node_body(v, node, &body);
}

static int root_of(const struct view *v)
{
	uint32_t off = 0, next;
	for (;; off = next) {
		int tag = tok_at(v, off, &next);
		if (tag == TOK_BEGIN_NODE)
			return (int)off;
		if (tag != TOK_NOP)
			return K_EINVAL;
	}
}

int dt_root(const void *blob)
{
	struct view v;
	int r = view_open(blob, &v);
	return r < 0 ? r : root_of(&v);
}

static int first_child(const struct view *v, int node)
{
	uint32_t off, next;
	int r = node_body(v, node, &off);
	if (r < 0)
		return r;
	for (;; off = next) {
		int tag = tok_at(v, off, &next);
		switch (tag) {
		case TOK_PROP:
		case TOK_NOP:
			break;
		case TOK_BEGIN_NODE:
			return (int)off;
		case TOK_END_NODE:
			return K_ENOENT;
		default:
			return tag < 0 ? tag : K_EINVAL;
		}
	}
}

int dt_first_child(const void *blob, int node)
{
	struct view v;
	int r = view_open(blob, &v);
	return r < 0 ? r : first_child(&v, node);
}

static int next_sibling(const struct view *v, int node)
{
	uint32_t off, next;
	int r = node_body(v, node, &off);
	if (r < 0)
		return r;
	int depth = 1;          /* inside node */
	for (;; off = next) {
		int tag = tok_at(v, off, &next);
		switch (tag) {
		case TOK_PROP:
		case TOK_NOP:
			break;
		case TOK_BEGIN_NODE:
			if (depth == 0)
				return (int)off;
			depth++;
			break;
		case TOK_END_NODE:
			if (depth == 0)
				return K_ENOENT;    /* the parent ends */
			depth--;
			break;
		case TOK_END:
			return depth == 0 ? K_ENOENT : K_EINVAL;
		default:
			return tag < 0 ? tag : K_EINVAL;
		}
	}
}

int dt_next_sibling(const void *blob, int node)
{
	struct view v;
	int r = view_open(blob, &v);
	return r < 0 ? r : next_sibling(&v, node);
}

static int next_node(const struct view *v, int node, int *depth)
{
	uint32_t off, next;
	int r = node_body(v, node, &off);
	if (r < 0)
		return r;
	int d = 0;
	for (;; off = next) {
		int tag = tok_at(v, off, &next);
		switch (tag) {
		case TOK_PROP:
		case TOK_NOP:
			break;
		case TOK_BEGIN_NODE:
			if (depth)
				*depth += d + 1;
			return (int)off;
		case TOK_END_NODE:
			d--;
			break;
		case TOK_END:
			return K_ENOENT;
		default:
			return tag < 0 ? tag : K_EINVAL;
		}
	}
}

int dt_next_node(const void *blob, int node, int *depth)
{
	struct view v;
	int r = view_open(blob, &v);
	return r < 0 ? r : next_node(&v, node, depth);
}

/* Walk from the root to node: its depth, and the last node seen at
 * want_depth before it (its ancestor at that depth, when want_depth is
 * less than node's depth). */
static int scan_to(const struct view *v, int node, int want_depth,
		   int *depth_out, int *ancestor)
{
	int n = root_of(v), d = 0, last = K_ENOENT;
	while (n >= 0 && n <= node) {
		if (n == node) {
			*depth_out = d;
			if (ancestor)
				*ancestor = last;
			return 0;
		}
		if (d == want_depth)
			last = n;
		n = next_node(v, n, &d);
	}
	/* Walked past it: not a node offset. */
	return n < 0 && n != K_ENOENT ? n : K_EINVAL;
}

static int node_depth(const struct view *v, int node)
{
	int d;
	int r = scan_to(v, node, -1, &d, NULL);
	return r < 0 ? r : d;
}

int dt_node_depth(const void *blob, int node)
{
	struct view v;
	int r = view_open(blob, &v);
	return r < 0 ? r : node_depth(&v, node);
}

static int parent_of(const struct view *v, int node)
{
	int d = node_depth(v, node), dd, parent;
	if (d < 0)
		return d;
	if (d == 0)
		return K_ENOENT;
	int r = scan_to(v, node, d - 1, &dd, &parent);
	return r < 0 ? r : parent;
}

int dt_parent(const void *blob, int node)
{
	struct view v;
	int r = view_open(blob, &v);
	return r < 0 ? r : parent_of(&v, node);
}

const char *dt_node_name(const void *blob, int node, int *len)
{
	struct view v;
	uint32_t body;
	if (view_open(blob, &v) < 0 || node_body(&v, node, &body) < 0)
		return NULL;
	const char *name = (const char *)v.st + node + 4;
	if (len)
		*len = bounded_strlen(name, v.st_size - (uint32_t)node - 4);
	return name;
}

/* ---------------------------------------------------------------- paths */

/* libfdt's rule: "cpu" matches "cpu" and "cpu@0"; "cpu@0" only "cpu@0".
 * name is nlen bytes long. */
static bool name_matches(const char *name, size_t nlen, const char *s,
			 size_t len)
{
	if (nlen < len || !bytes_equal(name, s, len))
		return false;
	if (nlen == len)
		return true;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '@')
			return false;
	return name[len] == '@';
}

static bool has_nul(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\0')
			return true;
	return false;
}

static int subnode(const struct view *v, int parent, const char *s,
		   size_t len)
{
	int n = first_child(v, parent);
	for (; n >= 0; n = next_sibling(v, n)) {
		const char *name = (const char *)v->st + n + 4;
		/* tok_at proved the name NUL-terminated in the block. */
		int nlen = bounded_strlen(name, v->st_size - (uint32_t)n - 4);
		if (name_matches(name, (size_t)nlen, s, len))
			return n;
	}
	return n;
}

/* Follow "/a/b..." components from node. */
static int walk_path(const struct view *v, int node, const char *p,
		     const char *end)
{
	while (p < end) {
		if (*p == '/') {
			p++;
			continue;
		}
		const char *q = p;
		while (q < end && *q != '/')
			q++;
		node = subnode(v, node, p, (size_t)(q - p));
		if (node < 0)
			return node;
		p = q;
	}
	return node;
}

static int find_path(const struct view *v, const char *path, size_t len)
{
	const char *end = path + len;

	if (len == 0 || has_nul(path, len))
		return K_EINVAL;
	int root = root_of(v);
	if (root < 0)
		return root;
	if (path[0] == '/')
		return walk_path(v, root, path, end);

	/* An alias, then perhaps more components.  The alias's value must be
	 * a full path, so aliases never chain (and never loop). */
	const char *q = path;
	while (q < end && *q != '/')
		q++;
	int aliases = subnode(v, root, "aliases", 7);
	if (aliases < 0)
		return aliases;
	struct prop p;
	int r = find_prop(v, aliases, path, (size_t)(q - path), &p);
	if (r < 0)
		return r;
	int vlen = p.len > 0 ? bounded_strlen((const char *)p.val,
					      (uint32_t)p.len) : -1;
	if (vlen <= 0 || p.val[0] != '/')
		return K_EINVAL;
	int node = walk_path(v, root, (const char *)p.val,
			     (const char *)p.val + vlen);
	if (node < 0)
		return node;
	return walk_path(v, node, q, end);
}

int dt_find_path_len(const void *blob, const char *path, size_t len)
{
	struct view v;
	int r = view_open(blob, &v);
	if (r < 0)
		return r;
	if (!path)
		return K_EINVAL;
	return find_path(&v, path, len);
}

int dt_find_path(const void *blob, const char *path)
{
	if (!path)
		return K_EINVAL;
	return dt_find_path_len(blob, path, cstr_len(path));
}

/* ----------------------------------------------- compatible and phandle */

static bool is_compatible(const struct view *v, int node, const char *compat)
{
	struct prop p;
	return getprop(v, node, "compatible", &p) == 0 &&
	       strlist_contains(p.val, p.len, compat);
}

bool dt_is_compatible(const void *blob, int node, const char *compat)
{
	struct view v;
	return compat && view_open(blob, &v) == 0 &&
	       is_compatible(&v, node, compat);
}

int dt_find_compatible(const void *blob, int start_after, const char *compat)
{
	struct view v;
	int r = view_open(blob, &v);
	if (r < 0)
		return r;
	if (!compat)
		return K_EINVAL;
	int n = start_after < 0 ? root_of(&v) : next_node(&v, start_after, NULL);
	for (; n >= 0; n = next_node(&v, n, NULL))
		if (is_compatible(&v, n, compat))
			return n;
	return n;
}

/* 0 if node has no (well-formed) phandle. */
static uint32_t phandle_of(const struct view *v, int node)
{
	struct prop p;
	if (getprop(v, node, "phandle", &p) == 0 && p.len == 4)
		return dt_be32(p.val);
	if (getprop(v, node, "linux,phandle", &p) == 0 && p.len == 4)
		return dt_be32(p.val);
	return 0;
}

static int find_phandle(const struct view *v, uint32_t phandle)
{
	if (phandle == 0 || phandle == UINT32_MAX)
		return K_EINVAL;
	int n = root_of(v);
	for (; n >= 0; n = next_node(v, n, NULL))
		if (phandle_of(v, n) == phandle)
			return n;
	return n;
}

int dt_find_phandle(const void *blob, uint32_t phandle)
{
	struct view v;
	int r = view_open(blob, &v);
	return r < 0 ? r : find_phandle(&v, phandle);
}

bool dt_node_enabled(const void *blob, int node)
{
	struct view v;
	struct prop p;
	if (view_open(blob, &v) < 0 || node_valid(&v, node) < 0)
		return false;
	int r = getprop(&v, node, "status", &p);
	if (r == K_ENOENT)
		return true;
	if (r < 0)
		return false;
	return (p.len == 5 && bytes_equal((const char *)p.val, "okay", 5)) ||
	       (p.len == 3 && bytes_equal((const char *)p.val, "ok", 3));
}

/* ------------------------------------------------------------ properties */

const void *dt_getprop(const void *blob, int node, const char *name, int *len)
{
	struct view v;
	struct prop p;
	int r = view_open(blob, &v);
	if (r == 0)
		r = name ? getprop(&v, node, name, &p) : K_EINVAL;
	if (len)
		*len = r < 0 ? r : p.len;
	return r < 0 ? NULL : p.val;
}

const char *dt_prop_string(const void *blob, int node, const char *name)
{
	int len;
	const char *s = dt_getprop(blob, node, name, &len);
	if (!s || len <= 0 || bounded_strlen(s, (uint32_t)len) < 0)
		return NULL;
	return s;
}

int dt_prop_u32(const void *blob, int node, const char *name, uint32_t *out)
{
	int len;
	const void *p = dt_getprop(blob, node, name, &len);
	if (!p)
		return len;
	if (len != 4)
		return K_EINVAL;
	*out = dt_be32(p);
	return 0;
}

int dt_prop_u64(const void *blob, int node, const char *name, uint64_t *out)
{
	int len;
	const void *p = dt_getprop(blob, node, name, &len);
	if (!p)
		return len;
	if (len == 4)
		*out = dt_be32(p);
	else if (len == 8)
		*out = dt_be64(p);
	else
		return K_EINVAL;
	return 0;
}

bool dt_strlist_contains(const void *list, int len, const char *str)
{
	return list && str && strlist_contains(list, len, str);
}

int dt_foreach_prop(const void *blob, int node, dt_prop_fn fn, void *arg)
{
	struct view v;
	struct prop p;
	uint32_t off;
	int r = view_open(blob, &v);
	if (r == 0)
		r = fn ? node_body(&v, node, &off) : K_EINVAL;
	if (r < 0)
		return r;
	while ((r = next_prop(&v, &off, &p)) > 0) {
		int stop = fn(p.name, p.val, p.len, arg);
		if (stop)
			return stop;
	}
	return r;
}

/* ------------------------------------- for the other files (dt_view.h) */

int dt_view_open(const void *blob, struct view *v) { return view_open(blob, v); }
int dt_view_node_valid(const struct view *v, int node) { return node_valid(v, node); }
int dt_view_parent(const struct view *v, int node) { return parent_of(v, node); }
int dt_view_find_phandle(const struct view *v, uint32_t phandle) { return find_phandle(v, phandle); }
int dt_view_getprop(const struct view *v, int node, const char *name, struct prop *p)
{
	return getprop(v, node, name, p);
}
