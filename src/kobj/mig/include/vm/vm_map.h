#ifndef KOBJ_COMPAT_VM_MAP_H
#define KOBJ_COMPAT_VM_MAP_H
#include <kern/ipc_kobject.h>
/* A map is named by its task (machv's maps live in their tasks). */
typedef struct task *vm_map_t;
void vm_map_deallocate(vm_map_t map);
#endif
