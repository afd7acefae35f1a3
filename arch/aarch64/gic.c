/* The Arm Generic Interrupt Controller: what GICv2 and GICv3 share.
 *
 * The controller is the device tree's "arm,gic-v3" (distributor,
 * redistributors, system-register CPU interface: gicv3.c) or
 * "arm,cortex-a15-gic"/"arm,gic-400" (distributor and memory-mapped CPU
 * interface: gicv2.c); either fills a struct gic_ops.  This file holds the
 * interrupt ID space: one handler per INTID, routing requests
 * (arch_irq_attach), the device tree's three-cell specifiers and the IRQ
 * exception's acknowledge/dispatch/end loop.
 *
 * INTIDs: 0-15 SGIs (software), 16-31 PPIs (per CPU: the timers), 32-1019
 * SPIs (devices).  The GIC senses only rising edges and high levels. */
#include <kern/arch.h>
#include <kern/dt.h>
#include <kern/errno.h>
#include <kern/printf.h>
#include "platform.h"

#define GIC_MAX_INTID 1020
#define FIRST_PPI 16
#define FIRST_SPI 32

/* Device-tree specifier: <type number flags>. */
#define DT_GIC_SPI 0
#define DT_GIC_PPI 1
#define DT_IRQ_EDGE_RISING  1
#define DT_IRQ_EDGE_FALLING 2
#define DT_IRQ_LEVEL_HIGH   4
#define DT_IRQ_LEVEL_LOW    8

static const struct gic_ops *gic;
static struct {
	irq_handler_t fn;
	void *arg;
} handlers[GIC_MAX_INTID];

int gic_node_version(const void *dtb, int node)
{
	if (dt_is_compatible(dtb, node, "arm,gic-v3"))
		return 3;
	if (dt_is_compatible(dtb, node, "arm,cortex-a15-gic") ||
	    dt_is_compatible(dtb, node, "arm,gic-400") ||
	    dt_is_compatible(dtb, node, "arm,cortex-a9-gic") ||
	    dt_is_compatible(dtb, node, "arm,cortex-a7-gic"))
		return 2;
	return 0;
}

void gic_init(const void *dtb)
{
	for (int n = dt_next_node(dtb, dt_root(dtb), NULL); n >= 0; n = dt_next_node(dtb, n, NULL)) {
		if (!dt_getprop(dtb, n, "interrupt-controller", NULL) || !dt_node_enabled(dtb, n))
			continue;
		int v = gic_node_version(dtb, n);
		if (v == 3)
			gic = gicv3_probe(dtb, n);
		else if (v == 2)
			gic = gicv2_probe(dtb, n);
		if (gic)
			return;
	}
	kprintf("gic: no usable interrupt controller in the device tree; no interrupts\n");
}

int arch_dt_irq_decode(const void *dtb, int controller, const uint32_t *cells,
		       int ncells, unsigned *line, unsigned *flags)
{
	if (!gic_node_version(dtb, controller))
		return K_ENODEV;
	/* GICv3 may add a fourth cell (a PPI partition): ignored. */
	if (ncells < 3)
		return K_EINVAL;
	uint32_t type = cells[0], num = cells[1], trig = cells[2] & 0xf;
	if (type == DT_GIC_SPI && num < GIC_MAX_INTID - FIRST_SPI)
		*line = FIRST_SPI + num;
	else if (type == DT_GIC_PPI && num < FIRST_SPI - FIRST_PPI)
		*line = FIRST_PPI + num;
	else
		return K_EINVAL;     /* extended SPI/PPI ranges are not used */
	switch (trig) {
	case DT_IRQ_EDGE_RISING:  *flags = IRQ_EDGE; break;
	case DT_IRQ_EDGE_FALLING: *flags = IRQ_EDGE | IRQ_ACTIVE_LOW; break;
	case DT_IRQ_LEVEL_HIGH:   *flags = IRQ_LEVEL; break;
	case DT_IRQ_LEVEL_LOW:    *flags = IRQ_LEVEL | IRQ_ACTIVE_LOW; break;
	case 0:                   *flags = IRQ_LEVEL; break;   /* GICv2 PPIs: "none" */
	default:                  return K_EINVAL;
	}
	return K_OK;
}

int arch_irq_attach(unsigned line, unsigned flags, irq_handler_t handler, void *arg)
{
	if (!handler || (flags & ~(IRQ_LEVEL | IRQ_ACTIVE_LOW)))
		return K_EINVAL;
	/* SGIs are the kernel's own (self_interrupt); nothing inverts a
	 * low-active line in front of a GIC. */
	if (line < FIRST_PPI || line >= GIC_MAX_INTID || (flags & IRQ_ACTIVE_LOW))
		return K_EINVAL;
	if (!gic)
		return K_ENODEV;
	if (line >= gic->nlines)
		return K_EINVAL;
	irqflags_t f = arch_irq_save();
	if (handlers[line].fn) {
		arch_irq_restore(f);
		return K_EBUSY;
	}
	gic->disable(line);
	gic->set_trigger(line, !(flags & IRQ_LEVEL));
	handlers[line].arg = arg;
	handlers[line].fn = handler;
	gic->enable(line);
	arch_irq_restore(f);
	return K_OK;
}

int arch_msi_alloc(irq_handler_t handler, void *arg, uint64_t *addr, uint32_t *data)
{
	/* MSIs need GICv2m frames or an ITS: not supported yet. */
	return handler ? K_ENODEV : K_EINVAL;
}

int gic_attach_sgi(unsigned sgi, irq_handler_t handler, void *arg)
{
	if (!gic)
		return K_ENODEV;
	if (sgi >= FIRST_PPI || handlers[sgi].fn)
		return K_EBUSY;
	handlers[sgi].arg = arg;
	handlers[sgi].fn = handler;
	gic->enable(sgi);
	return K_OK;
}

void gic_send_self_sgi(unsigned sgi)
{
	gic->send_sgi_self(sgi);
}

void gic_handle_irq(void)
{
	if (!gic)
		return;
	for (;;) {
		uint32_t iar = gic->ack();
		unsigned id = iar & 0x3ff;
		if (id >= GIC_SPURIOUS_FIRST)
			return;      /* nothing (more) pending */
		if (handlers[id].fn) {
			handlers[id].fn(handlers[id].arg);
		} else {
			kprintf("gic: unexpected interrupt %u; masked\n", id);
			gic->disable(id);
		}
		gic->eoi(iar);
	}
}
