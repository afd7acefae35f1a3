/* What the kernel's MIG client stubs (exc: exception_raise) send through:
 * a request in kernel form (ports are naked rights the stub copies),
 * sent to its destination with a fresh reply port made by the kernel,
 * and the reply received into the same buffer (at most rcv_size bytes). */
#ifndef KOBJ_COMPAT_IPC_MIG_H
#define KOBJ_COMPAT_IPC_MIG_H
#include <mach/message.h>
mach_msg_return_t mach_msg_rpc_from_kernel(mach_msg_header_t *msg, mach_msg_size_t send_size,
					   mach_msg_size_t rcv_size);
#endif
