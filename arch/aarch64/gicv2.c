/* GICv2: distributor (GICD) and CPU interface (GICC), both memory mapped.
 * Arm IHI 0048.
 *
 * Without the security extensions (QEMU virt, KVM) every interrupt is in
 * Group 0 and, with GICC_CTLR.FIQEn clear, signalled as IRQ.  SPIs target
 * this CPU's interface bit, read from the banked GICD_ITARGETSR0-7. */
#include <kern/arch.h>
#include <kern/dt.h>
#include <kern/printf.h>
#include "platform.h"

#define GICD_CTLR        0x000
#define GICD_TYPER       0x004
#define GICD_ISENABLER   0x100
#define GICD_ICENABLER   0x180
#define GICD_ICPENDR     0x280
#define GICD_ICACTIVER   0x380
#define GICD_IPRIORITYR  0x400
#define GICD_ITARGETSR   0x800
#define GICD_ICFGR       0xc00
#define GICD_SGIR        0xf00
#define SGIR_TO_SELF     (2u << 24)

#define GICC_CTLR        0x00
#define GICC_PMR         0x04
#define GICC_BPR         0x08
#define GICC_IAR         0x0c
#define GICC_EOIR        0x10

#define PRIORITY_DEFAULT 0xa0
#define PMR_ALLOW_ALL    0xf0

static volatile uint8_t *gicd, *gicc;
static uint8_t cpu_mask;
static struct gic_ops ops;

static uint32_t rd32(volatile uint8_t *b, unsigned off) { return mmio_read32(b + off); }
static void wr32(volatile uint8_t *b, unsigned off, uint32_t v) { mmio_write32(b + off, v); }

static uint32_t v2_ack(void) { return rd32(gicc, GICC_IAR); }
static void v2_eoi(uint32_t iar) { wr32(gicc, GICC_EOIR, iar); }

static void v2_set_trigger(unsigned id, bool edge)
{
	unsigned off = GICD_ICFGR + 4 * (id / 16), shift = 2 * (id % 16) + 1;
	uint32_t v = rd32(gicd, off);
	wr32(gicd, off, edge ? v | 1u << shift : v & ~(1u << shift));
}

static void v2_enable(unsigned id) { wr32(gicd, GICD_ISENABLER + 4 * (id / 32), 1u << (id % 32)); }
static void v2_disable(unsigned id) { wr32(gicd, GICD_ICENABLER + 4 * (id / 32), 1u << (id % 32)); }
static void v2_send_sgi_self(unsigned id) { wr32(gicd, GICD_SGIR, SGIR_TO_SELF | id); }

/* This CPU's interface bit: the banked target registers of SGIs/PPIs read
 * as it.  A uniprocessor GIC may read them as zero: then it is bit 0. */
static uint8_t own_cpu_mask(void)
{
	for (unsigned i = 0; i < 32; i += 4) {
		uint32_t v = rd32(gicd, GICD_ITARGETSR + i);
		for (unsigned b = 0; b < 4; b++)
			if ((v >> (8 * b)) & 0xff)
				return (uint8_t)(v >> (8 * b));
	}
	return 1;
}

const struct gic_ops *gicv2_probe(const void *dtb, int node)
{
	paddr_t dpa, cpa;
	uint64_t dsize, csize;
	if (dt_reg(dtb, node, 0, &dpa, &dsize) < 0 || dt_reg(dtb, node, 1, &cpa, &csize) < 0) {
		kprintf("gicv2: the device tree node has no distributor/CPU interface reg\n");
		return NULL;
	}
	gicd = ioremap(dpa, 0x1000);
	gicc = ioremap(cpa, 0x2000);
	if (!gicd || !gicc) {
		kprintf("gicv2: cannot map the distributor or the CPU interface\n");
		return NULL;
	}
	unsigned nlines = 32 * ((rd32(gicd, GICD_TYPER) & 0x1f) + 1);
	ops.nlines = nlines > GIC_SPURIOUS_FIRST ? GIC_SPURIOUS_FIRST : nlines;
	cpu_mask = own_cpu_mask();

	wr32(gicd, GICD_CTLR, 0);
	for (unsigned i = 0; i < ops.nlines; i += 32) {
		wr32(gicd, GICD_ICENABLER + i / 8, ~0u);
		wr32(gicd, GICD_ICPENDR + i / 8, ~0u);
		wr32(gicd, GICD_ICACTIVER + i / 8, ~0u);
	}
	for (unsigned i = 0; i < ops.nlines; i += 4)
		wr32(gicd, GICD_IPRIORITYR + i, PRIORITY_DEFAULT * 0x01010101u);
	for (unsigned i = 32; i < ops.nlines; i += 4)
		wr32(gicd, GICD_ITARGETSR + i, cpu_mask * 0x01010101u);
	wr32(gicd, GICD_CTLR, 1);

	wr32(gicc, GICC_PMR, PMR_ALLOW_ALL);
	wr32(gicc, GICC_BPR, 0);
	wr32(gicc, GICC_CTLR, 1);

	ops.name = "gicv2";
	ops.ack = v2_ack;
	ops.eoi = v2_eoi;
	ops.set_trigger = v2_set_trigger;
	ops.enable = v2_enable;
	ops.disable = v2_disable;
	ops.send_sgi_self = v2_send_sgi_self;
	kprintf("gic: v2, distributor %#llx, cpu interface %#llx, %u interrupt IDs, cpu mask %#x\n",
		(unsigned long long)dpa, (unsigned long long)cpa, ops.nlines, cpu_mask);
	return &ops;
}
