#ifndef KOBJ_COMPAT_IPC_SPACE_H
#define KOBJ_COMPAT_IPC_SPACE_H
#include <kern/ipc_kobject.h>
/* A space is named by its task (machv keeps no separate space reference). */
typedef struct task *ipc_space_t;
ipc_space_t convert_port_to_space(ipc_port_t port);
void space_deallocate(ipc_space_t space);
#endif
