/* The kernel address space (src/vm/kmap.c): direct map, W^X image,
 * ioremap window.  virt_to_phys() and ioremap() are declared in kern/arch.h
 * with the rest of the memory interface. */
#ifndef KERN_KMAP_H
#define KERN_KMAP_H

#include <kern/types.h>

/* va - pa for the kernel image.  KERNEL_VBASE when the image is linked at
 * KERNEL_VBASE + its physical address (x86_64); an arch whose loader picks
 * the load address sets it before kmain(). */
extern vaddr_t kernel_va_offset;

/* Build the kernel's page tables from boot_info and switch to them. */
void kmap_init(void);

#endif
