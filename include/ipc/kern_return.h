/* Mach return codes used by the IPC core, with GNU Mach's numeric values
 * (mach/kern_return.h).  The ones the traps already use come from
 * kern/syscall.h; the rest are added here. */
#ifndef IPC_KERN_RETURN_H
#define IPC_KERN_RETURN_H

#include <kern/syscall.h>

typedef int kern_return_t;

#define KERN_PROTECTION_FAILURE 2
#define KERN_NOT_RECEIVER       7
#define KERN_NO_ACCESS          8
#define KERN_ALREADY_IN_SET     11
#define KERN_NOT_IN_SET         12
#define KERN_NAME_EXISTS        13
#define KERN_ABORTED            14
#define KERN_INVALID_NAME       15
#define KERN_INVALID_TASK       16
#define KERN_INVALID_RIGHT      17
#define KERN_INVALID_VALUE      18
#define KERN_UREFS_OVERFLOW     19
#define KERN_INVALID_CAPABILITY 20
#define KERN_RIGHT_EXISTS       21
#define KERN_INVALID_HOST       22
#define KERN_TERMINATED         26

#endif
