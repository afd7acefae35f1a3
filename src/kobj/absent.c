/* Kernel objects machv does not have (yet): processors (one CPU, no
 * processor objects) and memory objects (no external pagers); the
 * processor set is src/kobj/pset_server.c's, devices are
 * src/kobj/device_server.c's.  Their conversions find nothing, so
 * every routine on them answers as GNU Mach does for a port of the
 * wrong kind (KERN_INVALID_ARGUMENT and the like, from the routine's weak
 * default: MIG_BAD_ID). */
#include <kern/types.h>

struct ipc_port;
struct processor;
struct vm_object;

struct processor *convert_port_to_processor(struct ipc_port *port);
struct vm_object *vm_object_lookup(struct ipc_port *port);
struct vm_object *vm_object_lookup_name(struct ipc_port *port);
void vm_object_deallocate(struct vm_object *object);

struct processor *convert_port_to_processor(struct ipc_port *port) { return NULL; }
struct vm_object *vm_object_lookup(struct ipc_port *port) { return NULL; }
struct vm_object *vm_object_lookup_name(struct ipc_port *port) { return NULL; }
void vm_object_deallocate(struct vm_object *object) { }
