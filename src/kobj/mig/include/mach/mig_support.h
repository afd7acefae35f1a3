/* What GNU Mach's kernel provides to its MIG stubs. */
#ifndef KOBJ_COMPAT_MIG_SUPPORT_H
#define KOBJ_COMPAT_MIG_SUPPORT_H
#include <mach/message.h>
/* Client stubs give back a reply port after a mismatched reply; the
 * kernel's reply ports live for one call only, so there is nothing to do. */
#define mig_dealloc_reply_port(port) ((void)(port))
#endif
