/* The PLIC (RISC-V Platform-Level Interrupt Controller spec 1.0.0): wired
 * device interrupts, delivered to this hart's S-mode context as the
 * supervisor external interrupt (scause 9).
 *
 * Registers: a priority word per source (0 = never delivered), a pending
 * bitmap, then per context an enable bitmap, a priority threshold and a
 * claim/complete register.  Which context belongs to which hart and mode is
 * not fixed: the PLIC node's interrupts-extended lists, context by context,
 * the hart-local interrupt controller and cause it signals, so the boot
 * hart's S-mode context is the entry <its cpu-intc phandle, 9>.
 *
 * arch_irq_attach(line) takes a PLIC source number (what a 1-cell device
 * tree specifier holds).  Sources are level-triggered on QEMU, so one may
 * be shared by several handlers with the same flags. */
#include <kern/arch.h>
#include <kern/dt.h>
#include <kern/errno.h>
#include <kern/printf.h>
#include <machine/csr.h>
#include <machine/trap.h>
#include "riscv.h"

#define PLIC_PRIORITY(src)    (4u * (src))
#define PLIC_PENDING(src)     (0x1000u + 4u * ((src) / 32))
#define PLIC_ENABLE(ctx, src) (0x2000u + 0x80u * (ctx) + 4u * ((src) / 32))
#define PLIC_THRESHOLD(ctx)   (0x200000u + 0x1000u * (ctx))
#define PLIC_CLAIM(ctx)       (0x200004u + 0x1000u * (ctx))
#define PLIC_MAX_SOURCES      1023u
#define PLIC_MAX_CONTEXTS     15872u

#define MAX_SHARED 4

struct route {
	unsigned source;
	unsigned flags;
	unsigned nhandlers;
	struct { irq_handler_t fn; void *arg; } handlers[MAX_SHARED];
};

static volatile uint8_t *regs;
static uint64_t regs_size;
static unsigned nsources;
static unsigned context;
static int node = K_ENOENT;
static struct route routes[64];
static unsigned nroutes;
static uint8_t route_of[PLIC_MAX_SOURCES + 1];   /* index + 1; 0: none */
static unsigned long spurious;

int plic_node(void) { return regs ? node : K_ENODEV; }
unsigned plic_sources(void) { return nsources; }

static uint32_t rd(uint32_t off) { return mmio_read32(regs + off); }
static void wr(uint32_t off, uint32_t v) { mmio_write32(regs + off, v); }

bool plic_pending(unsigned source)
{
	return regs && source && source <= nsources &&
	       (rd(PLIC_PENDING(source)) >> (source % 32) & 1);
}

static void set_enabled(unsigned source, bool on)
{
	uint32_t off = PLIC_ENABLE(context, source), bit = 1u << (source % 32);
	uint32_t v = rd(off);
	wr(off, on ? v | bit : v & ~bit);
}

/* Claim, run the handlers, complete, until nothing is pending. */
static void external_interrupt(void)
{
	for (;;) {
		uint32_t source = rd(PLIC_CLAIM(context));
		if (!source)
			return;
		unsigned r = source <= PLIC_MAX_SOURCES ? route_of[source] : 0;
		if (r) {
			struct route *rt = &routes[r - 1];
			for (unsigned i = 0; i < rt->nhandlers; i++)
				rt->handlers[i].fn(rt->handlers[i].arg);
		} else {
			/* Enabled by nobody: mask it so it cannot storm. */
			spurious++;
			set_enabled(source, false);
		}
		wr(PLIC_CLAIM(context), source);
	}
}

/* The index, in interrupts-extended, of the context whose entry is
 * <intc, cause>; each entry is a phandle and that controller's cells. */
static int find_context(const void *dtb, int plic, uint32_t intc, uint32_t cause)
{
	int len;
	const uint8_t *p = dt_getprop(dtb, plic, "interrupts-extended", &len);
	if (!p || len <= 0 || !intc)
		return K_ENOENT;
	int ncells = len / 4, ctx = 0;
	for (int i = 0; i < ncells; ctx++) {
		uint32_t ph = dt_be32(p + 4 * i);
		int cells = 1;   /* cpu-intc; also for the "no context" phandle ~0 */
		int ctrl = ph && ph != ~0u ? dt_find_phandle(dtb, ph) : K_ENOENT;
		if (ctrl >= 0 && dt_interrupt_cells(dtb, ctrl) > 0)
			cells = dt_interrupt_cells(dtb, ctrl);
		if (i + cells >= ncells)
			return K_EINVAL;   /* the last entry is cut short */
		if (ph == intc && cells >= 1 && dt_be32(p + 4 * (i + 1)) == cause)
			return ctx;
		i += 1 + cells;
	}
	return K_ENOENT;
}

