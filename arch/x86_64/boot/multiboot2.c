/* Reading Multiboot2 boot information (GRUB's multiboot2 command): a list
 * of 8-byte aligned tags after an 8-byte header.  Tag layouts follow the
 * Multiboot2 specification, version 2.0. */
#include <kern/arch.h>
#include <kern/boot_info.h>
#include <kern/string.h>
#include "boot.h"

enum {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_MODULE = 3,
	MB2_TAG_MMAP = 6,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
};

struct mb2_tag {
	uint32_t type, size;
};

struct mb2_module {
	struct mb2_tag tag;
	uint32_t start, end;
	char cmdline[];
};

struct mb2_mmap {
	struct mb2_tag tag;
	uint32_t entry_size, entry_version;
};

struct mb2_mmap_entry {
	uint64_t base, len;
	uint32_t type, reserved;
};

static enum boot_mem_type mmap_type(uint32_t t)
{
	switch (t) {
	case 1: return BOOT_MEM_RAM;
	case 3: return BOOT_MEM_ACPI;
	default: return BOOT_MEM_RESERVED;
	}
}

static void read_mmap(const struct mb2_mmap *m)
{
	if (m->entry_size < sizeof(struct mb2_mmap_entry))
		return;
	const uint8_t *p = (const uint8_t *)(m + 1);
	const uint8_t *end = (const uint8_t *)m + m->tag.size;
	for (; p + m->entry_size <= end; p += m->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)p;
		boot_info_add_mem(e->base, e->len, mmap_type(e->type));
	}
}

int multiboot2_parse(paddr_t info_pa)
{
	const uint8_t *info = phys_to_virt(info_pa);
	uint32_t total = *(const uint32_t *)info;
	if (total < 16 || total > (1u << 20))
		return -1;

	boot_info.loader = "Multiboot2";
	boot_info_reserve(info_pa, total);

	for (uint32_t off = 8; off + sizeof(struct mb2_tag) <= total;) {
		const struct mb2_tag *t = (const void *)(info + off);
		if (t->type == MB2_TAG_END || t->size < sizeof(*t) || off + t->size > total)
			break;
		switch (t->type) {
		case MB2_TAG_CMDLINE:
			strlcpy(boot_info.cmdline, (const char *)(t + 1), sizeof(boot_info.cmdline));
			break;
		case MB2_TAG_MODULE: {
			const struct mb2_module *m = (const void *)t;
			if (m->end > m->start) {
				boot_info_add_module(m->start, m->end - m->start, m->cmdline);
				boot_info_reserve(m->start, m->end - m->start);
			}
			break;
		}
		case MB2_TAG_MMAP:
			read_mmap((const void *)t);
			break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			/* The tag holds a copy of the RSDP; point at the copy.  A new
			 * (ACPI 2.0+) RSDP wins over an old one. */
			if (!boot_info.rsdp || t->type == MB2_TAG_ACPI_NEW)
				boot_info.rsdp = info_pa + off + sizeof(*t);
			break;
		}
		off += ALIGN_UP(t->size, 8);
	}
	return 0;
}
