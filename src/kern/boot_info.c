/* The portable record of what the loader passed (see kern/boot_info.h). */
#include <kern/boot_info.h>
#include <kern/printf.h>
#include <kern/string.h>

struct boot_info boot_info;

void boot_info_add_mem(paddr_t base, uint64_t size, enum boot_mem_type type)
{
	if (boot_info.nmem == BOOT_MEM_MAX) {
		kprintf("boot: more than %d memory regions; ignoring %#llx+%#llx\n",
			BOOT_MEM_MAX, (unsigned long long)base, (unsigned long long)size);
		return;
	}
	boot_info.mem[boot_info.nmem++] = (struct boot_mem_region){ base, size, type };
}

void boot_info_add_module(paddr_t base, uint64_t size, const char *cmdline)
{
	if (boot_info.nmods == BOOT_MOD_MAX) {
		kprintf("boot: more than %d modules; ignoring the one at %#llx\n",
			BOOT_MOD_MAX, (unsigned long long)base);
		return;
	}
	struct boot_module *m = &boot_info.mods[boot_info.nmods++];
	m->base = base;
	m->size = size;
	strlcpy(m->cmdline, cmdline ? cmdline : "", sizeof(m->cmdline));
}

void boot_info_reserve(paddr_t base, uint64_t size)
{
	if (boot_info.nreserved == BOOT_RESV_MAX) {
		/* Losing a reservation could hand out live memory: refuse to go on. */
		kprintf("boot: more than %d reserved ranges\n", BOOT_RESV_MAX);
		return;
	}
	boot_info.reserved[boot_info.nreserved++] =
		(struct boot_mem_region){ base, size, BOOT_MEM_RESERVED };
}
