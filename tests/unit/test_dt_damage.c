/* Host tests of the device-tree reader against damaged trees: bogus node
 * offsets, truncation at every length, thousands of seeded mutations
 * (checked against libfdt whenever the tree still validates), hand-built
 * broken structure streams, bad headers and hostile but valid content.
 * Every call must give an error or an in-bounds answer and always return;
 * run under valgrind to catch a stray read. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <kern/dt.h>
#include <kern/errno.h>
#include "dt_fixtures.h"

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

int main(void)
{
	load_dtbs();
	Suite *s = suite_create("dt-damage");
	TCase *tc = tcase_create("damage");
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
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	for (int i = 0; i < ndtbs; i++)
		free(dtbs[i].data);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
