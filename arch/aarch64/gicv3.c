/* GICv3: distributor (GICD) and redistributors (GICR) in memory, the CPU
 * interface in system registers (ICC_*_EL1).  Arm IHI 0069.
 *
 * Every interrupt is made Group 1 (non-secure): with one security state
 * (QEMU virt without secure=on, KVM) Group 0 would arrive as FIQ.  SPIs
 * are routed to this CPU by affinity (GICD_IROUTER); SGIs and PPIs live in
 * this CPU's redistributor, found by matching GICR_TYPER's affinity with
 * MPIDR_EL1. */
#include <kern/arch.h>
#include <kern/dt.h>
#include <kern/printf.h>
#include <machine/cpu.h>
#include "platform.h"

#define GICD_CTLR        0x0000
#define GICD_TYPER       0x0004
#define GICD_IGROUPR     0x0080
#define GICD_ISENABLER   0x0100
#define GICD_ICENABLER   0x0180
#define GICD_ICPENDR     0x0280
#define GICD_ICACTIVER   0x0380
#define GICD_IPRIORITYR  0x0400
#define GICD_ICFGR       0x0c00
#define GICD_IROUTER     0x6000
#define GICD_CTLR_RWP    (1u << 31)
#define GICD_CTLR_ENABLE (1u << 0 | 1u << 1 | 1u << 4)   /* Grp1 (both views), ARE */

#define GICR_CTLR        0x0000
#define GICR_TYPER       0x0008
#define GICR_WAKER       0x0014
#define GICR_CTLR_RWP    (1u << 3)
#define GICR_TYPER_VLPIS (1ull << 1)
#define GICR_TYPER_LAST  (1ull << 4)
#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)
#define GICR_FRAME       0x10000          /* RD_base, then SGI_base */
#define GICR_SGI         0x10000
#define GICR_IGROUPR0    (GICR_SGI + 0x0080)
#define GICR_ISENABLER0  (GICR_SGI + 0x0100)
#define GICR_ICENABLER0  (GICR_SGI + 0x0180)
#define GICR_ICPENDR0    (GICR_SGI + 0x0280)
#define GICR_IPRIORITYR  (GICR_SGI + 0x0400)
#define GICR_ICFGR1      (GICR_SGI + 0x0c04)

#define PRIORITY_DEFAULT 0xa0
#define PMR_ALLOW_ALL    0xf0
#define POLL_LIMIT       1000000

static volatile uint8_t *gicd, *gicr;     /* gicr: this CPU's frames */
static struct gic_ops ops;

static uint32_t rd32(volatile uint8_t *b, unsigned off) { return mmio_read32(b + off); }
static void wr32(volatile uint8_t *b, unsigned off, uint32_t v) { mmio_write32(b + off, v); }

static void wait_clear(volatile uint8_t *b, unsigned off, uint32_t bit, const char *what)
{
	for (int i = 0; i < POLL_LIMIT; i++)
		if (!(rd32(b, off) & bit))
			return;
	kprintf("gicv3: %s did not settle\n", what);
}

static void dist_sync(void) { wait_clear(gicd, GICD_CTLR, GICD_CTLR_RWP, "distributor"); }
static void redist_sync(void) { wait_clear(gicr, GICR_CTLR, GICR_CTLR_RWP, "redistributor"); }

static uint32_t v3_ack(void)
{
	uint32_t iar = (uint32_t)read_sysreg(icc_iar1_el1);
	dsb_ish();
	return iar;
}

static void v3_eoi(uint32_t iar)
{
	write_sysreg(icc_eoir1_el1, iar);
	isb();
}

static void v3_set_trigger(unsigned id, bool edge)
{
	unsigned shift = 2 * (id % 16) + 1;
	if (id < 32) {
		uint32_t v = rd32(gicr, GICR_ICFGR1);
		wr32(gicr, GICR_ICFGR1, edge ? v | 1u << shift : v & ~(1u << shift));
		return;
	}
	unsigned off = GICD_ICFGR + 4 * (id / 16);
	uint32_t v = rd32(gicd, off);
	wr32(gicd, off, edge ? v | 1u << shift : v & ~(1u << shift));
}

static void v3_enable(unsigned id)
{
	if (id < 32)
		wr32(gicr, GICR_ISENABLER0, 1u << id);
	else
		wr32(gicd, GICD_ISENABLER + 4 * (id / 32), 1u << (id % 32));
}

static void v3_disable(unsigned id)
{
	if (id < 32) {
		wr32(gicr, GICR_ICENABLER0, 1u << id);
		redist_sync();
	} else {
		wr32(gicd, GICD_ICENABLER + 4 * (id / 32), 1u << (id % 32));
		dist_sync();
	}
}

/* ICC_SGI1R_EL1: Aff3/Aff2/Aff1 and a 16-CPU target list within the
 * cluster (RS selects which 16). */
static void v3_send_sgi_self(unsigned id)
{
	uint64_t aff = mpidr_affinity();
	uint64_t aff0 = aff & 0xff, aff1 = (aff >> 8) & 0xff;
	uint64_t aff2 = (aff >> 16) & 0xff, aff3 = (aff >> 24) & 0xff;
	uint64_t v = aff3 << 48 | (aff0 >> 4) << 44 | aff2 << 32 | (uint64_t)id << 24 |
		     aff1 << 16 | 1ull << (aff0 & 15);
	write_sysreg(icc_sgi1r_el1, v);
	isb();
}

