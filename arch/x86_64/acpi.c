/* ACPI table discovery and the few tables the x86_64 platform reads.
 *
 * The RSDP comes from the loader (PVH start info, Multiboot2 tag) or, failing
 * that, from the legacy BIOS areas (the first KiB of the EBDA and
 * 0xE0000..0xFFFFF).  Every table's checksum is verified before use, and a
 * table that fails is ignored with a message: firmware bugs must not crash
 * the kernel.  Nothing here writes to the tables.  Power-off and reset are
 * in acpi_power.c, virtio-mmio discovery in acpi_virtio.c.
 *
 * Layouts: ACPI specification 6.5, chapter 5.2 (RSDP 5.2.5, RSDT/XSDT
 * 5.2.7/5.2.8, FADT 5.2.9, MADT 5.2.12) and chapter 20 (AML encoding). */
#include <kern/arch.h>
#include <kern/boot_info.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <machine/cpu.h>
#include "acpi.h"
#include "platform.h"

struct acpi_info acpi;

struct rsdp {
	char signature[8];          /* "RSD PTR " */
	uint8_t checksum;           /* over the first 20 bytes */
	char oem[6];
	uint8_t revision;           /* 0: ACPI 1.0 (RSDT only); 2: ACPI 2.0+ */
	uint32_t rsdt;
	uint32_t length;            /* revision >= 2 from here on */
	uint64_t xsdt;
	uint8_t xchecksum;          /* over the whole structure */
	uint8_t reserved[3];
} __packed;

struct sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem[6];
	char oem_table[8];
	uint32_t oem_revision;
	uint32_t creator, creator_revision;
} __packed;

/* ------------------------------------------------------------- mapping */

static bool range_is_ram(paddr_t pa, size_t len)
{
	for (unsigned i = 0; i < boot_info.nmem; i++) {
		const struct boot_mem_region *m = &boot_info.mem[i];
		if (m->type == BOOT_MEM_RAM && pa >= m->base && pa + len <= m->base + m->size)
			return true;
	}
	return false;
}

const void *acpi_map(paddr_t pa, size_t len)
{
	if (len == 0 || pa + len < pa)
		return NULL;
	if (range_is_ram(pa, len))
		return phys_to_virt(pa);
	return ioremap(pa, len);
}

static uint8_t sum_bytes(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;
	while (len--)
		s += *b++;
	return s;
}

/* Map a whole table: first its header to learn the length, then all of it. */
static const struct sdt_header *map_table(paddr_t pa)
{
	const struct sdt_header *h = acpi_map(pa, sizeof(*h));
	if (!h)
		return NULL;
	uint32_t len = h->length;
	if (len < sizeof(*h) || len > (16u << 20)) {
		kprintf("acpi: table at %#llx has a bad length %u; ignored\n",
			(unsigned long long)pa, len);
		return NULL;
	}
	h = acpi_map(pa, len);
	if (h && sum_bytes(h, len) != 0) {
		kprintf("acpi: table %.4s at %#llx fails its checksum; ignored\n",
			h->signature, (unsigned long long)pa);
		return NULL;
	}
	return h;
}

/* ------------------------------------------------------------- the RSDP */

static bool rsdp_valid(const struct rsdp *r)
{
	if (memcmp(r->signature, "RSD PTR ", 8) != 0 || sum_bytes(r, 20) != 0)
		return false;
	if (r->revision >= 2)
		return r->length >= sizeof(*r) && r->length < 4096 &&
		       sum_bytes(r, sizeof(*r)) == 0;
	return true;
}

/* The RSDP sits on a 16-byte boundary in one of the two BIOS areas.  Its
 * signature's first word is compared before anything else: scanning the
 * 128 KiB where there is no RSDP (microvm without ACPI) then costs a fifth
 * of a memcmp call at each of 8,192 places (a millisecond under TCG).
 * (x86_64 is little-endian, and the kernel is built without strict
 * aliasing.) */
