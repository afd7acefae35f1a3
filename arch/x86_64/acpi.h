/* ACPI tables, as far as the x86_64 platform needs them (arch/x86_64/acpi.c).
 *
 * acpi_init() finds the RSDP, checks the RSDT/XSDT and reads the MADT (local
 * APIC and IOAPICs, ISA interrupt overrides), the FADT (power-off and reset
 * registers) and the DSDT's \_S5_ object.  Without ACPI (microvm,acpi=off)
 * it fills the same structure with the MP-spec defaults, so its users never
 * care which they got.  Table layouts follow the ACPI specification 6.5. */
#ifndef X86_ACPI_H
#define X86_ACPI_H

#include <kern/types.h>

#define ACPI_MAX_IOAPICS 8

struct acpi_ioapic {
	uint8_t id;
	paddr_t base;
	uint32_t gsi_base;
};

/* An ISA IRQ as the MADT routes it: the GSI it arrives on and its
 * polarity/trigger in arch_irq_attach()'s IRQ_* flags. */
struct acpi_isa_route {
	uint32_t gsi;
	unsigned flags;
	bool overridden;        /* from an interrupt source override entry */
};

/* An ACPI Generic Address Structure (spec 5.2.3.2). */
struct acpi_gas {
	uint8_t space;          /* 0 system memory, 1 system I/O */
	uint8_t bit_width, bit_offset, access_size;
	uint64_t address;
} __packed;

#define ACPI_GAS_MEMORY 0
#define ACPI_GAS_IO     1

struct acpi_info {
	bool present;                    /* false: MP defaults below */
	uint8_t revision;                /* RSDP revision (0 = ACPI 1.0) */
	char oem[7];
	paddr_t lapic_base;
	unsigned nioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	struct acpi_isa_route isa[16];
	/* Power-off: PM1a_CNT (I/O port), or the hardware-reduced sleep control
	 * register, with \_S5_'s SLP_TYPa. */
	uint32_t pm1a_cnt;
	struct acpi_gas sleep_control;
	bool hw_reduced;
	bool s5_valid;
	uint8_t s5_slp_typ;
	/* Reset: FADT reset register and value. */
	bool reset_valid;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	/* The DSDT, for AML scans (virtio-mmio discovery). */
	paddr_t dsdt;
	uint32_t dsdt_len;
};

extern struct acpi_info acpi;

/* Read the tables (needs ioremap, so after kmap_init). */
void acpi_init(void);
/* Decode \_S5_ and map the power registers (acpi_power.c; from acpi_init). */
void acpi_power_init(void);

/* Map a table by signature ("APIC", "FACP", "MCFG"...): the n-th match, its
 * whole length mapped, checksum verified; NULL if absent or corrupt. */
const void *acpi_find_table(const char sig[4], unsigned n, uint32_t *len);

/* Map physical memory for reading firmware structures: the direct map for
 * RAM, ioremap for everything else.  NULL on failure. */
const void *acpi_map(paddr_t pa, size_t len);

/* Decode the first element of the package named by a NameOp in AML
 * (e.g. "_S5_").  Pure: exposed for the unit tests.  Returns false if the
 * name is not found or does not hold a package of integers. */
bool acpi_aml_package_int(const uint8_t *aml, size_t len, const char name[4], uint64_t *value);

/* Optional: probe virtio-mmio devices the DSDT describes (microvm, ACPI on). */
void acpi_probe_virtio_mmio(void);

#endif
