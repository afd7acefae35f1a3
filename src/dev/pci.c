/* PCI enumeration, BAR assignment, capabilities, MSI-X and driver binding.
 * See kern/pci.h. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/kmem.h>
#include <kern/pci.h>
#include <kern/printf.h>
#include <linux/pci_regs.h>

#define MAX_DRIVERS   8
#define MAX_BUS_DEPTH 8     /* bridges nested deeper than this are ignored */
#define MAX_CAPS      48    /* (256 - 64) / 4: a longer list is a loop */
#define CLASS_BRIDGE  0x06  /* base class; subclass 0 host, 1 ISA, 4 PCI-PCI */

static const struct pci_driver *drivers[MAX_DRIVERS];
static struct pci_device *devices, **devices_tail = &devices;
static uint32_t buses_seen[256 / 32];

/* Where unassigned memory BARs go: the 32-bit hole below the IOAPIC, LAPIC
 * and HPET.  On QEMU's pc and q35 machines RAM below 4 GiB ends at or below
 * 0xC0000000 and the q35 ECAM window sits at 0xB0000000, so this is free.
 * An arch with another memory map should supply this (kern/arch.h) when one
 * needs it. */
static void pci_mem_window(paddr_t *start, paddr_t *end)
{
	*start = 0xC0000000;
	*end = 0xFEC00000;
}

uint32_t pci_cfg_read(const struct pci_device *d, unsigned off, unsigned width)
{
	return arch_pci_cfg_read(d->bus, d->dev, d->fn, off, width);
}

void pci_cfg_write(const struct pci_device *d, unsigned off, unsigned width, uint32_t val)
{
	arch_pci_cfg_write(d->bus, d->dev, d->fn, off, width, val);
}

int pci_register_driver(const struct pci_driver *drv)
{
	for (unsigned i = 0; i < MAX_DRIVERS; i++) {
		if (drivers[i] == drv)
			return K_EEXIST;
		if (!drivers[i]) {
			drivers[i] = drv;
			return 0;
		}
	}
	return K_ENOSPC;
}

struct pci_device *pci_first_device(void)
{
	return devices;
}

/* --- BARs ------------------------------------------------------------- */

/* Size a BAR by writing all-ones and reading back which bits stick; the
 * original value is restored.  Decoding is off meanwhile, so the device
 * never answers at the all-ones address. */
static uint32_t bar_probe32(struct pci_device *d, unsigned off, uint32_t orig)
{
	pci_cfg_write(d, off, 4, 0xffffffff);
	uint32_t mask = pci_cfg_read(d, off, 4);
	pci_cfg_write(d, off, 4, orig);
	return mask;
}

