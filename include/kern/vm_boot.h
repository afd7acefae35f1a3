/* Bringing up physical memory at boot (src/vm/vm_boot.c). */
#ifndef KERN_VM_BOOT_H
#define KERN_VM_BOOT_H

#include <kern/types.h>

/* Start the page allocator over boot_info's RAM minus its reserved ranges,
 * but only for frames below limit (what the boot page tables map). */
void vm_boot_init(paddr_t limit);
/* Free the RAM at or above the earlier limit, once the direct map covers it. */
void vm_boot_add_high(void);
/* Highest RAM address + 1, from boot_info. */
paddr_t vm_boot_ram_end(void);

#endif
