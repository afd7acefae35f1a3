#ifndef KOBJ_COMPAT_VM_OBJECT_H
#define KOBJ_COMPAT_VM_OBJECT_H
#include <kern/ipc_kobject.h>
/* No memory objects in machv yet: every conversion gives NULL. */
typedef struct vm_object *vm_object_t;
vm_object_t vm_object_lookup(ipc_port_t port);
vm_object_t vm_object_lookup_name(ipc_port_t port);
void vm_object_deallocate(vm_object_t object);
#endif
