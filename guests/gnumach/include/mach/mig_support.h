/* What MIG's user stubs call (on the Hurd glibc supplies it); this
 * program's own versions are in guests/gnumach/runtime.c. */
#ifndef GM_MIG_SUPPORT_H
#define GM_MIG_SUPPORT_H

#include <mach/port.h>
#include <mach/message.h>
#include <mach/machine/vm_types.h>

mach_port_t mig_get_reply_port(void);
void mig_put_reply_port(mach_port_t port);
void mig_dealloc_reply_port(mach_port_t port);
void mig_allocate(vm_offset_t *addr, vm_size_t size);
void mig_deallocate(vm_offset_t addr, vm_size_t size);
vm_size_t mig_strncpy(char *dst, const char *src, vm_size_t len);

#endif