static paddr_t scan_for_rsdp(paddr_t start, size_t len)
{
	const uint8_t *p = acpi_map(start, len);
	if (!p)
		return 0;
	const uint32_t head = 'R' | 'S' << 8 | 'D' << 16 | (uint32_t)' ' << 24;
	for (size_t off = 0; off + sizeof(struct rsdp) <= len; off += 16)
		if (*(const uint32_t *)(p + off) == head &&
		    rsdp_valid((const struct rsdp *)(p + off)))
			return start + off;
	return 0;
}

static paddr_t find_rsdp(void)
{
	if (boot_info.rsdp) {
		const struct rsdp *r = acpi_map(boot_info.rsdp, sizeof(*r));
		if (r && rsdp_valid(r))
			return boot_info.rsdp;
		kprintf("acpi: the loader's RSDP at %#llx is invalid; scanning\n",
			(unsigned long long)boot_info.rsdp);
	}
	/* The BIOS data area word at 0x40e holds the EBDA segment. */
	const uint16_t *ebda_seg = acpi_map(0x40e, 2);
	if (ebda_seg && *ebda_seg) {
		paddr_t ebda = (paddr_t)*ebda_seg << 4;
		if (ebda >= 0x80000 && ebda < 0xa0000) {
			paddr_t r = scan_for_rsdp(ebda, 1024);
			if (r)
				return r;
		}
	}
	return scan_for_rsdp(0xe0000, 0x20000);
}

/* ------------------------------------------------------ table lookup */

static const struct sdt_header *root;     /* RSDT or XSDT */
static unsigned root_entry_size;

static paddr_t root_entry(unsigned i)
{
	const uint8_t *e = (const uint8_t *)(root + 1) + i * root_entry_size;
	if (root_entry_size == 8) {
		uint64_t v;
		memcpy(&v, e, 8);   /* XSDT entries are not 8-byte aligned */
		return v;
	}
	uint32_t v;
	memcpy(&v, e, 4);
	return v;
}

const void *acpi_find_table(const char sig[4], unsigned n, uint32_t *len)
{
	if (!root)
		return NULL;
	unsigned count = (root->length - sizeof(*root)) / root_entry_size;
	for (unsigned i = 0; i < count; i++) {
		paddr_t pa = root_entry(i);
		const struct sdt_header *h = pa ? acpi_map(pa, sizeof(*h)) : NULL;
		if (!h || memcmp(h->signature, sig, 4) != 0)
			continue;
		if (n--)
			continue;
		h = map_table(pa);
		if (h && len)
			*len = h->length;
		return h;
	}
	return NULL;
}

/* -------------------------------------------------------------- MADT */

enum {
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_ISO = 2,
	MADT_LAPIC_ADDR = 5,
};

struct madt {
	struct sdt_header h;
	uint32_t lapic_base;
	uint32_t flags;
} __packed;

struct madt_ioapic {
	uint8_t type, length, id, reserved;
	uint32_t address, gsi_base;
} __packed;

struct madt_iso {
	uint8_t type, length, bus, source;
	uint32_t gsi;
	uint16_t flags;
} __packed;

struct madt_lapic_addr {
	uint8_t type, length;
	uint16_t reserved;
	uint64_t address;
} __packed;

/* MPS INTI flags (spec table 5.50): polarity in bits 0-1, trigger in
 * bits 2-3; 0 means "conforms to the bus", which for ISA is edge/high. */
static unsigned inti_flags(uint16_t f)
{
	unsigned flags = IRQ_EDGE;
	if ((f & 3) == 3)
		flags |= IRQ_ACTIVE_LOW;
	if (((f >> 2) & 3) == 3)
		flags |= IRQ_LEVEL;
	return flags;
}

static void add_ioapic(uint8_t id, paddr_t base, uint32_t gsi_base)
{
	if (acpi.nioapics == ACPI_MAX_IOAPICS) {
		kprintf("acpi: more than %d IOAPICs; ignoring the one at %#llx\n",
			ACPI_MAX_IOAPICS, (unsigned long long)base);
		return;
	}
	acpi.ioapics[acpi.nioapics++] = (struct acpi_ioapic){ id, base, gsi_base };
}