static void decode_bars(struct pci_device *d, unsigned nbars)
{
	uint16_t cmd = (uint16_t)pci_cfg_read(d, PCI_COMMAND, 2);
	/* Host and ISA bridges keep decoding: legacy devices live behind them. */
	bool keep_on = d->class_code == CLASS_BRIDGE && d->subclass <= 0x01;

	if (!keep_on)
		pci_cfg_write(d, PCI_COMMAND, 2, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (unsigned i = 0; i < nbars; i++) {
		unsigned off = PCI_BASE_ADDRESS_0 + 4 * i;
		uint32_t lo = pci_cfg_read(d, off, 4);
		struct pci_bar *b = &d->bar[i];

		if (lo & PCI_BASE_ADDRESS_SPACE_IO) {
			uint32_t mask = bar_probe32(d, off, lo) & (uint32_t)PCI_BASE_ADDRESS_IO_MASK;
			if (mask & 0xffff)   /* I/O BARs may implement only 16 bits */
				mask |= 0xffff0000;
			b->flags = PCI_BAR_IO;
			b->base = lo & (uint32_t)PCI_BASE_ADDRESS_IO_MASK;
			b->size = mask ? (uint32_t)(~mask + 1) : 0;
			continue;
		}
		bool is64 = (lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64 &&
			    i + 1 < nbars;
		uint64_t mask = bar_probe32(d, off, lo) & (uint32_t)PCI_BASE_ADDRESS_MEM_MASK;
		uint64_t hi = 0;
		if (is64) {
			hi = pci_cfg_read(d, off + 4, 4);
			mask |= (uint64_t)bar_probe32(d, off + 4, (uint32_t)hi) << 32;
		} else if (mask) {
			mask |= 0xffffffff00000000ull;
		}
		b->flags = (is64 ? PCI_BAR_MEM64 : 0) |
			   (lo & PCI_BASE_ADDRESS_MEM_PREFETCH ? PCI_BAR_PREFETCH : 0);
		b->base = hi << 32 | (lo & (uint32_t)PCI_BASE_ADDRESS_MEM_MASK);
		b->size = mask ? ~mask + 1 : 0;
		if (is64)
			i++;   /* the top half: leave its slot empty */
	}
	if (!keep_on)
		pci_cfg_write(d, PCI_COMMAND, 2, cmd);
}

/* Does [start, start+size) overlap an assigned memory BAR?  If so, *after
 * is the end of that BAR. */
static bool range_taken(paddr_t start, uint64_t size, paddr_t *after)
{
	for (struct pci_device *d = devices; d; d = d->next)
		for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
			const struct pci_bar *b = &d->bar[i];
			if ((b->flags & PCI_BAR_IO) || !b->size || !b->base)
				continue;
			if (start < b->base + b->size && b->base < start + size) {
				*after = b->base + b->size;
				return true;
			}
		}
	return false;
}

static int assign_bar(struct pci_device *d, unsigned i, paddr_t *cursor, paddr_t end)
{
	struct pci_bar *b = &d->bar[i];
	unsigned off = PCI_BASE_ADDRESS_0 + 4 * i;
	paddr_t start = ALIGN_UP(*cursor, (paddr_t)b->size), taken_end;

	/* Behind a bridge an address is useless unless the bridge window covers
	 * it, and we do not program bridge windows. */
	if (d->bus != 0)
		return K_ENODEV;
	for (unsigned tries = 0; tries < 256; tries++) {
		if (start < *cursor || start + b->size > end || start + b->size < start)
			return K_ENOSPC;
		if (!range_taken(start, b->size, &taken_end))
			break;
		start = ALIGN_UP(taken_end, (paddr_t)b->size);
	}
	uint16_t cmd = (uint16_t)pci_cfg_read(d, PCI_COMMAND, 2);
	pci_cfg_write(d, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_MEMORY);
	pci_cfg_write(d, off, 4, (uint32_t)start);
	if (b->flags & PCI_BAR_MEM64)
		pci_cfg_write(d, off + 4, 4, (uint32_t)(start >> 32));
	pci_cfg_write(d, PCI_COMMAND, 2, cmd);
	if ((pci_cfg_read(d, off, 4) & (uint32_t)PCI_BASE_ADDRESS_MEM_MASK) != (uint32_t)start)
		return K_EIO;
	b->base = start;
	*cursor = start + b->size;
	return 0;
}

static void assign_unassigned_bars(void)
{
	paddr_t cursor, end;

	pci_mem_window(&cursor, &end);
	for (struct pci_device *d = devices; d; d = d->next)
		for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
			struct pci_bar *b = &d->bar[i];
			if ((b->flags & PCI_BAR_IO) || !b->size || b->base)
				continue;
			int err = assign_bar(d, i, &cursor, end);
			if (err)
				kprintf("pci %02x:%02x.%x: BAR%u (%llu KiB) left unassigned (error %d)\n",
					d->bus, d->dev, d->fn, i,
					(unsigned long long)(b->size >> 10), err);
			else
				kprintf("pci %02x:%02x.%x: BAR%u (%llu KiB) assigned at 0x%llx\n",
					d->bus, d->dev, d->fn, i,
					(unsigned long long)(b->size >> 10),
					(unsigned long long)b->base);
		}
}

volatile void *pci_map_bar(struct pci_device *d, unsigned bar, uint64_t off, uint64_t len)
{
	const struct pci_bar *b;
	paddr_t pa, start, end;
	uint8_t *va;

	if (bar >= PCI_NUM_BARS)
		return NULL;
	b = &d->bar[bar];
	if ((b->flags & PCI_BAR_IO) || !b->base || !b->size || len == 0 ||
	    off >= b->size || len > b->size - off)
		return NULL;
	/* Whole pages, whatever ioremap does with offsets. */
	pa = b->base + off;
	start = ALIGN_DOWN(pa, (paddr_t)PAGE_SIZE);
	end = ALIGN_UP(pa + len, (paddr_t)PAGE_SIZE);
	va = ioremap(start, (size_t)(end - start));
	return va ? va + (pa - start) : NULL;
}

