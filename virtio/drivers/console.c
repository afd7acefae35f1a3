/* virtio-console, port 0 only: receiveq 0 and transmitq 1 (virtio 1.x,
 * 5.3).  The multiport feature is not negotiated, so there is no control
 * queue and the device has exactly these two queues.
 *
 * Output copies bytes into one of a few transmit buffers and kicks.  It must
 * work anywhere the kernel prints, interrupts disabled included, so transmit
 * completions are collected by polling, never by interrupt: when every
 * buffer is out, the writer spins on the used ring for a bounded time.  If
 * the device makes no progress in that time (the host side of the console is
 * blocked), output is dropped and later writes do not wait again until a
 * buffer comes back, so a stuck console cannot stall the kernel.
 *
 * Input: RX_BUFS buffers stay posted; the receive interrupt copies what the
 * device wrote into the port's input ring and to console_input(), and posts
 * the buffer again.
 *
 * Locking is "interrupts off" (one CPU); SMP will need a spinlock here. */
#include <kern/arch.h>
#include <kern/console.h>
#include <kern/errno.h>
#include <kern/kmem.h>
#include <kern/page_alloc.h>
#include <kern/printf.h>   /* ksnprintf */
#include <kern/string.h>
#include <kern/timer.h>
#include <linux/virtio_console.h>
#include "virtio/virtio.h"
#include "virtio/virtio_console.h"

#define MAX_PORTS   8
#define RX_BUFS     8
#define TX_BUFS     VIRTIO_CONSOLE_TX_BUFS      /* bits of tx_busy */
#define BUF_SIZE    VIRTIO_CONSOLE_BUF_SIZE
#define BUF_ORDER   2                /* (RX_BUFS + TX_BUFS) * BUF_SIZE fits in 4 pages */
#define QUEUE_SIZE  64               /* ring entries; >= RX_BUFS, TX_BUFS */
#define INPUT_RING  512              /* a power of 2 */
/* How long a writer waits for the device before declaring the console
 * stuck.  Long, because the host side can be merely slow: QEMU handles a
 * notification on its main loop, which a busy host may not run for a good
 * fraction of a second. */
#define TX_STALL_NS VIRTIO_CONSOLE_STALL_NS
#define TX_SPIN_MAX 100000000UL      /* in case the clock does not run yet */

#define RECEIVEQ  0
#define TRANSMITQ 1

struct virtio_console_port {
	struct virtio_device *dev;
	struct virtqueue *rx, *tx;
	char *bufs;                  /* RX_BUFS then TX_BUFS buffers, 2^BUF_ORDER pages */
	paddr_t bufs_pa;
	uint32_t tx_busy;            /* bitmap of transmit buffers at the device */
	bool raw;                    /* claimed: out of kernel logging and input */
	bool stalled;                /* the device stopped taking output */
	struct console con;
	char name[16];
	unsigned in_head, in_tail;   /* free-running indices into input[] */
	char input[INPUT_RING];
	struct virtio_console_stats stats;
};

static struct virtio_console_port *ports[MAX_PORTS];
static int nports;

_Static_assert((RX_BUFS + TX_BUFS) * BUF_SIZE <= (PAGE_SIZE << BUF_ORDER), "buffers fit their pages");
_Static_assert(TX_BUFS <= 32, "tx_busy bitmap");

static char *buf_va(struct virtio_console_port *p, unsigned i) { return p->bufs + i * BUF_SIZE; }
static paddr_t buf_pa(struct virtio_console_port *p, unsigned i) { return p->bufs_pa + i * BUF_SIZE; }
static unsigned buf_index(struct virtio_console_port *p, void *va)
{
	return (unsigned)(((char *)va - p->bufs) / BUF_SIZE);
}

/* --- output --------------------------------------------------------- */

