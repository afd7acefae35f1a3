#ifndef KOBJ_COMPAT_IPC_TYPES_H
#define KOBJ_COMPAT_IPC_TYPES_H
#include <kern/ipc_kobject.h>
#endif
