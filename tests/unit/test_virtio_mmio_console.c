/* Host tests of the virtio core, the virtio-mmio transport and the console
 * driver together, against a register-level model of a virtio-mmio console
 * (version 2).  The kernel services they call are stubbed below; register
 * accesses reach the model through tests/unit/virtio_fake/machine/io.h.
 *
 * Each test runs in its own process (Check's fork mode, forced), so the
 * drivers' static state starts fresh every time. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <kern/arch.h>
#include <kern/cmdline.h>
#include <kern/console.h>
#include <kern/errno.h>
#include <kern/kmem.h>
#include <kern/page_alloc.h>
#include <kern/printf.h>
#include <kern/timer.h>
#include <linux/virtio_console.h>
#include <linux/virtio_mmio.h>
#include "virtio/core/vq_sim.h"
#include "virtio/virtio.h"
#include "virtio/virtio_console.h"

/* ---- the device model ------------------------------------------------ */

#define FAKE_BASE 0xfeb00e00ull
#define FAKE_PAGE 0xfeb00000ull
#define FAKE_IRQ  5
static uint8_t window[4096] __attribute__((aligned(4096)));
#define REGS (window + (FAKE_BASE - FAKE_PAGE))

struct fake_queue { uint32_t num, ready; uint64_t desc, avail, used; struct vq_sim sim; };
static struct fake {
	uint32_t magic, version, id, num_max;
	uint64_t offered, accepted;
	uint32_t dfsel, gfsel, status, qsel, isr;
	struct fake_queue q[2];
	bool refuse_features, defer_tx, stall_tx;
	unsigned notifies, notifies_before_ok, bad_queue_setups, tx_irqs, ticks;
	uint32_t status_log[16];
	unsigned nstatus;
	char out[16384];
	size_t out_len;
} fd;

static void raise_irq(uint32_t bit);

static void fake_init(void)
{
	memset(&fd, 0, sizeof(fd));
	fd.magic = 0x74726976;
	fd.version = 2;
	fd.id = VIRTIO_ID_CONSOLE;
	fd.num_max = 64;
	fd.offered = VIRTIO_FEATURE(VIRTIO_F_VERSION_1) | VIRTIO_FEATURE(VIRTIO_CONSOLE_F_SIZE) |
		     VIRTIO_FEATURE(VIRTIO_CONSOLE_F_MULTIPORT) | VIRTIO_FEATURE(VIRTIO_F_RING_PACKED);
}

static void fake_tx_process(void)
{
	struct fake_queue *q = &fd.q[1];
	struct vq_sim_req req;

	if (!q->ready || fd.stall_tx || fd.defer_tx)
		return;
	while (vq_sim_pop(&q->sim, &req) == 0) {
		ck_assert_uint_eq(req.nin, 0);
		fd.out_len += vq_sim_read(&q->sim, &req, fd.out + fd.out_len, sizeof(fd.out) - fd.out_len);
		vq_sim_push(&q->sim, req.head, 0);
		if (vq_sim_interrupt_wanted(&q->sim)) {
			fd.tx_irqs++;
			raise_irq(VIRTIO_MMIO_INT_VRING);
		}
	}
}

/* Host-to-guest bytes: one receive buffer's worth. */
static size_t fake_input(const char *data, size_t len)
{
	struct fake_queue *q = &fd.q[0];
	struct vq_sim_req req;

	if (!q->ready || vq_sim_pop(&q->sim, &req) != 0)
		return 0;
	size_t n = vq_sim_write(&q->sim, &req, data, len);
	vq_sim_push(&q->sim, req.head, (uint32_t)n);
	if (vq_sim_interrupt_wanted(&q->sim))
		raise_irq(VIRTIO_MMIO_INT_VRING);
	return n;
}

static uint64_t reg_read(unsigned off)
{
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE: return fd.magic;
	case VIRTIO_MMIO_VERSION: return fd.version;
	case VIRTIO_MMIO_DEVICE_ID: return fd.id;
	case VIRTIO_MMIO_VENDOR_ID: return 0x554d4551;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return fd.dfsel == 0 ? (uint32_t)fd.offered : fd.dfsel == 1 ? fd.offered >> 32 : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX: return fd.qsel < 2 ? fd.num_max : 0;
	case VIRTIO_MMIO_QUEUE_READY: return fd.qsel < 2 ? fd.q[fd.qsel].ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS: return fd.isr;
	case VIRTIO_MMIO_STATUS: return fd.status;
	default: return 0;   /* config space, generation: zeros */
	}
}

