/* The virtio console driver (port 0 of each virtio-console device; the
 * multiport feature is not negotiated).
 *
 * Every device becomes a kernel console: kernel output goes to it and its
 * input goes to console_input().  Each device also keeps a small input ring
 * of its own that virtio_console_read() drains, for tests and for code that
 * wants one particular device.  A port claimed "raw" is taken out of kernel
 * logging and its input no longer reaches console_input(): it carries only
 * what virtio_console_write() sends. */
#ifndef VIRTIO_VIRTIO_CONSOLE_H
#define VIRTIO_VIRTIO_CONSOLE_H

#include <kern/types.h>

struct virtio_console_port;
struct virtio_driver;

/* Output buffering: this many bytes can be in flight at the device, and a
 * writer that finds them all out waits this long before declaring the
 * console stuck and dropping output (until the device takes a buffer back). */
#define VIRTIO_CONSOLE_TX_BUFS     32
#define VIRTIO_CONSOLE_BUF_SIZE    256
#define VIRTIO_CONSOLE_TX_INFLIGHT (VIRTIO_CONSOLE_TX_BUFS * VIRTIO_CONSOLE_BUF_SIZE)
#define VIRTIO_CONSOLE_STALL_NS    1000000000ULL

extern const struct virtio_driver virtio_console_driver;

struct virtio_console_stats {
	uint64_t tx_bytes;       /* accepted by the device */
	uint64_t tx_dropped;     /* thrown away because the device stalled */
	uint64_t rx_bytes;       /* received */
	uint64_t rx_dropped;     /* lost because the input ring was full */
	uint64_t rx_interrupts;  /* receive-queue interrupts that brought data */
};

/* Ports in the order the devices were found. */
int virtio_console_count(void);
struct virtio_console_port *virtio_console_get(int i);
/* Send bytes; usable with interrupts disabled.  Returns the number of bytes
 * queued (short only if the device stalled), or a negative K_E*. */
int virtio_console_write(struct virtio_console_port *port, const char *buf, size_t len);
/* Take up to max bytes from the port's input ring; returns the count. */
size_t virtio_console_read(struct virtio_console_port *port, char *buf, size_t max);
/* Reserve a port for raw use (see above), or give it back. */
void virtio_console_claim_raw(struct virtio_console_port *port, bool raw);
void virtio_console_get_stats(struct virtio_console_port *port, struct virtio_console_stats *out);

#endif
