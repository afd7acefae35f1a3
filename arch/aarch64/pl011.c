/* The Arm PL011 UART: the early console on aarch64 (QEMU virt has one at
 * 0x09000000), a full console once registered, and console input through
 * its receive interrupt.
 *
 * It is found in the device tree before the kernel has page tables of its
 * own, so it is reached through a fixmap slot (FIXMAP_BASE in
 * <machine/param.h>): a 2 MiB device block in the boot tables, then the
 * UART's own page at the same address in the kernel's tree, so the pointer
 * never changes.  Output is polled; the firmware's (or QEMU's) line
 * settings are kept. */
#include <kern/arch.h>
#include <kern/console.h>
#include <kern/dt.h>
#include <kern/errno.h>
#include <kern/printf.h>
#include <kern/ptable.h>
#include <machine/cpu.h>
#include <machine/pte.h>
#include "../platform.h"

#define UART_DR    0x00
#define UART_FR    0x18
#define UART_CR    0x30
#define UART_IMSC  0x38
#define UART_ICR   0x44
#define FR_RXFE    (1u << 4)
#define FR_TXFF    (1u << 5)
#define CR_UARTEN  (1u << 0)
#define CR_TXE     (1u << 8)
#define CR_RXE     (1u << 9)
#define INT_RX     (1u << 4)
#define INT_RT     (1u << 6)

#define BLOCK_2M (2UL << 20)
#define FIXMAP_DEVICE_BLOCK (PTE_VALID | PTE_ATTR(MT_DEVICE) | PTE_AF | PTE_PXN | PTE_UXN)

static volatile uint8_t *uart;
static paddr_t uart_pa;
static int uart_node = -1;

static uint32_t reg_read(unsigned off) { return mmio_read32(uart + off); }
static void reg_write(unsigned off, uint32_t v) { mmio_write32(uart + off, v); }

static int find_uart(const void *dtb)
{
	int node = dt_stdout_node(dtb, NULL);
	if (node >= 0 && dt_is_compatible(dtb, node, "arm,pl011") && dt_node_enabled(dtb, node))
		return node;
	return dt_find_compatible(dtb, -1, "arm,pl011");
}

bool pl011_early_init(const void *dtb)
{
	int node = find_uart(dtb);
	uint64_t size;
	if (node < 0 || dt_reg(dtb, node, 0, &uart_pa, &size) < 0)
		return false;
	/* The last slot of the boot tables' image table. */
	boot_kimg_l2[511] = ALIGN_DOWN(uart_pa, BLOCK_2M) | FIXMAP_DEVICE_BLOCK;
	dsb_ishst();
	isb();
	uart = (volatile uint8_t *)(FIXMAP_BASE + (uart_pa & (BLOCK_2M - 1)));
	uart_node = node;
	uint32_t cr = reg_read(UART_CR);
	if ((cr & (CR_UARTEN | CR_TXE)) != (CR_UARTEN | CR_TXE))
		reg_write(UART_CR, cr | CR_UARTEN | CR_TXE | CR_RXE);
	return true;
}

void pl011_map_fixmap(struct ptable *pt)
{
	if (!uart)
		return;
	vaddr_t va = ALIGN_DOWN((vaddr_t)uart, PAGE_SIZE);
	if (ptable_map(pt, va, ALIGN_DOWN(uart_pa, PAGE_SIZE), PAGE_SIZE,
		       PROT_RW | PROT_NOCACHE | PROT_GLOBAL) < 0)
		uart = NULL;    /* silent from here on rather than faulting */
}

void pl011_putc(char c)
{
	if (!uart)
		return;
	/* Bounded wait: a wedged UART must not hang the kernel. */
	for (int i = 0; i < 100000 && (reg_read(UART_FR) & FR_TXFF); i++)
		arch_cpu_relax();
	reg_write(UART_DR, (uint8_t)c);
}

static void pl011_write(struct console *con, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		pl011_putc(buf[i]);
}

static struct console pl011_console = {
	.name = "pl011", .write = pl011_write, .is_early = true,
};

static void pl011_irq(void *arg)
{
	char buf[32];
	size_t n = 0;
	while (!(reg_read(UART_FR) & FR_RXFE) && n < sizeof(buf))
		buf[n++] = (char)reg_read(UART_DR);
	reg_write(UART_ICR, INT_RX | INT_RT);
	if (n)
		console_input(buf, n);
}

void pl011_enable_input(const void *dtb)
{
	if (!uart)
		return;
	console_register(&pl011_console);
	uint32_t cells[DT_MAX_IRQ_CELLS];
	int ncells, ctrl;
	unsigned line, flags;
	if (dt_interrupt(dtb, uart_node, 0, cells, &ncells, &ctrl) < 0 ||
	    arch_dt_irq_decode(dtb, ctrl, cells, ncells, &line, &flags) < 0 ||
	    arch_irq_attach(line, flags, pl011_irq, NULL) < 0) {
		kprintf("pl011: no receive interrupt; console input from the UART is off\n");
		return;
	}
	reg_write(UART_ICR, 0x7ff);
	reg_write(UART_IMSC, INT_RX | INT_RT);
	kprintf("pl011: %#llx, receive interrupt %u\n", (unsigned long long)uart_pa, line);
}
