/* aarch64 memory layout and page size: 4 KiB granule, 48-bit virtual
 * addresses (TCR T0SZ = T1SZ = 16).  The kernel lives in the TTBR1 half,
 * with the same layout as x86_64:
 *
 *   0x0000_0000_0000_0000 .. 0x0000_ffff_ffff_ffff   TTBR0: user space (later
 *                                                    issues); walks disabled
 *   0xffff_8000_0000_0000 .. +64 TiB                 direct map of RAM
 *   0xffff_c000_0000_0000 .. +1 TiB                  ioremap window (device)
 *   0xffff_ffff_8000_0000 .. +1 GiB                  kernel image
 *   0xffff_ffff_bfe0_0000 .. +2 MiB                  fixmap: the early UART
 *
 * The image is linked at KERNEL_VBASE and loaded wherever the loader likes
 * (2 MiB aligned, the Image header says so); boot/head.S sets
 * kernel_va_offset (kern/kmap.h) to KERNEL_VBASE - load address. */
#ifndef MACHINE_PARAM_H
#define MACHINE_PARAM_H

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

/* host_info's cpu_type: CPU_TYPE_ARM64 (GNU Mach's mach/machine.h). */
#define MACHINE_CPU_TYPE 22

#define KERNEL_VBASE     0xffffffff80000000UL
#define KERNEL_IMAGE_MAX (1UL << 30)     /* what the boot tables can map */
#define DIRECT_MAP_BASE  0xffff800000000000UL
#define DIRECT_MAP_SIZE  (64UL << 40)
#define IOREMAP_BASE     0xffffc00000000000UL
#define IOREMAP_SIZE     (1UL << 40)
/* The last 2 MiB of the kernel image's gigabyte: one slot for the early
 * console's registers, mapped before the kernel's page tables exist and
 * kept at the same address in them. */
#define FIXMAP_BASE      (KERNEL_VBASE + KERNEL_IMAGE_MAX - (2UL << 20))

/* The boot page tables (boot/head.S, extended by boot/aarch64_boot.c from
 * the device tree) map every gigabyte of RAM below 512 GiB in the direct
 * map; the page allocator uses only that much until kmap_init() is done. */
#define BOOT_DIRECT_MAP_END (512ULL << 30)

/* User space, in TTBR0 (48-bit): [USER_BASE, USER_END).  The first 64 KiB
 * stay unmapped so that NULL-ish pointers fault. */
#define USER_BASE 0x10000UL
#define USER_END  0x0001000000000000UL

#ifndef __ASSEMBLER__
#include <kern/types.h>
static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + DIRECT_MAP_BASE);
}
#endif

#endif
