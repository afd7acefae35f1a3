#ifndef KOBJ_COMPAT_TASK_H
#define KOBJ_COMPAT_TASK_H
#include <mach/mach_types.h>
#include <kern/ipc_kobject.h>
typedef task_t *task_array_t;
typedef task_t vm_task_t;
typedef vm_offset_t *emulation_vector_t;
void task_deallocate(task_t task);
#endif
