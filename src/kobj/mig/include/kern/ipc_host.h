#ifndef KOBJ_COMPAT_IPC_HOST_H
#define KOBJ_COMPAT_IPC_HOST_H
#include <kern/host.h>
#include <kern/processor.h>
host_t convert_port_to_host(ipc_port_t port);
host_t convert_port_to_host_priv(ipc_port_t port);
ipc_port_t convert_host_to_port(host_t host);
processor_t convert_port_to_processor(ipc_port_t port);
processor_set_t convert_port_to_pset(ipc_port_t port);
processor_set_t convert_port_to_pset_name(ipc_port_t port);
ipc_port_t convert_pset_to_port(processor_set_t pset);
ipc_port_t convert_pset_name_to_port(processor_set_t pset);
void pset_deallocate(processor_set_t pset);
#endif
