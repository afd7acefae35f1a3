/* The console layer: kernel output goes to every registered console; input
 * from any console lands in one ring that readers drain.
 *
 * Drivers register a struct console once they can write.  Input arrives from
 * interrupt handlers through console_input(). */
#ifndef KERN_CONSOLE_H
#define KERN_CONSOLE_H

#include <kern/types.h>

struct console {
	const char *name;
	/* Write len bytes; may be called with interrupts disabled. */
	void (*write)(struct console *con, const char *buf, size_t len);
	/* Optional: wait (bounded) until written bytes have left the machine. */
	void (*flush)(struct console *con);
	void *priv;
	/* The same device as pv_ops.early_putc: it has printed the boot log
	 * already, so registration does not replay it. */
	bool is_early;
	struct console *next;
};

void console_register(struct console *con);
void console_unregister(struct console *con);
/* Write to every console (and to the early console until a real one exists). */
void console_write(const char *buf, size_t len);

/* Flush every console that can be flushed (before power-off). */
void console_flush(void);

/* Called by drivers (usually from interrupt context) with received bytes. */
void console_input(const char *buf, size_t len);
/* Take one received byte; returns -1 when none is pending. */
int console_getc(void);
/* Sleep until a byte is pending (WAIT_AWAKENED), the timeout passes
 * (WAIT_TIMED_OUT; WAITQ_FOREVER for none) or the thread is interrupted
 * (WAIT_INTERRUPTED).  Another reader may take the byte first. */
int console_wait_input(uint64_t timeout_ns);

#endif
