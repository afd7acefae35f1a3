#ifndef KOBJ_COMPAT_HOST_H
#define KOBJ_COMPAT_HOST_H
#include <kern/ipc_kobject.h>
typedef struct host *host_t;
typedef host_t host_priv_t;
#endif
