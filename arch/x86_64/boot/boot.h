/* The x86_64 boot-information readers (arch/x86_64/boot/). */
#ifndef X86_BOOT_H
#define X86_BOOT_H

#include <kern/types.h>

/* Fill boot_info from the loader's structure; 0 on success, -1 if the
 * structure is not what the magic promised. */
int pvh_parse(paddr_t info_pa);
int multiboot2_parse(paddr_t info_pa);

#endif
