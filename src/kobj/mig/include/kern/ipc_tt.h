#ifndef KOBJ_COMPAT_IPC_TT_H
#define KOBJ_COMPAT_IPC_TT_H
#include <kern/task.h>
#include <kern/thread.h>
#include <vm/vm_map.h>
task_t convert_port_to_task(ipc_port_t port);
thread_t convert_port_to_thread(ipc_port_t port);
vm_map_t convert_port_to_map(ipc_port_t port);
ipc_port_t convert_task_to_port(task_t task);
ipc_port_t convert_thread_to_port(thread_t thread);
#endif
