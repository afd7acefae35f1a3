/* The IPC traps: mach_msg (-25), mach_reply_port (-26), the self ports
 * (-27..-29), and the kernel-object ports of tasks, threads and the host.
 *
 * Kernel objects have no servers yet: a message sent to one of their
 * ports is answered with a MIG_BAD_ID reply (if it has a reply port) and
 * destroyed. */
#ifndef IPC_MACH_MSG_H
#define IPC_MACH_MSG_H

#include <ipc/kmsg.h>

struct task;
struct thread;

#define MIG_BAD_ID (-303)

struct vm_map;

/* Where a mach_msg buffer lives: user memory of the current task, or a
 * kernel buffer (self-tests).  map is the address space out-of-line
 * regions are read from and allocated in: NULL means the current task's
 * (a user buffer); a kernel buffer with no map may carry no out-of-line
 * data (MACH_SEND_INVALID_MEMORY / MACH_RCV_BODY_ERROR|MACH_MSG_VM_SPACE). */
struct ipc_msg_buf {
	bool user;
	uintptr_t addr;
	struct vm_map *map;
};

/* mach_msg on space with GNU Mach's arguments (timeout in ms). */
mach_msg_return_t ipc_mach_msg(struct ipc_space *space, struct ipc_msg_buf buf,
			       mach_msg_option_t option, uint32_t send_size, uint32_t rcv_size,
			       mach_port_name_t rcv_name, uint32_t timeout_ms,
			       mach_port_name_t notify);

/* A task's IPC state: its space and kernel port.  K_ENOMEM if out of
 * memory (nothing is left allocated then). */
int ipc_task_init(struct task *task);
/* The task is gone: its space (every right in it) and its port die. */
void ipc_task_terminate(struct task *task);
/* The thread is ending: its port dies. */
void ipc_thread_terminate(struct thread *thread);

/* A new send right for the kernel-object port named in the caller's
 * space: MACH_PORT_NULL when out of room or memory (as GNU Mach). */
mach_port_name_t ipc_task_self(struct task *task);
mach_port_name_t ipc_thread_self(struct thread *thread);
mach_port_name_t ipc_host_self(struct task *task);
/* The privileged host port and the device master: what boot modules get
 * for ${host-port} and ${device-port}. */
mach_port_name_t ipc_host_priv_self(struct task *task);
mach_port_name_t ipc_device_master_self(struct task *task);
/* The ports themselves (NULL before the first task exists). */
struct ipc_port *ipc_host_port(void);
struct ipc_port *ipc_host_priv_port(void);
struct ipc_port *ipc_device_master_port(void);
/* The thread's kernel-object port, made on first use (NULL if out of
 * memory). */
struct ipc_port *ipc_thread_port(struct thread *thread);
/* mach_reply_port: a new receive right, or MACH_PORT_NULL. */
mach_port_name_t ipc_reply_port(struct task *task);

/* The task whose port space names with a send right, or NULL. */
struct task *ipc_task_of_name(struct ipc_space *space, mach_port_name_t name);

#endif