static void set_half(uint64_t *v, bool high, uint32_t w)
{
	*v = high ? (*v & 0xffffffffull) | (uint64_t)w << 32 : (*v & ~0xffffffffull) | w;
}

static void reg_write(unsigned off, uint32_t v)
{
	struct fake_queue *q = fd.qsel < 2 ? &fd.q[fd.qsel] : NULL;

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL: fd.dfsel = v; break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL: fd.gfsel = v; break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (fd.gfsel < 2)
			set_half(&fd.accepted, fd.gfsel == 1, v);
		break;
	case VIRTIO_MMIO_QUEUE_SEL: fd.qsel = v; break;
	case VIRTIO_MMIO_QUEUE_NUM: if (q) q->num = v; break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW: case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		if (q) set_half(&q->desc, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW: case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		if (q) set_half(&q->avail, off == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW: case VIRTIO_MMIO_QUEUE_USED_HIGH:
		if (q) set_half(&q->used, off == VIRTIO_MMIO_QUEUE_USED_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (!q)
			break;
		if (!(fd.status & VIRTIO_CONFIG_S_FEATURES_OK) || q->num == 0 || q->num > fd.num_max ||
		    (q->num & (q->num - 1)) || q->desc % 16 || q->avail % 2 || q->used % 4)
			fd.bad_queue_setups++;
		q->ready = v;
		q->sim = (struct vq_sim){ .desc = (void *)(uintptr_t)q->desc,
			.avail = (void *)(uintptr_t)q->avail, .used = (void *)(uintptr_t)q->used,
			.size = (uint16_t)q->num };
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		fd.notifies++;
		if (!(fd.status & VIRTIO_CONFIG_S_DRIVER_OK))
			fd.notifies_before_ok++;
		if (v == 1)
			fake_tx_process();
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK: fd.isr &= ~v; break;
	case VIRTIO_MMIO_STATUS:
		if (fd.nstatus < 16)
			fd.status_log[fd.nstatus++] = v;
		if (v == 0) {
			memset(fd.q, 0, sizeof(fd.q));
			fd.status = fd.isr = 0;
			fd.accepted = 0;
		} else {
			if (fd.refuse_features)
				v &= ~(uint32_t)VIRTIO_CONFIG_S_FEATURES_OK;
			fd.status = v;
		}
		break;
	}
}

static bool in_window(const volatile void *a, unsigned *off)
{
	uintptr_t p = (uintptr_t)a, r = (uintptr_t)REGS;
	if (p < r || p >= r + 0x200)
		return false;
	*off = (unsigned)(p - r);
	return true;
}

bool fake_io_read(const volatile void *a, unsigned width, uint64_t *val)
{
	unsigned off;
	if (!in_window(a, &off))
		return false;
	ck_assert_msg(width == 4 || off >= VIRTIO_MMIO_CONFIG, "register 0x%x read with width %u", off, width);
	*val = reg_read(off);
	return true;
}

bool fake_io_write(volatile void *a, unsigned width, uint64_t val)
{
	unsigned off;
	if (!in_window(a, &off))
		return false;
	ck_assert_msg(width == 4, "register 0x%x written with width %u", off, width);
	reg_write(off, (uint32_t)val);
	return true;
}

/* ---- kernel services ------------------------------------------------- */

static char klog[16384];
static size_t klog_len;
static irq_handler_t irq_fn;
static void *irq_arg;
static unsigned irq_line = ~0u, irq_flags;
static bool irqs_on = true, irq_pending;
static struct console *consoles[4];
static unsigned nconsoles;
static char cin[4096];
static size_t cin_len;
static const char *cmdline_entries[4];

static void deliver(void)
{
	if (!irq_pending || !irqs_on || !irq_fn)
		return;
	irq_pending = false;
	irqs_on = false;   /* as an interrupt gate does */
	irq_fn(irq_arg);
	irqs_on = true;
}

static void raise_irq(uint32_t bit)
{
	fd.isr |= bit;
	irq_pending = true;
	deliver();
}

int kvprintf(const char *fmt, va_list ap)
{
	int n = vsnprintf(klog + klog_len, sizeof(klog) - klog_len, fmt, ap);
	if (n > 0)
		klog_len = MIN(klog_len + (size_t)n, sizeof(klog) - 1);
	return n;
}
int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
paddr_t page_alloc(unsigned order)
{
	void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE << order);
	return p ? (paddr_t)(uintptr_t)p : PADDR_NONE;
}
int page_free(paddr_t pa, unsigned order) { (void)order; free((void *)(uintptr_t)pa); return 0; }
void *kmalloc(size_t size) { return malloc(size); }
void *kzalloc(size_t size) { return calloc(1, size); }
int kfree(void *p) { free(p); return 0; }
paddr_t virt_to_phys(const void *va) { return (paddr_t)(uintptr_t)va; }
void *ioremap(paddr_t pa, size_t len)
{
	return pa == FAKE_PAGE && len <= sizeof(window) ? window : NULL;
}
int arch_irq_attach(unsigned line, unsigned flags, irq_handler_t fn, void *arg)
{
	irq_line = line;
	irq_flags = flags;
	irq_fn = fn;
	irq_arg = arg;
	return 0;
}
irqflags_t arch_irq_save(void) { irqflags_t f = irqs_on; irqs_on = false; return f; }
void arch_irq_restore(irqflags_t f) { irqs_on = f; deliver(); }
/* A spinning CPU gives a slow device time to finish. */
void arch_cpu_relax(void)
{
	if (fd.defer_tx && ++fd.ticks >= 1000) {
		fd.defer_tx = false;
		fake_tx_process();
	}
}
uint64_t clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}
void console_register(struct console *con) { consoles[nconsoles++] = con; }
void console_input(const char *buf, size_t len)
{
	memcpy(cin + cin_len, buf, len);
	cin_len += len;
}
void cmdline_foreach(const char *key, void (*fn)(const char *, size_t, void *), void *arg)
{
	ck_assert_str_eq(key, "virtio_mmio.device");
	for (unsigned i = 0; i < 4 && cmdline_entries[i]; i++)
		fn(cmdline_entries[i], strlen(cmdline_entries[i]), arg);
}
void virtio_pci_init(void) {}