static void read_madt(void)
{
	uint32_t len;
	const struct madt *m = acpi_find_table("APIC", 0, &len);
	if (!m || len < sizeof(*m)) {
		kprintf("acpi: no MADT; using the MP defaults for the APICs\n");
		add_ioapic(0, 0xfec00000, 0);
		return;
	}
	acpi.lapic_base = m->lapic_base;
	const uint8_t *p = (const uint8_t *)(m + 1), *end = (const uint8_t *)m + len;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		switch (p[0]) {
		case MADT_IOAPIC:
			if (p[1] >= sizeof(struct madt_ioapic)) {
				const struct madt_ioapic *io = (const void *)p;
				add_ioapic(io->id, io->address, io->gsi_base);
			}
			break;
		case MADT_ISO:
			if (p[1] >= sizeof(struct madt_iso)) {
				const struct madt_iso *iso = (const void *)p;
				if (iso->bus == 0 && iso->source < 16)
					acpi.isa[iso->source] = (struct acpi_isa_route){
						iso->gsi, inti_flags(iso->flags), true };
			}
			break;
		case MADT_LAPIC_ADDR:
			if (p[1] >= sizeof(struct madt_lapic_addr))
				acpi.lapic_base = ((const struct madt_lapic_addr *)p)->address;
			break;
		}
		p += p[1];
	}
	if (!acpi.nioapics)
		kprintf("acpi: the MADT lists no IOAPIC\n");
}

/* -------------------------------------------------------------- FADT */

/* Field offsets in the FADT (spec table 5.9); a field exists only if the
 * table is long enough to hold it. */
#define FADT_DSDT          40
#define FADT_PM1A_CNT      64
#define FADT_FLAGS         112
#define FADT_RESET_REG     116
#define FADT_RESET_VALUE   128
#define FADT_X_DSDT        140
#define FADT_X_PM1A_CNT    172
#define FADT_SLEEP_CONTROL 244

#define FADT_F_RESET_REG_SUP (1u << 10)
#define FADT_F_HW_REDUCED    (1u << 20)

static bool fadt_has(uint32_t len, unsigned off, size_t size) { return off + size <= len; }

static void read_fadt(void)
{
	uint32_t len;
	const uint8_t *f = acpi_find_table("FACP", 0, &len);
	if (!f) {
		kprintf("acpi: no FADT: ACPI power-off and reset unavailable\n");
		return;
	}
	uint32_t flags = 0, pm1a = 0, dsdt32 = 0;
	uint64_t dsdt64 = 0;
	if (fadt_has(len, FADT_FLAGS, 4))
		memcpy(&flags, f + FADT_FLAGS, 4);
	if (fadt_has(len, FADT_PM1A_CNT, 4))
		memcpy(&pm1a, f + FADT_PM1A_CNT, 4);
	if (fadt_has(len, FADT_DSDT, 4))
		memcpy(&dsdt32, f + FADT_DSDT, 4);
	if (fadt_has(len, FADT_X_DSDT, 8))
		memcpy(&dsdt64, f + FADT_X_DSDT, 8);
	acpi.dsdt = dsdt64 ? dsdt64 : dsdt32;

	/* The extended PM1a block wins when it names an I/O port. */
	if (fadt_has(len, FADT_X_PM1A_CNT, sizeof(struct acpi_gas))) {
		struct acpi_gas g;
		memcpy(&g, f + FADT_X_PM1A_CNT, sizeof(g));
		if (g.space == ACPI_GAS_IO && g.address && g.address < 0x10000)
			pm1a = (uint32_t)g.address;
	}
	acpi.pm1a_cnt = pm1a;

	acpi.hw_reduced = flags & FADT_F_HW_REDUCED;
	if (fadt_has(len, FADT_SLEEP_CONTROL, sizeof(struct acpi_gas)))
		memcpy(&acpi.sleep_control, f + FADT_SLEEP_CONTROL, sizeof(struct acpi_gas));

	if ((flags & FADT_F_RESET_REG_SUP) && fadt_has(len, FADT_RESET_VALUE, 1)) {
		memcpy(&acpi.reset_reg, f + FADT_RESET_REG, sizeof(struct acpi_gas));
		acpi.reset_value = f[FADT_RESET_VALUE];
		acpi.reset_valid = acpi.reset_reg.address != 0;
	}
}

