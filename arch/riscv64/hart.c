/* The boot hart: which one it is and what its cpu node in the device tree
 * says it can do.
 *
 * The hart id comes from the loader (a0) and may be any value; nothing
 * assumes hart 0.  Its ISA extensions come from "riscv,isa-extensions"
 * (a string list, the current binding) or else from the older "riscv,isa"
 * string ("rv64imafdc_zicsr_sstc...": single letters after rv64, then
 * multi-letter extensions separated by '_'). */
#include <kern/dt.h>
#include <kern/errno.h>
#include <kern/string.h>
#include <machine/pte.h>
#include "riscv.h"

unsigned long riscv_boot_hart;
unsigned riscv_pt_levels = 4;
uint64_t riscv_pte_device_bits;

static const char *ext_list;     /* riscv,isa-extensions */
static int ext_list_len;
static const char *isa_string;   /* riscv,isa */

int hart_cpu_node(const void *dtb)
{
	uint64_t id;
	int n;
	for (n = dt_cpu_next(dtb, -1, &id); n >= 0; n = dt_cpu_next(dtb, n, &id))
		if (id == riscv_boot_hart)
			return n;
	return n;
}

uint32_t hart_intc_phandle(const void *dtb)
{
	int cpu = hart_cpu_node(dtb);
	if (cpu < 0)
		return 0;
	for (int c = dt_first_child(dtb, cpu); c >= 0; c = dt_next_sibling(dtb, c)) {
		uint32_t ph;
		if (dt_is_compatible(dtb, c, "riscv,cpu-intc") &&
		    dt_prop_u32(dtb, c, "phandle", &ph) == 0)
			return ph;
	}
	return 0;
}

/* Whether the '_'-separated riscv,isa string names ext. */
static bool isa_string_has(const char *isa, const char *ext)
{
	size_t elen = strlen(ext);
	if (strncmp(isa, "rv64", 4) != 0 && strncmp(isa, "rv32", 4) != 0)
		return false;
	const char *p = isa + 4;
	if (elen == 1) {   /* single-letter extensions come first */
		for (; *p && *p != '_'; p++)
			if (*p == ext[0])
				return true;
		return false;
	}
	while ((p = strchr(p, '_')) != NULL) {
		p++;
		size_t tlen = 0;
		while (p[tlen] && p[tlen] != '_')
			tlen++;
		if (tlen == elen && strncmp(p, ext, elen) == 0)
			return true;
		p += tlen;
	}
	return false;
}

bool hart_has_ext(const char *ext)
{
	if (ext_list)
		return dt_strlist_contains(ext_list, ext_list_len, ext);
	if (isa_string)
		return isa_string_has(isa_string, ext);
	return false;
}

const char *hart_mmu_name(void)
{
	return riscv_pt_levels == 4 ? "Sv48" : "Sv39";
}

void hart_init(const void *dtb)
{
	int cpu = hart_cpu_node(dtb);
	if (cpu < 0)
		return;
	ext_list = dt_getprop(dtb, cpu, "riscv,isa-extensions", &ext_list_len);
	if (ext_list && ext_list_len <= 0)
		ext_list = NULL;
	isa_string = dt_prop_string(dtb, cpu, "riscv,isa");
	/* Svpbmt: device mappings get the I/O memory type.  (The firmware
	 * turns it on in menvcfg when the hart has it, as OpenSBI does.) */
	if (hart_has_ext("svpbmt"))
		riscv_pte_device_bits = PTE_PBMT_IO;
}