/* Collect transmit buffers the device has finished with. */
static void tx_reclaim(struct virtio_console_port *p)
{
	void *cookie;
	uint32_t len;
	int err;

	while ((err = vq_get_used(p->tx, &cookie, &len)) != K_ENOENT) {
		if (err < 0)
			continue;   /* a bogus used entry: skipped */
		p->tx_busy &= ~(1u << (buf_index(p, cookie) - RX_BUFS));
		p->stalled = false;
	}
}

static int tx_free_slot(struct virtio_console_port *p)
{
	for (unsigned i = 0; i < TX_BUFS; i++)
		if (!(p->tx_busy & (1u << i)))
			return (int)i;
	return -1;
}

/* Every buffer is out: poll for one to come back, for a bounded time. */
static int tx_wait_slot(struct virtio_console_port *p)
{
	uint64_t deadline = clock_ns() + TX_STALL_NS;
	int slot;

	for (unsigned long spins = 0; spins < TX_SPIN_MAX; spins++) {
		tx_reclaim(p);
		if ((slot = tx_free_slot(p)) >= 0)
			return slot;
		if (clock_ns() > deadline)
			break;
		arch_cpu_relax();
	}
	return -1;
}

static size_t port_write(struct virtio_console_port *p, const char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		int slot;
		tx_reclaim(p);
		slot = tx_free_slot(p);
		/* No message when stalling: printing from inside a console's
		 * write would re-enter the console layer.  stats.tx_dropped
		 * tells. */
		if (slot < 0 && !p->stalled && (slot = tx_wait_slot(p)) < 0)
			p->stalled = true;
		if (slot < 0)
			break;
		unsigned i = RX_BUFS + (unsigned)slot;
		size_t n = MIN(len - done, (size_t)BUF_SIZE);
		struct vq_sg sg = { buf_pa(p, i), (uint32_t)n };
		memcpy(buf_va(p, i), buf + done, n);
		if (vq_add(p->tx, &sg, 1, 0, buf_va(p, i)) < 0)
			break;   /* cannot happen: the queue outsizes TX_BUFS */
		p->tx_busy |= 1u << slot;
		vq_kick(p->tx);
		done += n;
	}
	p->stats.tx_bytes += done;
	p->stats.tx_dropped += len - done;
	return done;
}

int virtio_console_write(struct virtio_console_port *p, const char *buf, size_t len)
{
	irqflags_t flags;
	size_t done;

	if (!p || (!buf && len))
		return K_EINVAL;
	len = MIN(len, (size_t)INT32_MAX);
	flags = arch_irq_save();
	done = port_write(p, buf, len);
	arch_irq_restore(flags);
	return (int)done;
}

/* Wait (bounded) until the device has taken every buffer written so far:
 * called before power-off, so the last lines are not lost in flight. */
static void console_flush_cb(struct console *con)
{
	struct virtio_console_port *p = con->priv;
	irqflags_t flags = arch_irq_save();
	uint64_t deadline = clock_ns() + TX_STALL_NS;

	for (unsigned long spins = 0; spins < TX_SPIN_MAX && p->tx_busy; spins++) {
		tx_reclaim(p);
		if (clock_ns() > deadline)
			break;
		arch_cpu_relax();
	}
	arch_irq_restore(flags);
}

static void console_write_cb(struct console *con, const char *buf, size_t len)
{
	struct virtio_console_port *p = con->priv;
	irqflags_t flags = arch_irq_save();

	/* Checked with interrupts off so a claim cannot race a half-written line. */
	if (!p->raw)
		port_write(p, buf, len);
	arch_irq_restore(flags);
}

/* --- input ---------------------------------------------------------- */

static int rx_post(struct virtio_console_port *p, unsigned i)
{
	struct vq_sg sg = { buf_pa(p, i), BUF_SIZE };
	return vq_add(p->rx, &sg, 0, 1, buf_va(p, i));
}

static void input_push(struct virtio_console_port *p, const char *buf, size_t len)
{
	for (size_t k = 0; k < len; k++) {
		if (p->in_head - p->in_tail == INPUT_RING) {
			p->stats.rx_dropped += len - k;
			return;
		}
		p->input[p->in_head++ % INPUT_RING] = buf[k];
	}
}