/* ---- tests ----------------------------------------------------------- */

static void setup(void)
{
	fake_init();
	virtio_init();
}

static struct virtio_console_port *bring_up(void)
{
	cmdline_entries[0] = "512@0xfeb00e00:5";
	virtio_mmio_probe_cmdline();
	ck_assert_int_eq(virtio_console_count(), 1);
	ck_assert_uint_eq(nconsoles, 1);
	return virtio_console_get(0);
}

START_TEST(handshake_follows_the_spec)
{
	static const uint32_t expect[] = { 0, 1, 3, 11, 15 };
	bring_up();
	ck_assert_uint_eq(fd.nstatus, 5);
	for (unsigned i = 0; i < 5; i++)
		ck_assert_uint_eq(fd.status_log[i], expect[i]);
	/* Only VERSION_1: no multiport, no packed ring, no size. */
	ck_assert_uint_eq(fd.accepted, VIRTIO_FEATURE(VIRTIO_F_VERSION_1));
	ck_assert(fd.q[0].ready && fd.q[1].ready);
	ck_assert_uint_eq(fd.q[0].num, 64);
	ck_assert_uint_eq(fd.bad_queue_setups, 0);
	ck_assert_uint_eq(fd.notifies_before_ok, 0);
	ck_assert_uint_eq(vq_sim_pending(&fd.q[0].sim), 8);   /* receive buffers posted */
	ck_assert_uint_ge(fd.notifies, 1);                      /* ... and announced */
	ck_assert_uint_eq(irq_line, FAKE_IRQ);
	ck_assert_uint_eq(irq_flags, IRQ_EDGE);
	ck_assert_str_eq(consoles[0]->name, "virtio-con0");
	ck_assert_uint_eq(virtio_device_count(), 1);
}
END_TEST

START_TEST(output_reaches_the_device)
{
	static char big[5000];
	bring_up();
	consoles[0]->write(consoles[0], "hello\n", 6);
	ck_assert_uint_eq(fd.out_len, 6);
	ck_assert_mem_eq(fd.out, "hello\n", 6);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	ck_assert_int_eq(virtio_console_write(virtio_console_get(0), big, sizeof(big)), (int)sizeof(big));
	ck_assert_uint_eq(fd.out_len, 6 + sizeof(big));
	ck_assert_mem_eq(fd.out + 6, big, sizeof(big));
	ck_assert_uint_eq(fd.tx_irqs, 0);   /* transmit interrupts stay suppressed */
	ck_assert(irqs_on);
}
END_TEST

