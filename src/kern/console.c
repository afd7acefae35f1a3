/* Console fan-out and the shared input ring.
 *
 * Output: every registered console gets every byte, with "\n" expanded to
 * "\r\n" because the far end is usually a raw terminal.  Before the first
 * console registers, bytes go to the pv early console.  The first
 * BOOT_LOG_SIZE bytes are also kept, and replayed to each console when it
 * registers, so a console that appears late (a virtio console found on the
 * PCI bus) still shows the boot from its first line.
 *
 * Input: drivers push received bytes from interrupt context; readers pop
 * them, and may sleep until some arrive.  The ring drops new bytes when full rather than overwrite unread
 * ones (a person typing faster than the kernel reads loses the newest keys,
 * never a line already half-read). */
#include <kern/arch.h>
#include <kern/console.h>
#include <kern/waitq.h>
#include "pv/pv.h"

static struct console *consoles;

#define BOOT_LOG_SIZE 8192
static char boot_log[BOOT_LOG_SIZE];
static size_t boot_log_len;

#define INPUT_RING 256
static char input_ring[INPUT_RING];
static volatile unsigned input_head, input_tail;   /* head: next write */
static struct waitq input_waiters = { LIST_INIT(input_waiters.waiters) };

void console_register(struct console *con)
{
	irqflags_t f = arch_irq_save();
	/* The early console already showed the log: only replay it to consoles
	 * that did not. */
	bool was_early = !consoles && pv_ops.early_putc;
	if (!(was_early && con->is_early))
		con->write(con, boot_log, boot_log_len);
	con->next = NULL;
	struct console **pp = &consoles;
	while (*pp)
		pp = &(*pp)->next;
	*pp = con;
	arch_irq_restore(f);
}

void console_unregister(struct console *con)
{
	irqflags_t f = arch_irq_save();
	for (struct console **pp = &consoles; *pp; pp = &(*pp)->next) {
		if (*pp == con) {
			*pp = con->next;
			break;
		}
	}
	arch_irq_restore(f);
}

static void write_all(const char *buf, size_t len)
{
	size_t keep = MIN(len, BOOT_LOG_SIZE - boot_log_len);
	for (size_t i = 0; i < keep; i++)
		boot_log[boot_log_len++] = buf[i];

	if (!consoles) {
		if (pv_ops.early_putc)
			for (size_t i = 0; i < len; i++)
				pv_ops.early_putc(buf[i]);
		return;
	}
	for (struct console *c = consoles; c; c = c->next)
		c->write(c, buf, len);
}

void console_write(const char *buf, size_t len)
{
	irqflags_t f = arch_irq_save();
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		write_all(buf + start, i - start);
		write_all("\r\n", 2);
		start = i + 1;
	}
	write_all(buf + start, len - start);
	arch_irq_restore(f);
}

void console_flush(void)
{
	for (struct console *c = consoles; c; c = c->next)
		if (c->flush)
			c->flush(c);
}

void console_input(const char *buf, size_t len)
{
	irqflags_t f = arch_irq_save();
	for (size_t i = 0; i < len; i++) {
		unsigned next = (input_head + 1) % INPUT_RING;
		if (next == input_tail)
			break;
		input_ring[input_head] = buf[i];
		input_head = next;
	}
	if (input_head != input_tail)
		waitq_wake_all(&input_waiters);
	arch_irq_restore(f);
}

int console_wait_input(uint64_t timeout_ns)
{
	irqflags_t f = arch_irq_save();
	int r = WAIT_AWAKENED;
	while (input_head == input_tail && r == WAIT_AWAKENED)
		r = waitq_wait(&input_waiters, timeout_ns);
	arch_irq_restore(f);
	return r;
}

int console_getc(void)
{
	irqflags_t f = arch_irq_save();
	int c = -1;
	if (input_tail != input_head) {
		c = (unsigned char)input_ring[input_tail];
		input_tail = (input_tail + 1) % INPUT_RING;
	}
	arch_irq_restore(f);
	return c;
}
