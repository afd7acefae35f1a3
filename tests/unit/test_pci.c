/* Host tests of the PCI layer (src/dev/pci.c) against a fake configuration
 * space: enumeration (multi-function, behind a bridge), BAR sizing, BAR
 * assignment around firmware-assigned ranges, capability walking, MSI-X
 * programming and driver binding. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/kmem.h>
#include <kern/pci.h>
#include <kern/printf.h>
#include <linux/pci_regs.h>

/* ---- the fake configuration space ----------------------------------- */

struct fake_fn {
	unsigned bus, dev, fn;
	uint8_t cfg[256];
	uint64_t bar_size[6];   /* 0: BAR not implemented */
};
static struct fake_fn fns[8];
static unsigned nfns;
static uint8_t msix_table[4096] __attribute__((aligned(4096)));
static paddr_t msix_table_pa;   /* where BAR1 of the virtio function ended up */

static void put(uint8_t *cfg, unsigned off, unsigned width, uint32_t v)
{
	for (unsigned i = 0; i < width; i++)
		cfg[off + i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get(const uint8_t *cfg, unsigned off, unsigned width)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	return v;
}

static struct fake_fn *add_fn(unsigned bus, unsigned dev, unsigned fn, uint16_t vendor,
			      uint16_t device, uint8_t cls, uint8_t sub, uint8_t hdr)
{
	struct fake_fn *f = &fns[nfns++];
	memset(f, 0, sizeof(*f));
	f->bus = bus, f->dev = dev, f->fn = fn;
	put(f->cfg, PCI_VENDOR_ID, 2, vendor);
	put(f->cfg, PCI_DEVICE_ID, 2, device);
	put(f->cfg, PCI_CLASS_REVISION, 4, (uint32_t)cls << 24 | (uint32_t)sub << 16 | 1);
	put(f->cfg, PCI_HEADER_TYPE, 1, hdr);
	put(f->cfg, PCI_INTERRUPT_PIN, 1, 1);
	put(f->cfg, PCI_INTERRUPT_LINE, 1, 11);
	return f;
}

static struct fake_fn *find_fn(unsigned bus, unsigned dev, unsigned fn)
{
	for (unsigned i = 0; i < nfns; i++)
		if (fns[i].bus == bus && fns[i].dev == dev && fns[i].fn == fn)
			return &fns[i];
	return NULL;
}

uint32_t arch_pci_cfg_read(unsigned bus, unsigned dev, unsigned fn, unsigned off, unsigned width)
{
	struct fake_fn *f = find_fn(bus, dev, fn);
	ck_assert(off + width <= 256 && off % width == 0);
	if (!f)
		return width == 4 ? 0xffffffff : (1u << (8 * width)) - 1;
	return get(f->cfg, off, width);
}

void arch_pci_cfg_write(unsigned bus, unsigned dev, unsigned fn, unsigned off, unsigned width, uint32_t v)
{
	struct fake_fn *f = find_fn(bus, dev, fn);
	ck_assert(off + width <= 256 && off % width == 0);
	if (!f)
		return;
	if (off >= PCI_BASE_ADDRESS_0 && off < PCI_BASE_ADDRESS_0 + 24) {
		/* BAR registers: only the address bits above the size stick. */
		unsigned i = (off - PCI_BASE_ADDRESS_0) / 4;
		ck_assert_uint_eq(width, 4);
		uint32_t old = get(f->cfg, off, 4);
		bool top_half = i > 0 && f->bar_size[i] == 0 && f->bar_size[i - 1] &&
				(get(f->cfg, off - 4, 4) & 7) == PCI_BASE_ADDRESS_MEM_TYPE_64;
		if (top_half) {
			uint64_t mask = ~(f->bar_size[i - 1] - 1);
			put(f->cfg, off, 4, v & (uint32_t)(mask >> 32));
		} else if (f->bar_size[i]) {
			uint32_t flags = old & (old & 1 ? 0x3 : 0xf);
			put(f->cfg, off, 4, (v & (uint32_t)~(f->bar_size[i] - 1) & ~(old & 1 ? 3u : 15u)) | flags);
		}
		/* Sizing with decoding on would make the device claim garbage. */
		if (v == 0xffffffff && (old & 1 ? 0 : 1))
			ck_assert_msg(!(get(f->cfg, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY) ||
				      get(f->cfg, PCI_CLASS_DEVICE + 1, 1) == 0x06,
				      "BAR sized with memory decoding on");
		return;
	}
	put(f->cfg, off, width, v);
}

static void set_bar(struct fake_fn *f, unsigned i, uint64_t size, uint32_t flags, uint64_t base)
{
	f->bar_size[i] = size;
	put(f->cfg, PCI_BASE_ADDRESS_0 + 4 * i, 4, (uint32_t)base | flags);
	if ((flags & 7) == PCI_BASE_ADDRESS_MEM_TYPE_64)
		put(f->cfg, PCI_BASE_ADDRESS_0 + 4 * i + 4, 4, (uint32_t)(base >> 32));
}

static void add_cap(struct fake_fn *f, unsigned at, uint8_t id, unsigned next)
{
	put(f->cfg, PCI_STATUS, 2, get(f->cfg, PCI_STATUS, 2) | PCI_STATUS_CAP_LIST);
	if (!get(f->cfg, PCI_CAPABILITY_LIST, 1))
		put(f->cfg, PCI_CAPABILITY_LIST, 1, at);
	put(f->cfg, at + PCI_CAP_LIST_ID, 1, id);
	put(f->cfg, at + PCI_CAP_LIST_NEXT, 1, next);
}

/* ---- kernel services ------------------------------------------------- */

static char klog[8192];
static size_t klog_len;
int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(klog + klog_len, sizeof(klog) - klog_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		klog_len = MIN(klog_len + (size_t)n, sizeof(klog) - 1);
	return n;
}
void *kzalloc(size_t size) { return calloc(1, size); }
int kfree(void *p) { free(p); return 0; }
/* Only the MSI-X table is ever touched; other mappings are just numbers. */
void *ioremap(paddr_t pa, size_t len)
{
	ck_assert(pa % 4096 == 0 && len % 4096 == 0);
	return pa == msix_table_pa ? (void *)msix_table : (void *)(uintptr_t)pa;
}

/* ---- the machine under test ------------------------------------------ */

static struct fake_fn *virtio_fn, *fw_fn, *mf_fn, *deep_fn;
static unsigned probes;
static int probe_result;

static int record_probe(struct pci_device *d)
{
	(void)d;
	probes++;
	return probe_result;
}

static const struct pci_driver test_driver = {
	.name = "test", .vendor = 0x1af4, .device_min = 0x1040, .device_max = 0x107f,
	.probe = record_probe,
};

static void build_machine(void)
{
	struct fake_fn *f;

	nfns = 0;
	add_fn(0, 0, 0, 0x8086, 0x29c0, 0x06, 0x00, 0);          /* host bridge */
	put(fns[0].cfg, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	virtio_fn = add_fn(0, 1, 0, 0x1af4, 0x1043, 0x07, 0x80, 0);
	set_bar(virtio_fn, 0, 32, PCI_BASE_ADDRESS_SPACE_IO, 0xc000);
	set_bar(virtio_fn, 1, 4096, 0, 0);                                   /* unassigned */
	set_bar(virtio_fn, 4, 16384, PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH, 0);
	add_cap(virtio_fn, 0x40, PCI_CAP_ID_MSIX, 0x50);
	put(virtio_fn->cfg, 0x40 + PCI_MSIX_FLAGS, 2, 2);                     /* 3 entries */
	put(virtio_fn->cfg, 0x40 + PCI_MSIX_TABLE, 4, 1);                     /* BAR1 + 0 */
	add_cap(virtio_fn, 0x50, PCI_CAP_ID_VNDR, 0x60);
	add_cap(virtio_fn, 0x60, PCI_CAP_ID_VNDR, 0);
	/* Multi-function slot; firmware assigned fn0's BAR at the window base. */
	fw_fn = add_fn(0, 2, 0, 0x1234, 0x1111, 0x02, 0x00, 0x80);
	set_bar(fw_fn, 0, 1 << 20, 0, 0xC0000000);
	put(fw_fn->cfg, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	mf_fn = add_fn(0, 2, 3, 0x1234, 0x2222, 0x02, 0x00, 0);
	set_bar(mf_fn, 0, 8192, 0, 0);
	/* A bridge to bus 1, with a device behind it. */
	f = add_fn(0, 3, 0, 0x1b36, 0x0001, 0x06, 0x04, 1);
	put(f->cfg, PCI_SECONDARY_BUS, 1, 1);
	deep_fn = add_fn(1, 0, 0, 0x1af4, 0x1041, 0x02, 0x00, 0);
	set_bar(deep_fn, 0, 4096, 0, 0);
	/* A capability list that loops on itself. */
	f = add_fn(0, 4, 0, 0x1234, 0x3333, 0xff, 0x00, 0);
	add_cap(f, 0x44, PCI_CAP_ID_PM, 0x44);
	msix_table_pa = 0;
}

static struct pci_device *dev_at(unsigned bus, unsigned dev, unsigned fn)
{
	for (struct pci_device *d = pci_first_device(); d; d = d->next)
		if (d->bus == bus && d->dev == dev && d->fn == fn)
			return d;
	return NULL;
}

static void setup(void)
{
	build_machine();
	/* BAR1 goes first in the window after fw_fn's 1 MiB: predict it so
	 * ioremap can hand out the MSI-X table buffer. */
	msix_table_pa = 0xC0100000;
	probes = 0;
	probe_result = 0;
	pci_register_driver(&test_driver);
	pci_scan();
}

START_TEST(enumeration_finds_every_function)
{
	static const unsigned expect[][3] = {
		{ 0, 0, 0 }, { 0, 1, 0 }, { 0, 2, 0 }, { 0, 2, 3 }, { 0, 3, 0 }, { 1, 0, 0 }, { 0, 4, 0 },
	};
	unsigned n = 0;
	for (struct pci_device *d = pci_first_device(); d; d = d->next, n++) {
		ck_assert_uint_lt(n, 7);
		ck_assert_uint_eq(d->bus, expect[n][0]);
		ck_assert_uint_eq(d->dev, expect[n][1]);
		ck_assert_uint_eq(d->fn, expect[n][2]);
	}
	ck_assert_uint_eq(n, 7);
	struct pci_device *v = dev_at(0, 1, 0);
	ck_assert_uint_eq(v->vendor, 0x1af4);
	ck_assert_uint_eq(v->device, 0x1043);
	ck_assert_uint_eq(v->class_code, 0x07);
	ck_assert_uint_eq(v->subclass, 0x80);
	ck_assert_uint_eq(v->irq_pin, 1);
	ck_assert_uint_eq(v->irq_line, 11);
	ck_assert_uint_eq(dev_at(0, 3, 0)->header_type, PCI_HEADER_TYPE_BRIDGE);
	ck_assert_uint_eq(dev_at(0, 2, 0)->header_type, PCI_HEADER_TYPE_NORMAL);
}
END_TEST

START_TEST(bars_are_sized)
{
	struct pci_device *v = dev_at(0, 1, 0);
	ck_assert_uint_eq(v->bar[0].flags, PCI_BAR_IO);
	ck_assert_uint_eq(v->bar[0].base, 0xc000);
	ck_assert_uint_eq(v->bar[0].size, 32);
	ck_assert_uint_eq(v->bar[1].size, 4096);
	ck_assert_uint_eq(v->bar[1].flags, 0);
	ck_assert_uint_eq(v->bar[4].size, 16384);
	ck_assert_uint_eq(v->bar[4].flags, PCI_BAR_MEM64 | PCI_BAR_PREFETCH);
	ck_assert_uint_eq(v->bar[5].size, 0);   /* the top half */
	ck_assert_uint_eq(v->bar[2].size, 0);
	ck_assert_uint_eq(dev_at(0, 2, 0)->bar[0].size, 1 << 20);
	/* Command registers are as firmware left them. */
	ck_assert_uint_eq(get(fw_fn->cfg, PCI_COMMAND, 2), PCI_COMMAND_MEMORY);
	ck_assert_uint_eq(get(fns[0].cfg, PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
}
END_TEST

START_TEST(unassigned_bars_get_aligned_disjoint_addresses)
{
	struct pci_bar *b[3] = { &dev_at(0, 1, 0)->bar[1], &dev_at(0, 1, 0)->bar[4],
				 &dev_at(0, 2, 3)->bar[0] };
	ck_assert_uint_eq(dev_at(0, 2, 0)->bar[0].base, 0xC0000000);   /* untouched */
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_ge(b[i]->base, 0xC0000000 + (1 << 20));   /* not over fw_fn */
		ck_assert_uint_le(b[i]->base + b[i]->size, 0xFEC00000);
		ck_assert_uint_eq(b[i]->base % b[i]->size, 0);
		for (int j = 0; j < i; j++)
			ck_assert(b[i]->base + b[i]->size <= b[j]->base ||
				  b[j]->base + b[j]->size <= b[i]->base);
	}
	ck_assert_uint_eq(b[0]->base, 0xC0100000);
	/* The device itself was told. */
	ck_assert_uint_eq(get(virtio_fn->cfg, PCI_BASE_ADDRESS_0 + 4, 4), b[0]->base);
	ck_assert_uint_eq(get(virtio_fn->cfg, PCI_BASE_ADDRESS_0 + 16, 4) & ~15u, (uint32_t)b[1]->base);
	ck_assert_uint_eq(get(virtio_fn->cfg, PCI_BASE_ADDRESS_0 + 20, 4), 0);
	ck_assert_uint_eq(get(mf_fn->cfg, PCI_BASE_ADDRESS_0, 4), b[2]->base);
	/* Behind the bridge nothing is assigned (no bridge windows), and it says so. */
	ck_assert_uint_eq(dev_at(1, 0, 0)->bar[0].base, 0);
	ck_assert_ptr_nonnull(strstr(klog, "pci 01:00.0: BAR0 (4 KiB) left unassigned"));
}
END_TEST

START_TEST(capabilities_are_walked)
{
	struct pci_device *v = dev_at(0, 1, 0);
	ck_assert_uint_eq(pci_find_cap(v, PCI_CAP_ID_MSIX, 0), 0x40);
	ck_assert_uint_eq(pci_find_cap(v, PCI_CAP_ID_VNDR, 0), 0x50);
	ck_assert_uint_eq(pci_find_cap(v, PCI_CAP_ID_VNDR, 0x50), 0x60);
	ck_assert_uint_eq(pci_find_cap(v, PCI_CAP_ID_VNDR, 0x60), 0);
	ck_assert_uint_eq(pci_find_cap(v, PCI_CAP_ID_EXP, 0), 0);
	ck_assert_uint_eq(pci_find_cap(dev_at(0, 2, 0), PCI_CAP_ID_MSIX, 0), 0);  /* no list */
	ck_assert_uint_eq(pci_find_cap(dev_at(0, 4, 0), PCI_CAP_ID_MSIX, 0), 0);  /* loop */
	ck_assert_uint_eq(pci_find_cap(dev_at(0, 4, 0), PCI_CAP_ID_PM, 0), 0x44);
}
END_TEST

START_TEST(bars_map_only_inside_themselves)
{
	struct pci_device *v = dev_at(0, 1, 0);
	paddr_t base = v->bar[4].base;
	ck_assert_ptr_eq((void *)pci_map_bar(v, 4, 0x3000, 0x1000), (void *)(uintptr_t)(base + 0x3000));
	ck_assert_ptr_eq((void *)pci_map_bar(v, 4, 0x10, 4), (void *)(uintptr_t)(base + 0x10));
	ck_assert_ptr_null((void *)pci_map_bar(v, 4, 0x3000, 0x1001));
	ck_assert_ptr_null((void *)pci_map_bar(v, 4, 0x4000, 1));
	ck_assert_ptr_null((void *)pci_map_bar(v, 4, ~0ull, 2));
	ck_assert_ptr_null((void *)pci_map_bar(v, 0, 0, 4));     /* I/O */
	ck_assert_ptr_null((void *)pci_map_bar(v, 2, 0, 4));     /* absent */
	ck_assert_ptr_null((void *)pci_map_bar(v, 6, 0, 4));
	ck_assert_ptr_null((void *)pci_map_bar(dev_at(1, 0, 0), 0, 0, 4));  /* unassigned */
}
END_TEST

START_TEST(msix_entries_are_programmed)
{
	struct pci_device *v = dev_at(0, 1, 0);
	struct pci_msix mx;
	ck_assert_int_eq(pci_msix_init(v, &mx), 0);
	ck_assert_uint_eq(mx.entries, 3);
	ck_assert_uint_eq(get(virtio_fn->cfg, 0x40 + PCI_MSIX_FLAGS, 2),
			  2 | PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	for (unsigned i = 0; i < 3; i++)
		ck_assert_uint_eq(get(msix_table, i * 16 + PCI_MSIX_ENTRY_VECTOR_CTRL, 4), 1);
	ck_assert_int_eq(pci_msix_set_entry(&mx, 1, 0xfee00000ull | 0x123400000000ull, 0x4041), 0);
	ck_assert_int_eq(pci_msix_set_entry(&mx, 3, 0, 0), K_EINVAL);
	ck_assert_uint_eq(get(msix_table, 16 + PCI_MSIX_ENTRY_LOWER_ADDR, 4), 0xfee00000);
	ck_assert_uint_eq(get(msix_table, 16 + PCI_MSIX_ENTRY_UPPER_ADDR, 4), 0x1234);
	ck_assert_uint_eq(get(msix_table, 16 + PCI_MSIX_ENTRY_DATA, 4), 0x4041);
	ck_assert_uint_eq(get(msix_table, 16 + PCI_MSIX_ENTRY_VECTOR_CTRL, 4), 0);
	ck_assert_uint_eq(get(msix_table, 0 + PCI_MSIX_ENTRY_VECTOR_CTRL, 4), 1);
	pci_msix_unmask(&mx);
	ck_assert_uint_eq(get(virtio_fn->cfg, 0x40 + PCI_MSIX_FLAGS, 2), 2 | PCI_MSIX_FLAGS_ENABLE);
	pci_msix_disable(&mx);
	ck_assert_uint_eq(get(virtio_fn->cfg, 0x40 + PCI_MSIX_FLAGS, 2), 2);
	ck_assert_int_eq(pci_msix_init(dev_at(0, 2, 0), &mx), K_ENODEV);
}
END_TEST

START_TEST(drivers_bind_by_id_range)
{
	ck_assert_uint_eq(probes, 2);   /* 00:01.0 (0x1043) and 01:00.0 (0x1041) */
	ck_assert_ptr_eq(dev_at(0, 1, 0)->driver, &test_driver);
	ck_assert_ptr_eq(dev_at(1, 0, 0)->driver, &test_driver);
	ck_assert_ptr_null(dev_at(0, 2, 0)->driver);
	pci_enable_device(dev_at(0, 1, 0));
	ck_assert_uint_eq(get(virtio_fn->cfg, PCI_COMMAND, 2) & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
			  PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	pci_scan();   /* a second call does nothing */
	ck_assert_uint_eq(probes, 2);
	ck_assert_int_eq(pci_register_driver(&test_driver), K_EEXIST);
}
END_TEST

static void setup_declining(void)
{
	build_machine();
	msix_table_pa = 0xC0100000;
	probes = 0;
	probe_result = K_ENODEV;
	pci_register_driver(&test_driver);
	pci_scan();
}

START_TEST(declined_function_stays_unbound)
{
	ck_assert_uint_eq(probes, 2);
	ck_assert_ptr_null(dev_at(0, 1, 0)->driver);
	ck_assert_ptr_nonnull(strstr(klog, "pci 00:01.0: test driver declined (-8)"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pci");
	TCase *tc = tcase_create("scan");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, enumeration_finds_every_function);
	tcase_add_test(tc, bars_are_sized);
	tcase_add_test(tc, unassigned_bars_get_aligned_disjoint_addresses);
	tcase_add_test(tc, capabilities_are_walked);
	tcase_add_test(tc, bars_map_only_inside_themselves);
	tcase_add_test(tc, msix_entries_are_programmed);
	tcase_add_test(tc, drivers_bind_by_id_range);
	suite_add_tcase(s, tc);
	TCase *tc2 = tcase_create("declining");
	tcase_add_checked_fixture(tc2, setup_declining, NULL);
	tcase_add_test(tc2, declined_function_stays_unbound);
	suite_add_tcase(s, tc2);

	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);   /* pci.c's state is per process */
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
