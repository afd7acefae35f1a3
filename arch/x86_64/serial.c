/* COM1 (16550 UART at I/O port 0x3f8): the early console on x86_64, and a
 * full console once registered.  Output is polled; input is interrupt-driven
 * once the platform routes IRQ 4 (see serial_enable_input()). */
#include <kern/arch.h>
#include <kern/console.h>
#include "serial.h"

#define COM1 0x3f8
#define THR 0   /* transmit holding */
#define RBR 0   /* receive buffer */
#define IER 1   /* interrupt enable */
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define LSR_DR   0x01
#define LSR_THRE 0x20

static bool present;

void serial_init(void)
{
	/* A missing UART reads back 0xff from every register. */
	if (inb(COM1 + LSR) == 0xff)
		return;
	outb(COM1 + IER, 0x00);
	outb(COM1 + LCR, 0x80);           /* DLAB: set the divisor */
	outb(COM1 + 0, 0x01);             /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + LCR, 0x03);           /* 8N1 */
	outb(COM1 + FCR, 0xc7);           /* FIFOs on, cleared */
	outb(COM1 + MCR, 0x0b);           /* DTR, RTS, OUT2 (IRQ gate) */
	present = true;
}

bool serial_present(void) { return present; }

void serial_putc(char c)
{
	if (!present)
		return;
	/* Bounded wait: a wedged UART must not hang the kernel. */
	for (int i = 0; i < 100000 && !(inb(COM1 + LSR) & LSR_THRE); i++)
		arch_cpu_relax();
	outb(COM1 + THR, (uint8_t)c);
}

static void serial_write(struct console *con, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		serial_putc(buf[i]);
}

static struct console serial_console = {
	.name = "com1", .write = serial_write, .is_early = true,
};

static void serial_irq(void *arg)
{
	char buf[16];
	size_t n = 0;
	while ((inb(COM1 + LSR) & LSR_DR) && n < sizeof(buf))
		buf[n++] = (char)inb(COM1 + RBR);
	if (n)
		console_input(buf, n);
}

void serial_register_console(void)
{
	if (present)
		console_register(&serial_console);
}

void serial_enable_input(void)
{
	if (!present || arch_irq_attach(4, IRQ_EDGE, serial_irq, NULL) < 0)
		return;
	outb(COM1 + IER, 0x01);           /* interrupt on received data */
}
