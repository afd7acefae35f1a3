/* What the loader told us, in one portable form.  Each boot path (PVH start
 * info, Multiboot2, device tree) fills this before kmain() runs. */
#ifndef KERN_BOOT_INFO_H
#define KERN_BOOT_INFO_H

#include <kern/types.h>

enum boot_mem_type {
	BOOT_MEM_RAM = 1,      /* usable RAM */
	BOOT_MEM_RESERVED,     /* firmware, MMIO holes, anything else */
	BOOT_MEM_ACPI,         /* ACPI tables (reclaimable later) */
};

struct boot_mem_region {
	paddr_t base;
	uint64_t size;
	enum boot_mem_type type;
};

struct boot_module {
	paddr_t base;
	uint64_t size;
	char cmdline[512];     /* Hurd module lines run to a few hundred bytes */
};

#define BOOT_MEM_MAX 64
#define BOOT_MOD_MAX 8
#define BOOT_RESV_MAX 16

struct boot_info {
	const char *loader;     /* "PVH", "Multiboot2", "Linux Image" ... */
	char cmdline[1024];
	struct boot_mem_region mem[BOOT_MEM_MAX];
	unsigned nmem;
	struct boot_module mods[BOOT_MOD_MAX];
	unsigned nmods;
	/* Ranges inside RAM that must never be allocated: the kernel image, the
	 * loader's structures, modules, the device tree. */
	struct boot_mem_region reserved[BOOT_RESV_MAX];
	unsigned nreserved;
	paddr_t rsdp;           /* ACPI RSDP, 0 if none given */
	paddr_t dtb;            /* device tree blob, 0 if none */
};

extern struct boot_info boot_info;

void boot_info_add_mem(paddr_t base, uint64_t size, enum boot_mem_type type);
void boot_info_add_module(paddr_t base, uint64_t size, const char *cmdline);
void boot_info_reserve(paddr_t base, uint64_t size);

#endif