START_TEST(output_waits_for_a_slow_device)
{
	static char big[VIRTIO_CONSOLE_TX_INFLIGHT + 100];
	struct virtio_console_stats st;
	memset(big, 'x', sizeof(big));
	struct virtio_console_port *p = bring_up();
	fd.defer_tx = true;   /* completes only after 1000 relax calls */
	ck_assert_int_eq(virtio_console_write(p, big, sizeof(big)), (int)sizeof(big));
	ck_assert_uint_eq(fd.out_len, sizeof(big));
	virtio_console_get_stats(p, &st);
	ck_assert_uint_eq(st.tx_bytes, sizeof(big));
	ck_assert_uint_eq(st.tx_dropped, 0);
}
END_TEST

START_TEST(stalled_device_drops_without_hanging)
{
	static char big[VIRTIO_CONSOLE_TX_INFLIGHT + 952];
	struct virtio_console_stats st;
	memset(big, 'y', sizeof(big));
	struct virtio_console_port *p = bring_up();
	klog_len = 0;
	fd.stall_tx = true;
	uint64_t t0 = clock_ns();
	ck_assert_int_eq(virtio_console_write(p, big, sizeof(big)), VIRTIO_CONSOLE_TX_INFLIGHT);
	uint64_t t1 = clock_ns();
	ck_assert_uint_ge(t1 - t0, VIRTIO_CONSOLE_STALL_NS * 3 / 4);
	ck_assert_uint_lt(t1 - t0, VIRTIO_CONSOLE_STALL_NS + NSEC_PER_SEC);
	ck_assert_uint_eq(klog_len, 0);   /* no printing from inside a console */
	/* Once stalled, no more waiting. */
	ck_assert_int_eq(virtio_console_write(p, "z", 1), 0);
	ck_assert_uint_lt(clock_ns() - t1, 50 * NSEC_PER_MSEC);
	virtio_console_get_stats(p, &st);
	ck_assert_uint_eq(st.tx_dropped, sizeof(big) - VIRTIO_CONSOLE_TX_INFLIGHT + 1);
	/* The device recovers: output flows again. */
	fd.stall_tx = false;
	fake_tx_process();
	ck_assert_int_eq(virtio_console_write(p, "back", 4), 4);
	ck_assert_mem_eq(fd.out + fd.out_len - 4, "back", 4);
}
END_TEST

START_TEST(input_reaches_console_and_port)
{
	struct virtio_console_port *p = bring_up();
	struct virtio_console_stats st;
	char buf[64];

	ck_assert_uint_eq(fake_input("abc", 3), 3);
	ck_assert_uint_eq(cin_len, 3);
	ck_assert_mem_eq(cin, "abc", 3);
	ck_assert_uint_eq(vq_sim_pending(&fd.q[0].sim), 8);   /* buffer reposted */
	ck_assert_uint_eq(fd.isr, 0);                          /* interrupt acknowledged */

	/* With interrupts off, input waits for them to come back on. */
	irqflags_t f = arch_irq_save();
	ck_assert_uint_eq(fake_input("de", 2), 2);
	ck_assert_uint_eq(cin_len, 3);
	arch_irq_restore(f);
	ck_assert_uint_eq(cin_len, 5);

	ck_assert_uint_eq(virtio_console_read(p, buf, sizeof(buf)), 5);
	ck_assert_mem_eq(buf, "abcde", 5);
	ck_assert_uint_eq(virtio_console_read(p, buf, sizeof(buf)), 0);
	virtio_console_get_stats(p, &st);
	ck_assert_uint_eq(st.rx_bytes, 5);
	ck_assert_uint_eq(st.rx_interrupts, 2);
}
END_TEST

START_TEST(input_ring_overflow_is_counted)
{
	static char chunk[256];
	struct virtio_console_port *p = bring_up();
	struct virtio_console_stats st;
	char buf[1024];

	memset(chunk, 'q', sizeof(chunk));
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(fake_input(chunk, sizeof(chunk)), sizeof(chunk));
	virtio_console_get_stats(p, &st);
	ck_assert_uint_eq(st.rx_bytes, 768);
	ck_assert_uint_eq(st.rx_dropped, 768 - 512);
	ck_assert_uint_eq(virtio_console_read(p, buf, sizeof(buf)), 512);
	ck_assert_uint_eq(cin_len, 768);   /* the kernel's input got it all */
}
END_TEST

START_TEST(raw_claim_separates_the_port)
{
	struct virtio_console_port *p = bring_up();
	char buf[16];

	virtio_console_claim_raw(p, true);
	consoles[0]->write(consoles[0], "log", 3);
	ck_assert_uint_eq(fd.out_len, 0);
	ck_assert_int_eq(virtio_console_write(p, "raw", 3), 3);
	ck_assert_mem_eq(fd.out, "raw", 3);
	fake_input("in", 2);
	ck_assert_uint_eq(cin_len, 0);
	ck_assert_uint_eq(virtio_console_read(p, buf, sizeof(buf)), 2);
	virtio_console_claim_raw(p, false);
	consoles[0]->write(consoles[0], "log", 3);
	ck_assert_mem_eq(fd.out + 3, "log", 3);
}
END_TEST

