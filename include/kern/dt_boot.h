/* Filling boot_info from a device tree (aarch64, riscv64). */
#ifndef KERN_DT_BOOT_H
#define KERN_DT_BOOT_H

#include <kern/types.h>

/* Validate the tree (at most max_size readable bytes at dtb, physical
 * address dtb_pa) and copy into boot_info: RAM from the memory nodes;
 * reserved ranges for the tree itself, the memreserve block,
 * /reserved-memory and the initrd; the command line from /chosen bootargs;
 * the initrd as module 0; boot_info.dtb.  Returns 0, or a negative K_E* if
 * the tree is unusable (the caller panics: there is no memory map without
 * it). */
int dt_boot_info(const void *dtb, paddr_t dtb_pa, size_t max_size);

#endif