/* -------------------------------------------------------------- DSDT */

/* Validate the DSDT and remember its extent for AML scans (\_S5_ in
 * acpi_power.c, virtio-mmio devices in acpi_virtio.c). */
static void read_dsdt(void)
{
	if (!acpi.dsdt)
		return;
	const struct sdt_header *d = map_table(acpi.dsdt);
	if (!d || memcmp(d->signature, "DSDT", 4) != 0) {
		kprintf("acpi: no usable DSDT at %#llx\n", (unsigned long long)acpi.dsdt);
		acpi.dsdt = 0;
		return;
	}
	acpi.dsdt_len = d->length;
}

/* ------------------------------------------------------------- init */

static void use_mp_defaults(void)
{
	acpi.present = false;
	acpi.lapic_base = 0xfee00000;
	acpi.nioapics = 0;
	add_ioapic(0, 0xfec00000, 0);
}

static void print_summary(void)
{
	char tables[128] = "";
	size_t used = 0;
	unsigned count = (root->length - sizeof(*root)) / root_entry_size;
	for (unsigned i = 0; i < count && used + 6 < sizeof(tables); i++) {
		paddr_t pa = root_entry(i);
		const struct sdt_header *h = pa ? acpi_map(pa, sizeof(*h)) : NULL;
		if (h)
			used += (size_t)ksnprintf(tables + used, sizeof(tables) - used, " %.4s", h->signature);
	}
	kprintf("acpi: rev %u, OEM \"%s\", %s with%s\n", acpi.revision, acpi.oem,
		root_entry_size == 8 ? "XSDT" : "RSDT", tables);
	char isa[96] = "";
	used = 0;
	for (unsigned irq = 0; irq < 16 && used + 16 < sizeof(isa); irq++) {
		const struct acpi_isa_route *r = &acpi.isa[irq];
		if (r->overridden)
			used += (size_t)ksnprintf(isa + used, sizeof(isa) - used, " %u->%u%s%s", irq,
						  r->gsi, r->flags & IRQ_LEVEL ? "L" : "",
						  r->flags & IRQ_ACTIVE_LOW ? "lo" : "");
	}
	if (used)
		kprintf("acpi: ISA IRQ overrides:%s\n", isa);
	if (acpi.s5_valid)
		kprintf("acpi: S5 via %s, SLP_TYP %u%s\n",
			acpi.hw_reduced ? "sleep control register" : "PM1a_CNT",
			acpi.s5_slp_typ, acpi.reset_valid ? "; reset register" : "");
}

void acpi_init(void)
{
	for (unsigned i = 0; i < 16; i++)
		acpi.isa[i] = (struct acpi_isa_route){ i, IRQ_EDGE, false };

	paddr_t rsdp_pa = find_rsdp();
	if (!rsdp_pa) {
		kprintf("acpi: no RSDP; using MP defaults (LAPIC %#x, IOAPIC %#x)\n",
			0xfee00000u, 0xfec00000u);
		use_mp_defaults();
		return;
	}
	const struct rsdp *r = acpi_map(rsdp_pa, sizeof(*r));
	acpi.revision = r->revision;
	memcpy(acpi.oem, r->oem, 6);
	acpi.oem[6] = 0;

	if (r->revision >= 2 && r->xsdt) {
		root = map_table(r->xsdt);
		root_entry_size = 8;
	}
	if (!root && r->rsdt) {
		root = map_table(r->rsdt);
		root_entry_size = 4;
	}
	if (!root) {
		kprintf("acpi: RSDP at %#llx but no valid RSDT/XSDT; using MP defaults\n",
			(unsigned long long)rsdp_pa);
		use_mp_defaults();
		return;
	}
	acpi.present = true;
	acpi.lapic_base = 0xfee00000;
	read_madt();
	read_fadt();
	read_dsdt();
	acpi_power_init();
	print_summary();
}
