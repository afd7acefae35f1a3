/* riscv64 memory layout and page size.
 *
 * The kernel runs with Sv48 when the hart has it and falls back to Sv39
 * (see boot/start.S), so every kernel address must also be valid in Sv39's
 * upper half, 0xffff_ffc0_0000_0000 .. top (256 GiB).  The layout lives
 * entirely there and is therefore the same under both modes:
 *
 *   0x0000_0000_0001_0000 .. 0x0000_003f_ffff_ffff user space (USER_BASE..)
 *   0xffff_ffc0_0000_0000 .. +128 GiB              direct map of RAM
 *   0xffff_ffe0_0000_0000 .. +1 GiB                ioremap window
 *   0xffff_ffe0_4000_0000 .. 0xffff_ffff_7fff_ffff free
 *   0xffff_ffff_8000_0000 .. top                   kernel image (-2 GiB)
 *
 * Physical address pa is direct-mapped at DIRECT_MAP_BASE + pa, so RAM must
 * end below 128 GiB (QEMU's virt machine puts RAM at 2 GiB).  The image is
 * linked at KERNEL_VBASE and may be loaded at any 2 MiB-aligned physical
 * address: boot code maps KERNEL_VBASE onto wherever it finds itself and
 * sets kernel_va_offset (kern/kmap.h) accordingly.
 *
 * The ioremap window is one Sv39 root entry (1 GiB) so that the kernel's
 * half of the root can be complete before the first user root copies it
 * (address_space.c): the first half is ioremap()'s, the second left free
 * for tests, as on every arch. */
#ifndef MACHINE_PARAM_H
#define MACHINE_PARAM_H

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

/* host_info's cpu_type: machv's own value: GNU Mach defines no RISC-V cpu type. */
#define MACHINE_CPU_TYPE 24

#define KERNEL_VBASE     0xffffffff80000000UL
#define DIRECT_MAP_BASE  0xffffffc000000000UL
#define DIRECT_MAP_SIZE  (128UL << 30)
#define IOREMAP_BASE     0xffffffe000000000UL
#define IOREMAP_SIZE     (1UL << 30)

/* The boot page tables (boot/start.S) map physical 0..16 GiB into the
 * direct map with 1 GiB pages; the page allocator uses only that much
 * until kmap_init() is done. */
#define BOOT_DIRECT_MAP_GIB 16
#define BOOT_DIRECT_MAP_END ((unsigned long long)BOOT_DIRECT_MAP_GIB << 30)

/* User space: [USER_BASE, USER_END), the lower half of Sv39 so that the
 * same limit holds whether the hart runs Sv48 or falls back to Sv39.  The
 * first 64 KiB stay unmapped so that NULL-ish pointers fault. */
#define USER_BASE 0x10000UL
#define USER_END  0x0000004000000000UL

#ifndef __ASSEMBLER__
#include <kern/types.h>
static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + DIRECT_MAP_BASE);
}
#endif

#endif
