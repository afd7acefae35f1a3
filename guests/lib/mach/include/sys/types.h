/* GNU Mach's mach_debug/slab_info.h includes <sys/types.h> (from a C
 * library) but uses only Mach's own types: a freestanding program has
 * nothing more to offer it than the sizes below. */
#ifndef MACHV_SYS_TYPES_H
#define MACHV_SYS_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef long ssize_t;

#endif
