/* The name service: how machv's user-space servers find each other.
 *
 * init (the bootstrap task) serves it.  Every task init or its
 * descendants start has the name service's port as its bootstrap port
 * (task_get_special_port(mach_task_self(), TASK_BOOTSTRAP_PORT, &p)); a
 * server registers a send right under a name, a client looks the name up
 * and gets its own send right.  Names are at most NS_NAME_MAX - 1 bytes,
 * NUL-terminated; the ones in use:
 *   "fs/"       the root file server (the initrd, guests/programs/cpiofs.c)
 *   "fs/disk"   the ext2 file server of the first disk, mounted at /disk
 *
 * The protocol is two requests, hand-built typed messages in GNU Mach's
 * LP64 layout (no MIG stubs), each answered on the request's reply port
 * (MAKE_SEND_ONCE of a reply port; msgh_id + 100 on the reply):
 *
 *   NS_REGISTER  body: [CHAR x NS_NAME_MAX, inline] name,
 *                      [COPY_SEND or MOVE_SEND, 64 bits, inline] port
 *                reply: [INTEGER_32] kern_return_t
 *                       (KERN_NAME_EXISTS if taken; KERN_INVALID_ARGUMENT
 *                       for an empty or unterminated name)
 *   NS_LOOKUP    body: [CHAR x NS_NAME_MAX, inline] name
 *                reply: [INTEGER_32] kern_return_t, then on success
 *                       [MOVE_SEND, 64 bits, inline] a send right
 *                       (KERN_INVALID_NAME if nothing is registered)
 *
 * A registered port whose server dies is forgotten (init asks for a
 * dead-name notification on every registered right).
 *
 * Also: NS_REGISTER of a null or dead port is KERN_INVALID_ARGUMENT, and
 * KERN_NO_SPACE when init's table (64 names) is full; a request id the
 * service does not know is answered MIG_BAD_ID.  The message structs are
 * in guests/lib/mach/include/ns_proto.h; the client functions return
 * KERN_INVALID_ARGUMENT for a bad name before sending anything, and
 * KERN_INVALID_CAPABILITY when the task has no bootstrap port. */
#ifndef MACHV_NAMES_H
#define MACHV_NAMES_H

#include <mach/kern_return.h>
#include <mach/port.h>

#define NS_NAME_MAX  64
#define NS_REGISTER  0x6e730001   /* "ns" 1 */
#define NS_LOOKUP    0x6e730002

/* The client side (guests/lib/mach/names.c), over the caller's bootstrap
 * port.  ns_register copies a send right of port to the service. */
kern_return_t ns_register(const char *name, mach_port_t port);
kern_return_t ns_lookup(const char *name, mach_port_t *port);

#endif