START_TEST(legacy_empty_and_foreign_windows)
{
	fd.version = 1;
	ck_assert_int_eq(virtio_mmio_probe(FAKE_BASE, 0x200, FAKE_IRQ), K_ENODEV);
	ck_assert_ptr_nonnull(strstr(klog, "virtio-mmio.force-legacy=false"));
	fd.version = 2;
	fd.id = 0;
	klog_len = 0;
	klog[0] = 0;
	ck_assert_int_eq(virtio_mmio_probe(FAKE_BASE, 0x200, FAKE_IRQ), 0);
	ck_assert_uint_eq(klog_len, 0);   /* empty slots are quiet */
	fd.id = VIRTIO_ID_CONSOLE;
	fd.magic = 0x12345678;
	ck_assert_int_eq(virtio_mmio_probe(FAKE_BASE, 0x200, FAKE_IRQ), K_ENODEV);
	ck_assert_int_eq(virtio_mmio_probe(FAKE_BASE, 0x80, FAKE_IRQ), K_EINVAL);
	ck_assert_uint_eq(fd.nstatus, 0);   /* none of them was touched */
	ck_assert_int_eq(virtio_console_count(), 0);
}
END_TEST

START_TEST(refused_features_mark_the_device_failed)
{
	fd.refuse_features = true;
	ck_assert_int_eq(virtio_mmio_probe(FAKE_BASE, 0x200, FAKE_IRQ), 0);
	ck_assert(fd.status & VIRTIO_CONFIG_S_FAILED);
	ck_assert(!(fd.status & VIRTIO_CONFIG_S_DRIVER_OK));
	ck_assert(!fd.q[0].ready && !fd.q[1].ready);
	ck_assert_ptr_nonnull(strstr(klog, "refused our features"));
	ck_assert_int_eq(virtio_console_count(), 0);
}
END_TEST

START_TEST(legacy_only_features_mark_the_device_failed)
{
	fd.offered = VIRTIO_FEATURE(VIRTIO_CONSOLE_F_SIZE);
	ck_assert_int_eq(virtio_mmio_probe(FAKE_BASE, 0x200, FAKE_IRQ), 0);
	ck_assert(fd.status & VIRTIO_CONFIG_S_FAILED);
	ck_assert(!(fd.status & VIRTIO_CONFIG_S_FEATURES_OK));
	ck_assert_ptr_nonnull(strstr(klog, "VIRTIO_F_VERSION_1"));
}
END_TEST

START_TEST(device_without_driver_is_left_alone)
{
	fd.id = VIRTIO_ID_RNG;
	ck_assert_int_eq(virtio_mmio_probe(FAKE_BASE, 0x200, FAKE_IRQ), 0);
	ck_assert_uint_eq(fd.status, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	ck_assert_ptr_nonnull(strstr(klog, "no driver for device type 4"));
	ck_assert_uint_eq(virtio_device_count(), 1);
}
END_TEST

START_TEST(malformed_cmdline_entry_is_reported)
{
	cmdline_entries[0] = "garbage";
	cmdline_entries[1] = "512@0xfeb00e00:5";
	virtio_mmio_probe_cmdline();
	ck_assert_ptr_nonnull(strstr(klog, "ignoring virtio_mmio.device=garbage: bad size"));
	ck_assert_int_eq(virtio_console_count(), 1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("virtio_mmio_console");
	TCase *tc = tcase_create("device");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, handshake_follows_the_spec);
	tcase_add_test(tc, output_reaches_the_device);
	tcase_add_test(tc, output_waits_for_a_slow_device);
	tcase_add_test(tc, stalled_device_drops_without_hanging);
	tcase_add_test(tc, input_reaches_console_and_port);
	tcase_add_test(tc, input_ring_overflow_is_counted);
	tcase_add_test(tc, raw_claim_separates_the_port);
	tcase_add_test(tc, legacy_empty_and_foreign_windows);
	tcase_add_test(tc, refused_features_mark_the_device_failed);
	tcase_add_test(tc, legacy_only_features_mark_the_device_failed);
	tcase_add_test(tc, device_without_driver_is_left_alone);
	tcase_add_test(tc, malformed_cmdline_entry_is_reported);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_set_fork_status(sr, CK_FORK);   /* fresh driver state per test */
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
