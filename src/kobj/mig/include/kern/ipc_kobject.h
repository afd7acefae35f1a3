/* Kernel objects for GNU Mach's MIG server stubs (MIG world): machv's
 * objects are opaque here; the stubs only pass pointers to them. */
#ifndef KOBJ_COMPAT_IPC_KOBJECT_H
#define KOBJ_COMPAT_IPC_KOBJECT_H
#include <mach/port.h>
typedef struct ipc_port *ipc_port_t;
#define IP_NULL ((ipc_port_t)0)
#define IP_DEAD ((ipc_port_t)-1)
#define IP_VALID(port) ((port) != IP_NULL && (port) != IP_DEAD)
/* The stubs convert user-sized values with these; LP64 needs nothing. */
#define null_conversion(x) (x)
/* String-typed results are measured with the kernel's strlen. */
__SIZE_TYPE__ strlen(const char *s);
/* Drop a naked send right (machv's ipc_port_release_send). */
void ipc_port_release_send(ipc_port_t port);
/* Would sending port's receive right to dest make a loop of receive
 * rights in transit? */
_Bool ipc_port_check_circularity(ipc_port_t port, ipc_port_t dest);
#endif
