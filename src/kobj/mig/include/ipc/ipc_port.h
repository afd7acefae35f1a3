#ifndef KOBJ_COMPAT_IPC_PORT_H
#define KOBJ_COMPAT_IPC_PORT_H
#include <kern/ipc_kobject.h>
#endif
