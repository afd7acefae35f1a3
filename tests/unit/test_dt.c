/* Host tests of the device-tree reader (src/dev/dt.c, src/dev/dt_query.c),
 * with libfdt as the oracle.
 *
 * Every tree in tests/unit/dtb (QEMU virt machines dumped by regen.sh, and
 * synthetic.dts) is walked by both libraries and every answer compared:
 * node offsets, names, depths, parents, properties, paths, compatible and
 * phandle lookups, reg and interrupt decoding, and the boot queries.
 * (Damaged trees are test_dt_damage.c's.) */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <kern/dt.h>
#include <kern/errno.h>
#include "dt_fixtures.h"

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

/* ---------------------------------------------------------------- main */

int main(void)
{
	load_dtbs();
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
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	for (int i = 0; i < ndtbs; i++)
		free(dtbs[i].data);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