void pci_enable_device(struct pci_device *d)
{
	uint16_t cmd = (uint16_t)pci_cfg_read(d, PCI_COMMAND, 2);
	pci_cfg_write(d, PCI_COMMAND, 2, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

/* --- capabilities and MSI-X ----------------------------------------- */

unsigned pci_find_cap(const struct pci_device *d, uint8_t id, unsigned after)
{
	unsigned ptr;

	if (!(pci_cfg_read(d, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	ptr = after ? pci_cfg_read(d, after + PCI_CAP_LIST_NEXT, 1)
		    : pci_cfg_read(d, PCI_CAPABILITY_LIST, 1);
	for (unsigned n = 0; n < MAX_CAPS; n++) {
		ptr &= 0xfc;
		if (ptr < PCI_STD_HEADER_SIZEOF)
			return 0;   /* end of list (0), or a pointer into the header */
		if (pci_cfg_read(d, ptr + PCI_CAP_LIST_ID, 1) == id)
			return ptr;
		ptr = pci_cfg_read(d, ptr + PCI_CAP_LIST_NEXT, 1);
	}
	return 0;
}

int pci_msix_init(struct pci_device *d, struct pci_msix *mx)
{
	unsigned cap = pci_find_cap(d, PCI_CAP_ID_MSIX, 0);
	uint16_t ctrl;
	uint32_t table;

	if (!cap)
		return K_ENODEV;
	ctrl = (uint16_t)pci_cfg_read(d, cap + PCI_MSIX_FLAGS, 2);
	table = pci_cfg_read(d, cap + PCI_MSIX_TABLE, 4);
	mx->pdev = d;
	mx->cap = cap;
	mx->entries = (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1u;
	mx->table = pci_map_bar(d, table & PCI_MSIX_TABLE_BIR, table & PCI_MSIX_TABLE_OFFSET,
				(uint64_t)mx->entries * PCI_MSIX_ENTRY_SIZE);
	if (!mx->table)
		return K_EIO;
	/* Enabled but masked as a whole while entries are programmed. */
	pci_cfg_write(d, cap + PCI_MSIX_FLAGS, 2,
		      ctrl | PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	for (unsigned i = 0; i < mx->entries; i++)
		mmio_write32(mx->table + i * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL,
			     PCI_MSIX_ENTRY_CTRL_MASKBIT);
	return 0;
}

int pci_msix_set_entry(struct pci_msix *mx, unsigned i, uint64_t addr, uint32_t data)
{
	volatile uint8_t *e;

	if (i >= mx->entries)
		return K_EINVAL;
	e = mx->table + i * PCI_MSIX_ENTRY_SIZE;
	mmio_write32(e + PCI_MSIX_ENTRY_VECTOR_CTRL, PCI_MSIX_ENTRY_CTRL_MASKBIT);
	mmio_write32(e + PCI_MSIX_ENTRY_LOWER_ADDR, (uint32_t)addr);
	mmio_write32(e + PCI_MSIX_ENTRY_UPPER_ADDR, (uint32_t)(addr >> 32));
	mmio_write32(e + PCI_MSIX_ENTRY_DATA, data);
	mmio_write32(e + PCI_MSIX_ENTRY_VECTOR_CTRL, 0);
	return 0;
}

void pci_msix_unmask(struct pci_msix *mx)
{
	uint16_t ctrl = (uint16_t)pci_cfg_read(mx->pdev, mx->cap + PCI_MSIX_FLAGS, 2);
	pci_cfg_write(mx->pdev, mx->cap + PCI_MSIX_FLAGS, 2, ctrl & ~PCI_MSIX_FLAGS_MASKALL);
}

void pci_msix_disable(struct pci_msix *mx)
{
	uint16_t ctrl = (uint16_t)pci_cfg_read(mx->pdev, mx->cap + PCI_MSIX_FLAGS, 2);
	pci_cfg_write(mx->pdev, mx->cap + PCI_MSIX_FLAGS, 2,
		      ctrl & ~(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL));
}

/* --- enumeration ----------------------------------------------------- */

static void scan_bus(unsigned bus, unsigned depth);

static void add_function(unsigned bus, unsigned dev, unsigned fn, unsigned depth)
{
	struct pci_device *d = kzalloc(sizeof(*d));
	uint32_t class_rev;

	if (!d) {
		kprintf("pci %02x:%02x.%x: out of memory\n", bus, dev, fn);
		return;
	}
	d->bus = (uint8_t)bus;
	d->dev = (uint8_t)dev;
	d->fn = (uint8_t)fn;
	d->vendor = (uint16_t)pci_cfg_read(d, PCI_VENDOR_ID, 2);
	d->device = (uint16_t)pci_cfg_read(d, PCI_DEVICE_ID, 2);
	class_rev = pci_cfg_read(d, PCI_CLASS_REVISION, 4);
	d->revision = (uint8_t)class_rev;
	d->prog_if = (uint8_t)(class_rev >> 8);
	d->subclass = (uint8_t)(class_rev >> 16);
	d->class_code = (uint8_t)(class_rev >> 24);
	d->header_type = pci_cfg_read(d, PCI_HEADER_TYPE, 1) & PCI_HEADER_TYPE_MASK;
	d->irq_line = (uint8_t)pci_cfg_read(d, PCI_INTERRUPT_LINE, 1);
	d->irq_pin = (uint8_t)pci_cfg_read(d, PCI_INTERRUPT_PIN, 1);
	if (d->header_type == PCI_HEADER_TYPE_NORMAL) {
		d->subsys_vendor = (uint16_t)pci_cfg_read(d, PCI_SUBSYSTEM_VENDOR_ID, 2);
		d->subsys_id = (uint16_t)pci_cfg_read(d, PCI_SUBSYSTEM_ID, 2);
		decode_bars(d, 6);
	} else if (d->header_type == PCI_HEADER_TYPE_BRIDGE) {
		decode_bars(d, 2);
	}
	*devices_tail = d;
	devices_tail = &d->next;
	kprintf("pci %02x:%02x.%x: %04x:%04x class %02x.%02x\n", bus, dev, fn,
		d->vendor, d->device, d->class_code, d->subclass);

	if (d->header_type == PCI_HEADER_TYPE_BRIDGE) {
		unsigned secondary = pci_cfg_read(d, PCI_SECONDARY_BUS, 1);
		if (secondary != 0 && depth < MAX_BUS_DEPTH)
			scan_bus(secondary, depth + 1);
	}
}

static void scan_bus(unsigned bus, unsigned depth)
{
	if (buses_seen[bus / 32] & (1u << (bus % 32)))
		return;   /* a bridge loop, or two bridges claiming one bus */
	buses_seen[bus / 32] |= 1u << (bus % 32);

	for (unsigned dev = 0; dev < 32; dev++) {
		if (arch_pci_cfg_read(bus, dev, 0, PCI_VENDOR_ID, 2) == 0xffff)
			continue;
		unsigned nfn = arch_pci_cfg_read(bus, dev, 0, PCI_HEADER_TYPE, 1) & 0x80 ? 8 : 1;
		for (unsigned fn = 0; fn < nfn; fn++)
			if (arch_pci_cfg_read(bus, dev, fn, PCI_VENDOR_ID, 2) != 0xffff)
				add_function(bus, dev, fn, depth);
	}
}

static void bind_drivers(struct pci_device *d)
{
	for (unsigned i = 0; i < MAX_DRIVERS && drivers[i]; i++) {
		const struct pci_driver *drv = drivers[i];
		if (drv->vendor != d->vendor || d->device < drv->device_min ||
		    d->device > drv->device_max)
			continue;
		int err = drv->probe(d);
		if (err == 0) {
			d->driver = drv;
			return;
		}
		kprintf("pci %02x:%02x.%x: %s driver declined (%d)\n", d->bus, d->dev, d->fn,
			drv->name, err);
	}
}

void pci_scan(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	scan_bus(0, 0);
	assign_unassigned_bars();
	for (struct pci_device *d = devices; d; d = d->next)
		bind_drivers(d);
}
