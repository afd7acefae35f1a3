/* In-kernel virtio tests.
 *
 * virtqueue_bookkeeping  the split-ring code against the simulated device
 *                        (virtio/core/vq_sim.c), in kernel memory and with
 *                        the kernel's phys/virt translation.
 * virtio_console_loop    a byte round trip through a real device and the
 *                        interrupt-driven receive path.  The boot test gives
 *                        QEMU a second virtio console whose chardev sends
 *                        output back as input (a UDP chardev talking to
 *                        itself); by convention that loopback console is the
 *                        LAST virtio console found.  With ktest_virtio_loop=1
 *                        on the command line the device is required; without
 *                        it the test passes with a note when there is only
 *                        one console. */
#include <kern/arch.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/page_alloc.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <kern/timer.h>
#include "virtio/core/vq_sim.h"
#include "virtio/virtio_console.h"
#include "virtio/virtqueue.h"

static unsigned kt_notifies;

static void kt_notify(struct virtqueue *vq)
{
	(void)vq;
	kt_notifies++;
}

static unsigned order_for(size_t bytes)
{
	unsigned order = 0;
	while (((size_t)PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

KTEST(virtqueue_bookkeeping)
{
	enum { QSIZE = 16, ROUNDS = 70000 };   /* past the 16-bit index wrap */
	unsigned order = order_for(vq_mem_size(QSIZE));
	paddr_t ring_pa = page_alloc(order), buf_pa = page_alloc(0);
	struct virtqueue vq;
	struct vq_sim sim;
	struct vq_sim_req req;
	void *cookie;
	uint32_t len;
	bool ok = true;

	KT_ASSERT(ring_pa != PADDR_NONE && buf_pa != PADDR_NONE);
	char *buf = phys_to_virt(buf_pa);
	KT_EXPECT(virt_to_phys(buf) == buf_pa);
	KT_EXPECT(vq_init(&vq, 0, QSIZE, phys_to_virt(ring_pa), kt_notify, NULL) == 0);
	vq_sim_attach(&sim, &vq);
	kt_notifies = 0;

	/* One request/response chain, as a block driver would send. */
	memcpy(buf, "request", 7);
	struct vq_sg sg[2] = { { buf_pa, 7 }, { buf_pa + 64, 32 } };
	KT_EXPECT(vq_add(&vq, sg, 1, 1, buf) == 0);
	KT_EXPECT(vq_kick(&vq) && kt_notifies == 1);
	KT_ASSERT(vq_sim_pop(&sim, &req) == 0);
	char got[8];
	KT_EXPECT(req.nout == 1 && req.nin == 1);
	KT_EXPECT(vq_sim_read(&sim, &req, got, sizeof(got)) == 7 && memcmp(got, "request", 7) == 0);
	KT_EXPECT(vq_sim_write(&sim, &req, "reply", 5) == 5);
	vq_sim_push(&sim, req.head, 5);
	KT_EXPECT(vq_get_used(&vq, &cookie, &len) == 0 && cookie == buf && len == 5);
	KT_EXPECT(memcmp(buf + 64, "reply", 5) == 0);

	/* Fill the queue, then complete in reverse order. */
	for (unsigned i = 0; i < QSIZE; i++)
		KT_EXPECT(vq_add(&vq, &sg[1], 0, 1, buf + i + 1) == 0);
	KT_EXPECT(vq_add(&vq, &sg[1], 0, 1, buf) == K_ENOSPC);
	uint16_t heads[QSIZE];
	for (unsigned i = 0; i < QSIZE; i++) {
		KT_ASSERT(vq_sim_pop(&sim, &req) == 0);
		heads[i] = req.head;
	}
	for (unsigned i = QSIZE; i-- > 0;)
		vq_sim_push(&sim, heads[i], i);
	for (unsigned i = QSIZE; i-- > 0;)
		KT_EXPECT(vq_get_used(&vq, &cookie, &len) == 0 && cookie == buf + i + 1 && len == i);
	KT_EXPECT(vq_num_free(&vq) == QSIZE);

	/* Many rounds through the 16-bit wrap (checked without a line per step). */
	for (unsigned i = 0; i < ROUNDS && ok; i++) {
		ok = vq_add(&vq, sg, 1, 1, buf + (i % 64) + 1) == 0 &&
		     vq_sim_pop(&sim, &req) == 0;
		if (ok)
			vq_sim_push(&sim, req.head, 1);
		ok = ok && vq_get_used(&vq, &cookie, &len) == 0 &&
		     cookie == buf + (i % 64) + 1 && len == 1;
	}
	KT_EXPECT(ok);
	KT_EXPECT(vq.avail->idx == (uint16_t)(1 + QSIZE + ROUNDS));
	KT_EXPECT(vq_num_free(&vq) == QSIZE);

	/* Interrupt suppression is visible to the device. */
	vq_disable_interrupts(&vq);
	KT_EXPECT(!vq_sim_interrupt_wanted(&sim));
	KT_EXPECT(!vq_enable_interrupts(&vq));
	KT_EXPECT(vq_sim_interrupt_wanted(&sim));

	page_free(ring_pa, order);
	page_free(buf_pa, 0);
}

/* Is token somewhere in [buf, buf+len)? */
static bool contains(const char *buf, size_t len, const char *token, size_t tlen)
{
	for (size_t i = 0; i + tlen <= len; i++)
		if (memcmp(buf + i, token, tlen) == 0)
			return true;
	return false;
}

KTEST(virtio_console_loop)
{
	size_t vlen;
	const char *v = cmdline_value("ktest_virtio_loop", &vlen);
	bool required = v && vlen == 1 && v[0] == '1';
	int n = virtio_console_count();

	if (n < 2) {
		if (required) {
			ktest_note("ktest_virtio_loop=1 but %d virtio console(s) found", n);
			KT_ASSERT(n >= 2);
		}
		ktest_skip("no loopback console (boot with ktest_virtio_loop=1 and a second console)");
		return;
	}
	struct virtio_console_port *port = virtio_console_get(n - 1);
	struct virtio_console_stats before, after;
	char token[48], rx[256];
	size_t have = 0;
	bool found = false, irqs_were_on = arch_irq_enabled();

	virtio_console_claim_raw(port, true);
	arch_irq_enable();
	/* Kernel output sent before the claim may still be coming back:
	 * let it arrive and throw it away. */
	uint64_t quiet = clock_ns() + 100 * NSEC_PER_MSEC;
	while (clock_ns() < quiet)
		if (virtio_console_read(port, rx, sizeof(rx)))
			quiet = clock_ns() + 100 * NSEC_PER_MSEC;

	int tlen = ksnprintf(token, sizeof(token), "<machv-loop-%llx>",
			     (unsigned long long)clock_ns());
	virtio_console_get_stats(port, &before);
	KT_EXPECT(virtio_console_write(port, token, (size_t)tlen) == tlen);

	uint64_t deadline = clock_ns() + 2 * NSEC_PER_SEC;
	while (!found && clock_ns() < deadline) {
		if (have == sizeof(rx)) {   /* keep the tail a match could start in */
			memmove(rx, rx + have - (size_t)tlen, (size_t)tlen);
			have = (size_t)tlen;
		}
		have += virtio_console_read(port, rx + have, sizeof(rx) - have);
		found = contains(rx, have, token, (size_t)tlen);
		arch_cpu_relax();
	}
	if (!irqs_were_on)
		arch_irq_disable();
	virtio_console_get_stats(port, &after);
	virtio_console_claim_raw(port, false);

	if (!found)
		ktest_note("token %s not echoed within 2 s (%zu bytes came back)", token, have);
	KT_EXPECT(found);
	/* Input only ever arrives through the receive interrupt. */
	KT_EXPECT(after.rx_interrupts > before.rx_interrupts);
	KT_EXPECT(after.rx_bytes >= before.rx_bytes + (uint64_t)tlen);
}
