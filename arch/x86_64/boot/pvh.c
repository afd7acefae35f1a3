/* Reading the PVH start info (Xen's public hvm_start_info, version 1):
 * command line, memory map, modules and the ACPI RSDP. */
#include <kern/boot_info.h>
#include <kern/string.h>
#include <kern/arch.h>
#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>
#include "boot.h"

/* Boot structures sit below 4 GiB; the boot page tables map them at the
 * direct map, which is where phys_to_virt points.  Loaders are not always
 * careful (qboot hands over module command-line addresses with garbage in
 * the upper half), so anything outside what the boot tables map, or 0, is
 * treated as absent rather than followed into a page fault. */
static const void *boot_ptr(uint64_t pa)
{
	if (pa == 0 || pa >= BOOT_DIRECT_MAP_END)
		return NULL;
	return phys_to_virt(pa);
}

static enum boot_mem_type e820_type(uint32_t t)
{
	switch (t) {
	case XEN_HVM_MEMMAP_TYPE_RAM: return BOOT_MEM_RAM;
	case XEN_HVM_MEMMAP_TYPE_ACPI: return BOOT_MEM_ACPI;
	default: return BOOT_MEM_RESERVED;
	}
}

int pvh_parse(paddr_t info_pa)
{
	const struct hvm_start_info *si = boot_ptr(info_pa);
	if (!si || si->magic != XEN_HVM_START_MAGIC_VALUE)
		return -1;

	boot_info.loader = "PVH";
	boot_info_reserve(info_pa, sizeof(*si));
	const char *cmdline = boot_ptr(si->cmdline_paddr);
	if (cmdline)
		strlcpy(boot_info.cmdline, cmdline, sizeof(boot_info.cmdline));
	if (si->version >= 1)
		boot_info.rsdp = si->rsdp_paddr;

	const struct hvm_memmap_table_entry *e = si->version >= 1 ? boot_ptr(si->memmap_paddr) : NULL;
	if (e) {
		for (uint32_t i = 0; i < si->memmap_entries; i++)
			boot_info_add_mem(e[i].addr, e[i].size, e820_type(e[i].type));
	}

	const struct hvm_modlist_entry *mods = boot_ptr(si->modlist_paddr);
	for (uint32_t i = 0; mods && i < si->nr_modules; i++) {
		const char *cl = boot_ptr(mods[i].cmdline_paddr);
		boot_info_add_module(mods[i].paddr, mods[i].size, cl ? cl : "");
		boot_info_reserve(mods[i].paddr, mods[i].size);
	}
	return 0;
}
