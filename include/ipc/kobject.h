/* Kernel objects as ports: a message whose destination is a port with a
 * kernel object (port->kotype != IKOT_NONE) is not queued but handed to
 * the kernel's MIG-generated server stubs, and their reply is sent to the
 * request's reply right. */
#ifndef IPC_KOBJECT_H
#define IPC_KOBJECT_H

#include <ipc/kmsg.h>

/* Serve request (in transit form, destination a kernel-object port): the
 * request is consumed whatever happens; a reply, if the routine makes
 * one, is queued on the reply right. */
void ipc_kobject_server(struct ipc_kmsg *request);

#endif
