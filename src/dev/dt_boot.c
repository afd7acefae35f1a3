/* boot_info from the device tree: the aarch64/riscv64 counterpart of the
 * x86 PVH and Multiboot2 readers. */
#include <kern/boot_info.h>
#include <kern/dt.h>
#include <kern/dt_boot.h>
#include <kern/errno.h>
#include <kern/printf.h>
#include <kern/string.h>

static void add_ram(paddr_t base, uint64_t size, void *arg)
{
	boot_info_add_mem(base, size, BOOT_MEM_RAM);
}

static void add_reserved(paddr_t base, uint64_t size, void *arg)
{
	boot_info_reserve(base, size);
}

int dt_boot_info(const void *dtb, paddr_t dtb_pa, size_t max_size)
{
	int err = dt_check(dtb, max_size);
	if (err < 0) {
		kprintf("boot: the device tree at %#llx is malformed (error %d)\n",
			(unsigned long long)dtb_pa, err);
		return err;
	}
	boot_info.dtb = dtb_pa;
	boot_info_reserve(dtb_pa, dt_total_size(dtb));

	int nram = dt_memory(dtb, add_ram, NULL);
	if (nram <= 0) {
		kprintf("boot: the device tree has no usable memory node\n");
		return nram < 0 ? nram : -1;
	}
	if (dt_reserved(dtb, add_reserved, NULL) < 0)
		kprintf("boot: malformed reserved-memory description ignored\n");

	const char *bootargs = NULL;
	paddr_t initrd_start = 0, initrd_end = 0;
	if (dt_chosen(dtb, &bootargs, &initrd_start, &initrd_end) == K_EINVAL)
		kprintf("boot: malformed /chosen properties; using what could be read\n");
	if (bootargs)
		strlcpy(boot_info.cmdline, bootargs, sizeof(boot_info.cmdline));
	if (initrd_end > initrd_start) {
		boot_info_add_module(initrd_start, initrd_end - initrd_start, "initrd");
		boot_info_reserve(initrd_start, initrd_end - initrd_start);
	} else if (initrd_end || initrd_start) {
		kprintf("boot: ignoring an initrd that ends before it starts (%#llx..%#llx)\n",
			(unsigned long long)initrd_start, (unsigned long long)initrd_end);
	}
	return 0;
}
