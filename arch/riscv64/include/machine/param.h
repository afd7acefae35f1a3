/* riscv64 memory layout and page size.
 *
 * The kernel runs with Sv48 when the hart has it and falls back to Sv39
 * (see boot/start.S), so every kernel address must also be valid in Sv39's
 * upper half, 0xffff_ffc0_0000_0000 .. top (256 GiB).  The layout lives
 * entirely there and is therefore the same under both modes:
 *
 *   0x0000_0000_0000_0000 .. (lower half)          user space (later issues)
 *   0xffff_ffc0_0000_0000 .. +128 GiB              direct map of RAM
 *   0xffff_ffe0_0000_0000 .. +64 GiB               ioremap window
 *   0xffff_fff0_0000_0000 .. 0xffff_ffff_7fff_ffff free
 *   0xffff_ffff_8000_0000 .. top                   kernel image (-2 GiB)
 *
 * Physical address pa is direct-mapped at DIRECT_MAP_BASE + pa, so RAM must
 * end below 128 GiB (QEMU's virt machine puts RAM at 2 GiB).  The image is
 * linked at KERNEL_VBASE and may be loaded at any 2 MiB-aligned physical
 * address: boot code maps KERNEL_VBASE onto wherever it finds itself and
 * sets kernel_va_offset (kern/kmap.h) accordingly. */
#ifndef MACHINE_PARAM_H
#define MACHINE_PARAM_H

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

#define KERNEL_VBASE     0xffffffff80000000UL
#define DIRECT_MAP_BASE  0xffffffc000000000UL
#define DIRECT_MAP_SIZE  (128UL << 30)
#define IOREMAP_BASE     0xffffffe000000000UL
#define IOREMAP_SIZE     (64UL << 30)

/* The boot page tables (boot/start.S) map physical 0..16 GiB into the
 * direct map with 1 GiB pages; the page allocator uses only that much
 * until kmap_init() is done. */
#define BOOT_DIRECT_MAP_GIB 16
#define BOOT_DIRECT_MAP_END ((unsigned long long)BOOT_DIRECT_MAP_GIB << 30)

#ifndef __ASSEMBLER__
#include <kern/types.h>
static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + DIRECT_MAP_BASE);
}
#endif

#endif
