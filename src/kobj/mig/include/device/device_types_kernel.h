/* Devices for GNU Mach's device.defs stubs (MIG world). */
#ifndef KOBJ_COMPAT_DEVICE_TYPES_KERNEL_H
#define KOBJ_COMPAT_DEVICE_TYPES_KERNEL_H
#include <kern/ipc_kobject.h>
typedef struct device *device_t;
device_t dev_port_lookup(ipc_port_t port);
ipc_port_t convert_device_to_port(device_t device);
void device_deallocate(device_t device);
#endif