/* This CPU's RD_base in the region at va, or NULL. */
static volatile uint8_t *find_redistributor(volatile uint8_t *va, uint64_t size)
{
	uint64_t want = mpidr_affinity();
	for (uint64_t off = 0; off + 2 * GICR_FRAME <= size;) {
		uint64_t typer = mmio_read64(va + off + GICR_TYPER);
		if ((typer >> 32) == want)
			return va + off;
		if (typer & GICR_TYPER_LAST)
			break;
		off += typer & GICR_TYPER_VLPIS ? 4 * GICR_FRAME : 2 * GICR_FRAME;
	}
	return NULL;
}

static bool cpu_interface_init(void)
{
	write_sysreg(icc_sre_el1, read_sysreg(icc_sre_el1) | 1);   /* SRE */
	isb();
	if (!(read_sysreg(icc_sre_el1) & 1))
		return false;       /* EL2 keeps the system registers to itself */
	write_sysreg(icc_pmr_el1, PMR_ALLOW_ALL);
	write_sysreg(icc_bpr1_el1, 0);
	write_sysreg(icc_ctlr_el1, 0);    /* EOImode 0: EOI also deactivates */
	write_sysreg(icc_igrpen1_el1, 1);
	isb();
	return true;
}

const struct gic_ops *gicv3_probe(const void *dtb, int node)
{
	paddr_t dpa, rpa;
	uint64_t dsize, rsize;
	if (dt_reg(dtb, node, 0, &dpa, &dsize) < 0 || dt_reg(dtb, node, 1, &rpa, &rsize) < 0) {
		kprintf("gicv3: the device tree node has no distributor/redistributor reg\n");
		return NULL;
	}
	gicd = ioremap(dpa, 0x10000);
	volatile uint8_t *region = ioremap(rpa, rsize);
	if (!gicd || !region) {
		kprintf("gicv3: cannot map the distributor or redistributors\n");
		return NULL;
	}
	gicr = find_redistributor(region, rsize);
	if (!gicr) {
		kprintf("gicv3: no redistributor for affinity %#llx\n",
			(unsigned long long)mpidr_affinity());
		return NULL;
	}

	unsigned nlines = 32 * ((rd32(gicd, GICD_TYPER) & 0x1f) + 1);
	ops.nlines = nlines > GIC_SPURIOUS_FIRST ? GIC_SPURIOUS_FIRST : nlines;

	/* Distributor: off while SPIs are set to disabled, inactive, Group 1,
	 * default priority, routed here. */
	wr32(gicd, GICD_CTLR, 0);
	dist_sync();
	for (unsigned i = 32; i < ops.nlines; i += 32) {
		wr32(gicd, GICD_ICENABLER + i / 8, ~0u);
		wr32(gicd, GICD_ICPENDR + i / 8, ~0u);
		wr32(gicd, GICD_ICACTIVER + i / 8, ~0u);
		wr32(gicd, GICD_IGROUPR + i / 8, ~0u);
	}
	for (unsigned i = 32; i < ops.nlines; i += 4)
		wr32(gicd, GICD_IPRIORITYR + i, PRIORITY_DEFAULT * 0x01010101u);
	uint64_t aff = mpidr_affinity();
	uint64_t route = (aff & 0xffffff) | ((aff >> 24) & 0xff) << 32;
	for (unsigned i = 32; i < ops.nlines; i++)
		mmio_write64(gicd + GICD_IROUTER + 8 * i, route);
	wr32(gicd, GICD_CTLR, GICD_CTLR_ENABLE);
	dist_sync();

	/* Redistributor: awake, SGIs/PPIs disabled, Group 1, default priority. */
	wr32(gicr, GICR_WAKER, rd32(gicr, GICR_WAKER) & ~WAKER_PROCESSOR_SLEEP);
	wait_clear(gicr, GICR_WAKER, WAKER_CHILDREN_ASLEEP, "redistributor wake-up");
	wr32(gicr, GICR_ICENABLER0, ~0u);
	wr32(gicr, GICR_ICPENDR0, ~0u);
	wr32(gicr, GICR_IGROUPR0, ~0u);
	for (unsigned i = 0; i < 32; i += 4)
		wr32(gicr, GICR_IPRIORITYR + i, PRIORITY_DEFAULT * 0x01010101u);
	redist_sync();

	if (!cpu_interface_init()) {
		kprintf("gicv3: the system-register CPU interface is disabled\n");
		return NULL;
	}
	ops.name = "gicv3";
	ops.ack = v3_ack;
	ops.eoi = v3_eoi;
	ops.set_trigger = v3_set_trigger;
	ops.enable = v3_enable;
	ops.disable = v3_disable;
	ops.send_sgi_self = v3_send_sgi_self;
	kprintf("gic: v3, distributor %#llx, redistributor %#llx (frame %llu), %u interrupt IDs\n",
		(unsigned long long)dpa, (unsigned long long)(rpa + (uint64_t)(gicr - region)),
		(unsigned long long)((uint64_t)(gicr - region) / (2 * GICR_FRAME)), ops.nlines);
	return &ops;
}
