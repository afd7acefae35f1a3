/* A 16550-compatible UART ("ns16550a", QEMU virt's serial@10000000) as a
 * console: output polled, input through its receive interrupt (PLIC).
 *
 * The device is the one /chosen stdout-path names, else the first
 * ns16550a node.  reg-shift and reg-io-width say how registers are spaced
 * and accessed.  The firmware has already set the line up (OpenSBI prints
 * through it), so the divisor is left alone. */
#include <kern/arch.h>
#include <kern/console.h>
#include <kern/dt.h>
#include <kern/errno.h>
#include <kern/printf.h>
#include "riscv.h"

#define THR 0   /* transmit holding */
#define RBR 0   /* receive buffer */
#define IER 1   /* interrupt enable */
#define IIR 2   /* interrupt identification (read) */
#define FCR 2   /* FIFO control (write) */
#define LCR 3
#define MCR 4
#define LSR 5
#define IER_RDA  0x01   /* received data available */
#define IER_THRE 0x02   /* transmitter holding register empty */
#define LSR_DR   0x01
#define LSR_THRE 0x20

static volatile uint8_t *base;
static unsigned shift, io_width = 1;
static unsigned line;
static paddr_t base_pa;

bool uart_present(void) { return base != NULL; }
unsigned uart_irq(void) { return line; }

static uint8_t rd(unsigned reg)
{
	volatile uint8_t *p = base + (reg << shift);
	return io_width == 4 ? (uint8_t)mmio_read32(p) : mmio_read8(p);
}

static void wr(unsigned reg, uint8_t v)
{
	volatile uint8_t *p = base + (reg << shift);
	if (io_width == 4)
		mmio_write32(p, v);
	else
		mmio_write8(p, v);
}

static void uart_putc(char c)
{
	/* Bounded wait: a wedged UART must not hang the kernel. */
	for (int i = 0; i < 100000 && !(rd(LSR) & LSR_THRE); i++)
		arch_cpu_relax();
	wr(THR, (uint8_t)c);
}

static void uart_write(struct console *con, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		uart_putc(buf[i]);
}

static struct console uart_console = { .name = "ns16550", .write = uart_write };
static int stdout_node = -1;

static void uart_rx_irq(void *arg)
{
	char buf[16];
	size_t n = 0;
	while ((rd(LSR) & LSR_DR) && n < sizeof(buf))
		buf[n++] = (char)rd(RBR);
	(void)rd(IIR);   /* acknowledges a transmitter-empty interrupt, if any */
	if (n)
		console_input(buf, n);
}

static int find_uart(const void *dtb)
{
	int n = dt_stdout_node(dtb, NULL);
	if (n >= 0 && (dt_is_compatible(dtb, n, "ns16550a") || dt_is_compatible(dtb, n, "ns16550"))) {
		stdout_node = n;
		return n;
	}
	for (n = dt_find_compatible(dtb, -1, "ns16550a"); n >= 0;
	     n = dt_find_compatible(dtb, n, "ns16550a"))
		if (dt_node_enabled(dtb, n))
			return n;
	return K_ENOENT;
}

void uart_init(const void *dtb)
{
	int n = find_uart(dtb);
	uint64_t size;
	uint32_t v;
	if (n < 0 || dt_reg(dtb, n, 0, &base_pa, &size) < 0)
		return;
	if (dt_prop_u32(dtb, n, "reg-shift", &v) == 0 && v <= 4)
		shift = v;
	if (dt_prop_u32(dtb, n, "reg-io-width", &v) == 0 && (v == 1 || v == 4))
		io_width = v;
	base = ioremap(base_pa, (size_t)size);
	if (!base) {
		kprintf("uart: cannot map %#llx\n", (unsigned long long)base_pa);
		return;
	}
	wr(IER, 0);
	wr(LCR, 0x03);           /* 8N1, DLAB off */
	wr(FCR, 0x07);           /* FIFOs on, cleared */
	wr(MCR, 0x0b);           /* DTR, RTS, OUT2 */
	/* The firmware's console (the SBI early console) is the stdout-path
	 * device: then this UART has shown the boot log already. */
	uart_console.is_early = n == stdout_node;
	console_register(&uart_console);

	uint32_t cells[DT_MAX_IRQ_CELLS];
	int ncells, ctrl;
	unsigned flags;
	if (dt_interrupt(dtb, n, 0, cells, &ncells, &ctrl) < 0 ||
	    arch_dt_irq_decode(dtb, ctrl, cells, ncells, &line, &flags) < 0 ||
	    arch_irq_attach(line, flags, uart_rx_irq, NULL) < 0) {
		kprintf("uart: ns16550 at %#llx, output only (no routable interrupt)\n",
			(unsigned long long)base_pa);
		line = 0;
		return;
	}
	wr(IER, IER_RDA);
	kprintf("uart: ns16550 at %#llx, PLIC source %u\n", (unsigned long long)base_pa, line);
}

/* For the PLIC delivery test: the transmitter-empty interrupt is raised
 * as soon as it is enabled (the transmitter is idle), through the same
 * line as input. */
void uart_set_thre_interrupt(bool on)
{
	if (base)
		wr(IER, on ? IER_RDA | IER_THRE : IER_RDA);
}
