/* The run-time support MIG's generated stubs call (glibc provides this
 * header on the Hurd; GNU Mach's own headers do not).  machv's version is
 * guests/lib/mach/mig_support.c.
 *
 * The reply port is per thread: a stub takes it with mig_get_reply_port(),
 * hands it back with mig_put_reply_port() after a clean exchange, and calls
 * mig_dealloc_reply_port() when the exchange failed half-way (a late reply
 * could still arrive on it), which destroys it so that the next call makes
 * a fresh one. */
#ifndef MACHV_MACH_MIG_SUPPORT_H
#define MACHV_MACH_MIG_SUPPORT_H

#include <mach/port.h>
#include <mach/message.h>
#include <mach/machine/vm_types.h>

mach_port_t mig_get_reply_port(void);
void mig_put_reply_port(mach_port_t port);
void mig_dealloc_reply_port(mach_port_t port);

/* Memory for out-of-line arrays a stub returns to its caller. */
void mig_allocate(vm_offset_t *addr, vm_size_t size);
void mig_deallocate(vm_offset_t addr, vm_size_t size);

/* Copy at most len bytes of src, always NUL-terminated when len > 0;
 * returns the bytes copied including the NUL (a MIG string's count). */
vm_size_t mig_strncpy(char *dst, const char *src, vm_size_t len);

#endif
