/* Exception delivery (kern/exception.h): the faulting thread asks its own
 * exception port, then its task's, through the exc.defs client stub, and
 * the first handler that answers KERN_SUCCESS lets it go on. */
#include <ipc/mach_msg.h>
#include <kern/arch.h>
#include <kern/exception.h>
#include <kern/task.h>

/* The threads waiting for a handler's answer, each with a node on its
 * own stack. */
struct exc_waiter {
	struct list link;
	const struct thread *thread;
};
static struct list waiters = LIST_INIT(waiters);

bool exception_waiting(const struct thread *t)
{
	bool found = false;
	irqflags_t f = arch_irq_save();
	list_foreach(it, &waiters) {
		if (list_entry(it, struct exc_waiter, link)->thread == t) {
			found = true;
			break;
		}
	}
	arch_irq_restore(f);
	return found;
}

/* A send right made from a kernel-object port the kernel receives on
 * (NULL stays NULL), and its release. */
static struct ipc_port *make_send(struct ipc_port *port)
{
	if (port == NULL)
		return NULL;
	irqflags_t f = arch_irq_save();
	ipc_port_make_send(port);
	arch_irq_restore(f);
	return port;
}

static void release_port(struct ipc_port *port)
{
	if (port == NULL)
		return;
	irqflags_t f = arch_irq_save();
	ipc_port_release_send(port);
	arch_irq_restore(f);
}

/* exception_raise, with self on the waiters' list meanwhile.  The stub
 * copies send rights to the thread and task ports from ones made here,
 * as GNU Mach makes them (convert_thread_to_port). */
static kern_return_t raise_waiting(struct thread *self, struct ipc_port *port, int exception,
				   int code, uint64_t subcode)
{
	struct ipc_port *thread_port = make_send(ipc_thread_port(self));
	struct ipc_port *task_port = make_send(self->task->itk_self);
	struct exc_waiter w = { .thread = self };
	irqflags_t f = arch_irq_save();
	list_push_back(&waiters, &w.link);
	arch_irq_restore(f);
	kern_return_t kr = exception_raise(port, thread_port, task_port, exception, code,
					   (uintptr_t)subcode);
	f = arch_irq_save();
	list_remove(&w.link);
	arch_irq_restore(f);
	release_port(thread_port);
	release_port(task_port);
	return kr;
}

/* A send right of our own to the port in *slot, or NULL (none, or a dead
 * one): the handler may replace or drop that port while we wait. */
static struct ipc_port *hold_port(struct ipc_port *const *slot)
{
	irqflags_t f = arch_irq_save();
	struct ipc_port *port = *slot;
	if (IPC_PORT_VALID(port) && port->active)
		ipc_port_copy_send(port);
	else
		port = NULL;
	arch_irq_restore(f);
	return port;
}

/* The thread cannot wait for a handler any more: it is on its way out
 * (thread_terminate, task_terminate) or was aborted. */
static bool interrupted(kern_return_t kr)
{
	return kr == MACH_SEND_INTERRUPTED || kr == MACH_RCV_INTERRUPTED;
}

static bool ending(const struct thread *self)
{
	return self->task->exiting || self->terminating;
}

bool exception_raise_user(int exception, int code, uint64_t subcode, const char *reason)
{
	struct thread *self = thread_current();
	struct task *task = self->task;
	struct ipc_port *const *ports[] = { &self->ith_exception, &task->itk_exception };

	for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
		/* Ending anyway: no handler is asked, no second line. */
		if (ending(self))
			return false;
		struct ipc_port *port = hold_port(ports[i]);
		if (port == NULL)
			continue;
		kern_return_t kr = raise_waiting(self, port, exception, code, subcode);
		release_port(port);
		/* A handler may have terminated the thread before answering. */
		if (kr == KERN_SUCCESS || interrupted(kr))
			return !ending(self);
		/* Refused, or the handler died (MIG_SERVER_DIED), or the
		 * port is gone: the next one is asked. */
	}
	task_terminate(task, TASK_STATUS_KILLED, reason);
	return false;
}