/* Receive-queue callback, interrupt context. */
static void rx_done(struct virtqueue *vq)
{
	struct virtio_console_port *p = vq->priv;
	irqflags_t flags = arch_irq_save();
	bool got = false;
	void *cookie;
	uint32_t len;
	int err;

	while ((err = vq_get_used(p->rx, &cookie, &len)) != K_ENOENT) {
		if (err < 0)
			continue;
		input_push(p, cookie, len);
		p->stats.rx_bytes += len;
		if (!p->raw)
			console_input(cookie, len);
		rx_post(p, buf_index(p, cookie));
		got = true;
	}
	if (got) {
		p->stats.rx_interrupts++;
		vq_kick(p->rx);
	}
	arch_irq_restore(flags);
}

size_t virtio_console_read(struct virtio_console_port *p, char *buf, size_t max)
{
	irqflags_t flags;
	size_t n = 0;

	if (!p || !buf)
		return 0;
	flags = arch_irq_save();
	while (n < max && p->in_tail != p->in_head)
		buf[n++] = p->input[p->in_tail++ % INPUT_RING];
	arch_irq_restore(flags);
	return n;
}

/* --- the port table and driver hooks --------------------------------- */

int virtio_console_count(void)
{
	return nports;
}

struct virtio_console_port *virtio_console_get(int i)
{
	return i >= 0 && i < nports ? ports[i] : NULL;
}

void virtio_console_claim_raw(struct virtio_console_port *p, bool raw)
{
	irqflags_t flags = arch_irq_save();
	p->raw = raw;
	arch_irq_restore(flags);
}

void virtio_console_get_stats(struct virtio_console_port *p, struct virtio_console_stats *out)
{
	irqflags_t flags = arch_irq_save();
	*out = p->stats;
	arch_irq_restore(flags);
}

static int console_probe(struct virtio_device *dev)
{
	struct virtio_console_port *p;
	paddr_t pa;
	int err;

	if (nports == MAX_PORTS)
		return K_ENOSPC;
	p = kzalloc(sizeof(*p));
	if (!p)
		return K_ENOMEM;
	pa = page_alloc(BUF_ORDER);
	if (pa == PADDR_NONE) {
		kfree(p);
		return K_ENOMEM;
	}
	p->dev = dev;
	p->bufs_pa = pa;
	p->bufs = phys_to_virt(pa);
	ksnprintf(p->name, sizeof(p->name), "virtio-con%d", nports);

	/* On failure the core frees the queues already created. */
	err = virtio_queue_setup(dev, RECEIVEQ, QUEUE_SIZE, rx_done, p, &p->rx);
	if (err == 0)
		err = virtio_queue_setup(dev, TRANSMITQ, QUEUE_SIZE, NULL, p, &p->tx);
	if (err == 0 && (vq_num_free(p->rx) < RX_BUFS || vq_num_free(p->tx) < TX_BUFS))
		err = K_ENOSPC;   /* a device with tiny queues */
	for (unsigned i = 0; err == 0 && i < RX_BUFS; i++)
		err = rx_post(p, i);
	if (err < 0) {
		page_free(pa, BUF_ORDER);
		kfree(p);
		return err;
	}
	/* Transmit completions are polled for; their interrupts are noise. */
	vq_disable_interrupts(p->tx);
	dev->driver_priv = p;
	ports[nports++] = p;
	return 0;
}

static void console_start(struct virtio_device *dev)
{
	struct virtio_console_port *p = dev->driver_priv;

	p->con.name = p->name;
	p->con.write = console_write_cb;
	p->con.flush = console_flush_cb;
	p->con.priv = p;
	console_register(&p->con);
}

const struct virtio_driver virtio_console_driver = {
	.name = "console",
	.device_id = VIRTIO_ID_CONSOLE,
	.features = 0,   /* no MULTIPORT, SIZE or EMERG_WRITE */
	.probe = console_probe,
	.start = console_start,
};
