/* mach_debug/slab_info.h wants <sys/types.h>; it uses nothing from it
 * that <stddef.h> and <stdint.h> do not give. */
#ifndef GM_SYS_TYPES_H
#define GM_SYS_TYPES_H
#include <stddef.h>
#include <stdint.h>
#endif