static int find_plic(const void *dtb)
{
	static const char *const compat[] = { "riscv,plic0", "sifive,plic-1.0.0" };
	for (unsigned i = 0; i < ARRAY_SIZE(compat); i++)
		for (int n = dt_find_compatible(dtb, -1, compat[i]); n >= 0;
		     n = dt_find_compatible(dtb, n, compat[i]))
			if (dt_node_enabled(dtb, n))
				return n;
	return K_ENOENT;
}

int plic_init(const void *dtb)
{
	int n = find_plic(dtb);
	if (n < 0) {
		kprintf("plic: none in the device tree; wired interrupts are unavailable\n");
		return n;
	}
	paddr_t base;
	uint32_t ndev = 0;
	if (dt_reg(dtb, n, 0, &base, &regs_size) < 0 ||
	    dt_prop_u32(dtb, n, "riscv,ndev", &ndev) < 0 || ndev == 0) {
		kprintf("plic: malformed device tree node; wired interrupts are unavailable\n");
		return K_EINVAL;
	}
	int ctx = find_context(dtb, n, hart_intc_phandle(dtb), IRQ_S_EXT);
	if (ctx < 0 || (unsigned)ctx >= PLIC_MAX_CONTEXTS ||
	    PLIC_CLAIM((unsigned)ctx) + 4 > regs_size) {
		kprintf("plic: no S-mode context for hart %lu; wired interrupts are unavailable\n",
			riscv_boot_hart);
		return K_ENOENT;
	}
	regs = ioremap(base, (size_t)regs_size);
	if (!regs) {
		kprintf("plic: cannot map %#llx\n", (unsigned long long)base);
		return K_ENOMEM;
	}
	node = n;
	context = (unsigned)ctx;
	nsources = MIN(ndev, PLIC_MAX_SOURCES);

	/* Everything masked until a driver attaches; let every priority through. */
	for (unsigned s = 1; s <= nsources; s++)
		wr(PLIC_PRIORITY(s), 0);
	for (unsigned w = 0; w <= nsources / 32; w++)
		wr(PLIC_ENABLE(context, 32 * w), 0);
	wr(PLIC_THRESHOLD(context), 0);
	riscv_set_intr_handler(IRQ_S_EXT, external_interrupt);
	csr_set(sie, SIE_SEIE);
	kprintf("plic: %#llx, %u sources, hart %lu S-mode context %u\n",
		(unsigned long long)base, nsources, riscv_boot_hart, context);
	return 0;
}

int arch_irq_attach(unsigned line, unsigned flags, irq_handler_t handler, void *arg)
{
	if (!handler || (flags & ~(IRQ_LEVEL | IRQ_ACTIVE_LOW)))
		return K_EINVAL;
	if (!regs)
		return K_ENODEV;
	if (line == 0 || line > nsources)
		return K_EINVAL;

	irqflags_t saved = arch_irq_save();
	int err = K_OK;
	if (route_of[line]) {
		struct route *r = &routes[route_of[line] - 1];
		/* Only level-triggered lines of one kind can be shared. */
		if (!(flags & IRQ_LEVEL) || flags != r->flags)
			err = K_EBUSY;
		else if (r->nhandlers == MAX_SHARED)
			err = K_ENOSPC;
		else
			r->handlers[r->nhandlers++] = (typeof(r->handlers[0])){ handler, arg };
	} else if (nroutes == ARRAY_SIZE(routes)) {
		err = K_ENOSPC;
	} else {
		struct route *r = &routes[nroutes++];
		*r = (struct route){ .source = line, .flags = flags, .nhandlers = 1 };
		r->handlers[0].fn = handler;
		r->handlers[0].arg = arg;
		route_of[line] = (uint8_t)nroutes;
		wr(PLIC_PRIORITY(line), 1);
		set_enabled(line, true);
	}
	arch_irq_restore(saved);
	return err;
}

/* A PLIC specifier is one cell, the source number; the PLIC has no trigger
 * or polarity settings (QEMU's sources are level-triggered). */
int arch_dt_irq_decode(const void *dtb, int controller, const uint32_t *cells,
		       int ncells, unsigned *line, unsigned *flags)
{
	if (!regs || controller != node)
		return K_ENODEV;
	if (ncells != 1 || cells[0] == 0 || cells[0] > nsources)
		return K_EINVAL;
	*line = cells[0];
	*flags = IRQ_LEVEL;
	return K_OK;
}
