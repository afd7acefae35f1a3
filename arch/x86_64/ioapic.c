/* IOAPICs: routing wired interrupt lines to vectors on this CPU.
 *
 * arch_irq_attach(line, ...) on x86_64 takes either an ISA IRQ or a GSI:
 *   - line < 16 is an ISA IRQ (COM1 = 4, ...).  It is translated through the
 *     MADT's interrupt source overrides to the GSI it really arrives on
 *     (ISA IRQ 0 is GSI 2 on QEMU), and an override's polarity and trigger
 *     replace the caller's flags, since the firmware knows the wiring;
 *   - line >= 16 is a GSI (PCI INTx lines on q35 are GSI 16..23).
 * GSIs 0..15 are therefore reached only through their ISA numbers.
 *
 * Level-triggered, same-polarity lines may be shared by several handlers
 * (PCI INTx); edge-triggered lines may not (an edge can be lost).
 * Intel 82093AA IOAPIC datasheet for the register layout. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/printf.h>
#include <machine/trap.h>
#include "acpi.h"
#include "platform.h"

#define IOREGSEL 0x00
#define IOWIN    0x10
#define REG_VER  0x01
#define REG_REDTBL(n) (0x10 + 2 * (n))

#define RTE_ACTIVE_LOW (1u << 13)
#define RTE_LEVEL      (1u << 15)
#define RTE_MASKED     (1u << 16)

#define MAX_SHARED 4

struct ioapic {
	volatile uint32_t *regs;
	uint32_t gsi_base;
	unsigned nlines;
};

/* One routed GSI: its vector and the handlers sharing it. */
struct gsi_route {
	uint32_t gsi;
	int vector;
	unsigned flags;
	unsigned nhandlers;
	struct { irq_handler_t fn; void *arg; } handlers[MAX_SHARED];
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned nioapics;
static struct gsi_route routes[64];
static unsigned nroutes;

static uint32_t ioapic_read(struct ioapic *io, uint32_t reg)
{
	mmio_write32(io->regs + IOREGSEL / 4, reg);
	return mmio_read32(io->regs + IOWIN / 4);
}

static void ioapic_write(struct ioapic *io, uint32_t reg, uint32_t v)
{
	mmio_write32(io->regs + IOREGSEL / 4, reg);
	mmio_write32(io->regs + IOWIN / 4, v);
}

static struct ioapic *ioapic_for(uint32_t gsi)
{
	for (unsigned i = 0; i < nioapics; i++)
		if (gsi >= ioapics[i].gsi_base && gsi < ioapics[i].gsi_base + ioapics[i].nlines)
			return &ioapics[i];
	return NULL;
}

void ioapic_init(void)
{
	for (unsigned i = 0; i < acpi.nioapics; i++) {
		struct ioapic *io = &ioapics[nioapics];
		io->regs = ioremap(acpi.ioapics[i].base, PAGE_SIZE);
		if (!io->regs) {
			kprintf("ioapic: cannot map %#llx\n", (unsigned long long)acpi.ioapics[i].base);
			continue;
		}
		uint32_t ver = ioapic_read(io, REG_VER);
		if (ver == 0xffffffff) {
			kprintf("ioapic: nothing answers at %#llx\n",
				(unsigned long long)acpi.ioapics[i].base);
			continue;
		}
		io->gsi_base = acpi.ioapics[i].gsi_base;
		io->nlines = ((ver >> 16) & 0xff) + 1;
		for (unsigned n = 0; n < io->nlines; n++) {
			ioapic_write(io, REG_REDTBL(n), RTE_MASKED);
			ioapic_write(io, REG_REDTBL(n) + 1, 0);
		}
		nioapics++;
		kprintf("ioapic: id %u at %#llx, version %#x, gsi %u-%u\n", acpi.ioapics[i].id,
			(unsigned long long)acpi.ioapics[i].base, ver & 0xff,
			io->gsi_base, io->gsi_base + io->nlines - 1);
	}
	if (!nioapics)
		kprintf("ioapic: none usable; wired interrupts are unavailable\n");
}

static void gsi_dispatch(struct trap_frame *tf, void *arg)
{
	struct gsi_route *r = arg;
	for (unsigned i = 0; i < r->nhandlers; i++)
		r->handlers[i].fn(r->handlers[i].arg);
}

static struct gsi_route *route_for(uint32_t gsi)
{
	for (unsigned i = 0; i < nroutes; i++)
		if (routes[i].gsi == gsi)
			return &routes[i];
	return NULL;
}

int arch_irq_attach(unsigned line, unsigned flags, irq_handler_t handler, void *arg)
{
	if (!handler || (flags & ~(IRQ_LEVEL | IRQ_ACTIVE_LOW)))
		return K_EINVAL;
	uint32_t gsi = line;
	if (line < 16) {
		const struct acpi_isa_route *isa = &acpi.isa[line];
		gsi = isa->gsi;
		if (isa->overridden)
			flags = isa->flags;
	}
	struct ioapic *io = ioapic_for(gsi);
	if (!io)
		return K_EINVAL;

	irqflags_t saved = arch_irq_save();
	int err = K_OK;
	struct gsi_route *r = route_for(gsi);
	if (r) {
		/* Only level-triggered lines of one polarity can be shared. */
		if (!(flags & IRQ_LEVEL) || flags != r->flags)
			err = K_EBUSY;
		else if (r->nhandlers == MAX_SHARED)
			err = K_ENOSPC;
		else
			r->handlers[r->nhandlers++] = (typeof(r->handlers[0])){ handler, arg };
		arch_irq_restore(saved);
		return err;
	}
	if (nroutes == ARRAY_SIZE(routes)) {
		arch_irq_restore(saved);
		return K_ENOSPC;
	}
	r = &routes[nroutes];
	*r = (struct gsi_route){ .gsi = gsi, .flags = flags, .nhandlers = 1 };
	r->handlers[0].fn = handler;
	r->handlers[0].arg = arg;
	r->vector = vector_alloc(gsi_dispatch, r);
	if (r->vector < 0) {
		arch_irq_restore(saved);
		return K_ENOSPC;
	}
	nroutes++;

	/* Fixed delivery, physical destination: this CPU's APIC id. */
	uint32_t low = (uint32_t)r->vector;
	if (flags & IRQ_LEVEL)
		low |= RTE_LEVEL;
	if (flags & IRQ_ACTIVE_LOW)
		low |= RTE_ACTIVE_LOW;
	unsigned pin = gsi - io->gsi_base;
	ioapic_write(io, REG_REDTBL(pin) + 1, lapic_id() << 24);
	ioapic_write(io, REG_REDTBL(pin), low);
	arch_irq_restore(saved);
	return K_OK;
}
