/* x86_64 memory layout and page size.
 *
 *   0x0000_0000_0000_0000 .. 0x0000_7fff_ffff_ffff   user space (later issues)
 *   0xffff_8000_0000_0000 .. +64 TiB                 direct map of RAM
 *   0xffff_c000_0000_0000 .. +512 GiB                ioremap window (uncached):
 *                                                    one PML4 entry, so every
 *                                                    user root shares it
 *   0xffff_ffff_8000_0000 .. top                     kernel image (-2 GiB)
 *
 * The image is loaded at physical KERNEL_PHYS and linked at
 * KERNEL_VBASE + KERNEL_PHYS, so "code model kernel" addressing works. */
#ifndef MACHINE_PARAM_H
#define MACHINE_PARAM_H

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

/* host_info's cpu_type: CPU_TYPE_X86_64 (GNU Mach's mach/machine.h). */
#define MACHINE_CPU_TYPE 21

#define KERNEL_PHYS      0x200000UL
#define KERNEL_VBASE     0xffffffff80000000UL
#define DIRECT_MAP_BASE  0xffff800000000000UL
#define DIRECT_MAP_SIZE  (64UL << 40)
#define IOREMAP_BASE     0xffffc00000000000UL
#define IOREMAP_SIZE     (1UL << 39)

/* The boot page tables (boot/start.S) map physical 0..4 GiB in the direct
 * map; the page allocator uses only that much until kmap_init() is done. */
#define BOOT_DIRECT_MAP_END (1ULL << 32)

/* User space: [USER_BASE, USER_END).  The first 64 KiB stay unmapped so
 * that NULL-ish pointers fault. */
#define USER_BASE 0x10000UL
#define USER_END  0x0000800000000000UL

#ifndef __ASSEMBLER__
#include <kern/types.h>
static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + DIRECT_MAP_BASE);
}
#endif

#endif
