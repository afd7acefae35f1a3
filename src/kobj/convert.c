/* From ports to the kernel objects they stand for, and back: what GNU
 * Mach's MIG stubs call around every routine (src/kobj/routines.h).
 *
 * A conversion looks at the port with interrupts disabled (the IPC
 * core's rule) and takes a reference on the object, so the object stays
 * while the routine runs even if its port dies meanwhile. */
#include <ipc/mach_msg.h>
#include <ipc/port.h>
#include <kern/arch.h>
#include "routines.h"

static struct host host_object = { .priv = false };
static struct host host_priv_object = { .priv = true };

static bool port_is(const struct ipc_port *port, enum ipc_kobject_type kotype)
{
	return IPC_PORT_VALID(port) && port->active && port->kotype == kotype;
}

/* The object of a live port of type kotype, or NULL. */
static void *port_object(struct ipc_port *port, enum ipc_kobject_type kotype)
{
	return port_is(port, kotype) ? port->kobject : NULL;
}

struct task *convert_port_to_task(struct ipc_port *port)
{
	irqflags_t f = arch_irq_save();
	struct task *task = port_object(port, IKOT_TASK);
	if (task)
		task_reference(task);
	arch_irq_restore(f);
	return task;
}

/* A space and a map are named by their task (see routines.h). */
struct task *convert_port_to_space(struct ipc_port *port)
{
	return convert_port_to_task(port);
}

struct task *convert_port_to_map(struct ipc_port *port)
{
	return convert_port_to_task(port);
}

void space_deallocate(struct task *task)
{
	task_deallocate(task);
}

void vm_map_deallocate(struct task *task)
{
	task_deallocate(task);
}

struct thread *convert_port_to_thread(struct ipc_port *port)
{
	irqflags_t f = arch_irq_save();
	struct thread *thread = port_object(port, IKOT_THREAD);
	if (thread)
		thread_reference(thread);
	arch_irq_restore(f);
	return thread;
}

/* The host is one static object; host-priv is the same host reached
 * through its privileged port. */
struct host *convert_port_to_host(struct ipc_port *port)
{
	irqflags_t f = arch_irq_save();
	struct host *host = port_is(port, IKOT_HOST) ? &host_object
			  : port_is(port, IKOT_HOST_PRIV) ? &host_priv_object : NULL;
	arch_irq_restore(f);
	return host;
}

struct host *kobj_host(bool priv)
{
	return priv ? &host_priv_object : &host_object;
}

struct host *convert_port_to_host_priv(struct ipc_port *port)
{
	struct host *host = convert_port_to_host(port);
	return host && host->priv ? host : NULL;
}

/* A naked send right to port (a new one), or NULL. */
static struct ipc_port *make_send(struct ipc_port *port)
{
	if (port == NULL)
		return NULL;
	irqflags_t f = arch_irq_save();
	struct ipc_port *right = port->active ? ipc_port_make_send(port) : NULL;
	arch_irq_restore(f);
	return right;
}

struct ipc_port *convert_task_to_port(struct task *task)
{
	if (task == NULL)
		return NULL;
	struct ipc_port *port = make_send(task->itk_self);
	task_deallocate(task);
	return port;
}

struct ipc_port *convert_thread_to_port(struct thread *thread)
{
	if (thread == NULL)
		return NULL;
	struct ipc_port *port = make_send(ipc_thread_port(thread));
	thread_deallocate(thread);
	return port;
}

struct ipc_port *convert_host_to_port(struct host *host)
{
	if (host == NULL)
		return NULL;
	return make_send(host->priv ? ipc_host_priv_port() : ipc_host_port());
}
