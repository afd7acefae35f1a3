/* Kernel-object ports of tasks, threads and the host, and the self traps
 * that give a task send rights to them (GNU Mach's ipc_tt.c in spirit).
 * The kernel holds their receive rights outside any space (receiver
 * NULL); ipc/mach_msg.c answers the messages they get. */
#include <ipc/mach_msg.h>
#include <ipc/mqueue.h>
#include <ipc/right.h>
#include <kern/arch.h>
#include <kern/errno.h>
#include <kern/task.h>

/* The host's two ports (host: information; host-priv: control) and the
 * device master, made on first use and never destroyed. */
static struct ipc_port *host_port;
static struct ipc_port *host_priv_port;
static struct ipc_port *device_master_port;

static struct ipc_port *kobject_port(enum ipc_kobject_type type, void *object)
{
	struct ipc_port *port = ipc_port_alloc();
	if (port)
		ipc_port_set_kobject(port, type, object);
	return port;
}

/* The kernel's own reference goes with the port's death. */
static void kobject_port_destroy(struct ipc_port *port)
{
	if (port == NULL)
		return;
	ipc_port_destroy(port);
	ipc_port_release(port);
}

int ipc_task_init(struct task *task)
{
	ipc_mqueue_init();
	irqflags_t f = arch_irq_save();
	if (host_port == NULL)
		host_port = kobject_port(IKOT_HOST, NULL);
	if (host_priv_port == NULL)
		host_priv_port = kobject_port(IKOT_HOST_PRIV, NULL);
	if (device_master_port == NULL)
		device_master_port = kobject_port(IKOT_DEVICE_MASTER, NULL);
	arch_irq_restore(f);

	task->itk_space = ipc_space_create();
	task->itk_self = kobject_port(IKOT_TASK, task);
	if (task->itk_space == NULL || task->itk_self == NULL || host_port == NULL ||
	    host_priv_port == NULL || device_master_port == NULL) {
		if (task->itk_space)
			ipc_space_destroy(task->itk_space);
		kobject_port_destroy(task->itk_self);
		task->itk_space = NULL;
		task->itk_self = NULL;
		return K_ENOMEM;
	}
	/* What mach_task_self names until task_set_special_port changes it. */
	f = arch_irq_save();
	task->itk_sself = ipc_port_make_send(task->itk_self);
	arch_irq_restore(f);
	return K_OK;
}

void ipc_task_terminate(struct task *task)
{
	irqflags_t f = arch_irq_save();
	struct ipc_space *space = task->itk_space;
	struct ipc_port *self = task->itk_self, *sself = task->itk_sself;
	task->itk_space = NULL;
	task->itk_self = NULL;
	task->itk_sself = NULL;
	if (IPC_PORT_VALID(sself))
		ipc_port_release_send(sself);
	kobject_port_destroy(self);
	if (space)
		ipc_space_destroy(space);
	arch_irq_restore(f);
}

void ipc_thread_terminate(struct thread *thread)
{
	irqflags_t f = arch_irq_save();
	struct ipc_port *port = thread->ith_self;
	thread->ith_self = NULL;
	kobject_port_destroy(port);
	arch_irq_restore(f);
}

/* A new send right to port, named in space. */
static mach_port_name_t send_right_name(struct ipc_space *space, struct ipc_port *port)
{
	if (space == NULL || port == NULL)
		return MACH_PORT_NULL;
	mach_port_name_t name;
	irqflags_t f = arch_irq_save();
	ipc_port_make_send(port);
	if (ipc_right_copyout(space, port, MACH_MSG_TYPE_PORT_SEND, true, &name) != KERN_SUCCESS) {
		ipc_port_release_send(port);
		name = MACH_PORT_NULL;
	}
	arch_irq_restore(f);
	return name;
}

mach_port_name_t ipc_task_self(struct task *task)
{
	if (task == NULL)
		return MACH_PORT_NULL;
	/* itk_sself is a send right the kernel holds (task_set_special_port
	 * may have replaced the task's own port with any other): copy it. */
	irqflags_t f = arch_irq_save();
	struct ipc_port *port = task->itk_sself;
	mach_port_name_t name = MACH_PORT_NULL;
	if (IPC_PORT_VALID(port) && task->itk_space) {
		ipc_port_copy_send(port);
		if (ipc_right_copyout(task->itk_space, port, MACH_MSG_TYPE_PORT_SEND, true,
				      &name) != KERN_SUCCESS) {
			ipc_port_release_send(port);
			name = MACH_PORT_NULL;
		}
	}
	arch_irq_restore(f);
	return name;
}

mach_port_name_t ipc_host_self(struct task *task)
{
	return task ? send_right_name(task->itk_space, host_port) : MACH_PORT_NULL;
}

mach_port_name_t ipc_host_priv_self(struct task *task)
{
	return task ? send_right_name(task->itk_space, host_priv_port) : MACH_PORT_NULL;
}

mach_port_name_t ipc_device_master_self(struct task *task)
{
	return task ? send_right_name(task->itk_space, device_master_port) : MACH_PORT_NULL;
}

struct ipc_port *ipc_host_port(void)
{
	return host_port;
}

struct ipc_port *ipc_host_priv_port(void)
{
	return host_priv_port;
}

struct ipc_port *ipc_device_master_port(void)
{
	return device_master_port;
}

struct ipc_port *ipc_thread_port(struct thread *thread)
{
	/* A thread that has left its task gets no new port (it would leak). */
	if (thread->ith_self == NULL && thread->task == NULL)
		return NULL;
	if (thread->ith_self == NULL) {
		struct ipc_port *port = kobject_port(IKOT_THREAD, thread);
		if (port == NULL)
			return NULL;
		irqflags_t f = arch_irq_save();
		if (thread->ith_self == NULL)
			thread->ith_self = port;
		else
			kobject_port_destroy(port);
		arch_irq_restore(f);
	}
	return thread->ith_self;
}

mach_port_name_t ipc_thread_self(struct thread *thread)
{
	struct task *task = thread->task;
	if (task == NULL)
		return MACH_PORT_NULL;
	return send_right_name(task->itk_space, ipc_thread_port(thread));
}

mach_port_name_t ipc_reply_port(struct task *task)
{
	if (task == NULL || task->itk_space == NULL)
		return MACH_PORT_NULL;
	mach_port_name_t name;
	irqflags_t f = arch_irq_save();
	if (ipc_space_allocate(task->itk_space, MACH_PORT_RIGHT_RECEIVE, &name) != KERN_SUCCESS)
		name = MACH_PORT_NULL;
	arch_irq_restore(f);
	return name;
}

struct task *ipc_task_of_name(struct ipc_space *space, mach_port_name_t name)
{
	if (space == NULL)
		return NULL;
	irqflags_t f = arch_irq_save();
	struct ipc_entry *e = ipc_entry_lookup(space, name);
	struct task *task = NULL;
	if (e && (IE_BITS_TYPE(e->bits) & MACH_PORT_TYPE_SEND) && e->object &&
	    e->object->kind == IPC_OBJ_PORT) {
		struct ipc_port *port = (struct ipc_port *)e->object;
		if (port->active && port->kotype == IKOT_TASK)
			task = port->kobject;
	}
	arch_irq_restore(f);
	return task;
}
