/* ACPI power-off (S5) and reset, from what acpi.c found in the FADT and
 * the DSDT's \_S5_ object.
 *
 * S5 is entered by writing SLP_TYPa (the first element of \_S5_) with
 * SLP_EN: into PM1a_CNT on classic machines (q35/pc: an I/O port), or into
 * the sleep control register on hardware-reduced ones (microvm: QEMU's
 * generic event device, in memory space).  ACPI 6.5: 4.8.3.2 (PM1 control),
 * 4.8.3.7 (sleep control), 7.4.2 (\_Sx objects), 20 (AML encoding).
 * The AML reader is not an interpreter: it decodes one named package of
 * integer constants, which is what every firmware writes for \_S5_. */
#include <kern/arch.h>
#include <kern/string.h>
#include "acpi.h"
#include "platform.h"

/* ---------------------------------------------------------- AML: \_S5_ */

enum {
	AML_ZERO = 0x00, AML_ONE = 0x01, AML_NAME = 0x08, AML_BYTE = 0x0a,
	AML_WORD = 0x0b, AML_DWORD = 0x0c, AML_QWORD = 0x0e, AML_PACKAGE = 0x12,
	AML_ROOT = 0x5c, AML_ONES = 0xff,
};

/* PkgLength (spec 20.2.4): the top two bits of the lead byte count the
 * bytes that follow.  Returns the bytes the encoding takes, 0 if truncated. */
static size_t aml_pkg_length(const uint8_t *p, size_t avail, uint32_t *out)
{
	if (!avail)
		return 0;
	size_t follow = p[0] >> 6;
	if (follow + 1 > avail)
		return 0;
	if (!follow) {
		*out = p[0] & 0x3f;
		return 1;
	}
	uint32_t v = p[0] & 0x0f;
	for (size_t i = 0; i < follow; i++)
		v |= (uint32_t)p[1 + i] << (4 + 8 * i);
	*out = v;
	return follow + 1;
}

/* One integer data object (ComputationalData); bytes used, 0 if not one. */
static size_t aml_integer(const uint8_t *p, size_t avail, uint64_t *out)
{
	static const uint8_t width[] = { [AML_BYTE] = 1, [AML_WORD] = 2,
					 [AML_DWORD] = 4, [AML_QWORD] = 8 };
	if (!avail)
		return 0;
	switch (p[0]) {
	case AML_ZERO: *out = 0; return 1;
	case AML_ONE: *out = 1; return 1;
	case AML_ONES: *out = ~0ULL; return 1;
	case AML_BYTE: case AML_WORD: case AML_DWORD: case AML_QWORD: {
		size_t w = width[p[0]];
		if (w + 1 > avail)
			return 0;
		uint64_t v = 0;
		for (size_t i = 0; i < w; i++)
			v |= (uint64_t)p[1 + i] << (8 * i);
		*out = v;
		return w + 1;
	}
	}
	return 0;
}

bool acpi_aml_package_int(const uint8_t *aml, size_t len, const char name[4], uint64_t *value)
{
	for (size_t i = 1; i + 4 < len; i++) {
		if (memcmp(aml + i, name, 4) != 0)
			continue;
		/* NameOp, optionally followed by the root prefix, then the name. */
		bool named = aml[i - 1] == AML_NAME ||
			     (aml[i - 1] == AML_ROOT && i >= 2 && aml[i - 2] == AML_NAME);
		if (!named)
			continue;
		const uint8_t *p = aml + i + 4, *end = aml + len;
		if (p >= end || *p != AML_PACKAGE)
			continue;
		p++;
		uint32_t pkglen;
		size_t n = aml_pkg_length(p, (size_t)(end - p), &pkglen);
		if (!n || (size_t)(end - p) < pkglen)
			continue;
		end = p + pkglen;       /* stay inside the package */
		p += n;
		if (p >= end || *p == 0)    /* NumElements */
			continue;
		p++;
		if (aml_integer(p, (size_t)(end - p), value))
			return true;
	}
	return false;
}

#define SDT_HEADER_SIZE 36

static void read_s5(void)
{
	if (!acpi.dsdt || acpi.dsdt_len <= SDT_HEADER_SIZE)
		return;
	const uint8_t *aml = acpi_map(acpi.dsdt, acpi.dsdt_len);
	uint64_t typ;
	if (aml && acpi_aml_package_int(aml + SDT_HEADER_SIZE, acpi.dsdt_len - SDT_HEADER_SIZE,
					"_S5_", &typ)) {
		acpi.s5_valid = true;
		acpi.s5_slp_typ = (uint8_t)(typ & 7);
	}
}

/* ------------------------------------------------ power-off and reset */

#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN (1u << 13)
#define SLEEP_CTL_SLP_TYP_SHIFT 2   /* hardware-reduced sleep control, 4.8.3.7 */
#define SLEEP_CTL_SLP_EN (1u << 5)

static volatile void *sleep_mapping;   /* the registers, when in memory space */
static volatile void *reset_mapping;

static volatile void *map_gas(const struct acpi_gas *g)
{
	if (g->space != ACPI_GAS_MEMORY || !g->address)
		return NULL;
	return (volatile void *)acpi_map(g->address, 8);
}

static void gas_write8(const struct acpi_gas *g, volatile void *mapped, uint8_t v)
{
	if (g->space == ACPI_GAS_IO && g->address && g->address < 0x10000)
		outb((uint16_t)g->address, v);
	else if (g->space == ACPI_GAS_MEMORY && mapped)
		mmio_write8(mapped, v);
}

void acpi_poweroff(void)
{
	if (!acpi.s5_valid)
		return;
	if (acpi.hw_reduced && acpi.sleep_control.address) {
		gas_write8(&acpi.sleep_control, sleep_mapping,
			   (uint8_t)((acpi.s5_slp_typ << SLEEP_CTL_SLP_TYP_SHIFT) | SLEEP_CTL_SLP_EN));
	} else if (acpi.pm1a_cnt) {
		uint16_t port = (uint16_t)acpi.pm1a_cnt;
		uint16_t v = inw(port) & ~(uint16_t)(7u << PM1_SLP_TYP_SHIFT);
		outw(port, v | (uint16_t)(acpi.s5_slp_typ << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
	}
	/* The write takes effect asynchronously in some VMMs; give it a moment
	 * before the caller falls back to halting. */
	for (int i = 0; i < 1000000; i++)
		arch_cpu_relax();
}

void acpi_reset(void)
{
	if (acpi.reset_valid)
		gas_write8(&acpi.reset_reg, reset_mapping, acpi.reset_value);
}

void acpi_power_init(void)
{
	read_s5();
	/* Map memory-space registers now: power-off may come from a panic,
	 * when building page tables is no longer a good idea. */
	sleep_mapping = map_gas(&acpi.sleep_control);
	if (acpi.reset_valid)
		reset_mapping = map_gas(&acpi.reset_reg);
}

