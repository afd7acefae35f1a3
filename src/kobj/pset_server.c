/* mach_host.defs: the processor set.  machv has one CPU and one set, the
 * default one, with GNU Mach's two ports: its name port, which anyone
 * with the host port gets (host_processor_sets, processor_set_default)
 * and which answers processor_set_info, and its control port, which only
 * host-priv gives (host_processor_set_priv) and which lists every task
 * (processor_set_tasks: how ps finds the tasks) and every thread
 * (processor_set_threads). */
#include <ipc/mach_msg.h>
#include <ipc/port.h>
#include <kern/arch.h>
#include <kern/string.h>
#include "routines.h"

#define PROCESSOR_SET_BASIC_INFO 1
#define PROCESSOR_SET_SCHED_INFO 2
#define POLICY_TIMESHARE         1
#define LOAD_SCALE               1000

struct processor_set { int unused; };
static struct processor_set default_pset;
static struct ipc_port *pset_port, *pset_name_port;

/* The set's two ports, made on first use (NULL if out of memory). */
static struct ipc_port *pset_port_of(enum ipc_kobject_type kotype)
{
	struct ipc_port **slot = kotype == IKOT_PSET ? &pset_port : &pset_name_port;
	if (*slot == NULL) {
		struct ipc_port *port = ipc_port_alloc();
		if (port == NULL)
			return NULL;
		ipc_port_set_kobject(port, kotype, &default_pset);
		irqflags_t f = arch_irq_save();
		if (*slot == NULL) {
			*slot = port;
			port = NULL;
		}
		arch_irq_restore(f);
		if (port) {   /* made twice: keep the first */
			ipc_port_destroy(port);
			ipc_port_release(port);
		}
	}
	return *slot;
}

static bool port_is_pset(const struct ipc_port *port, bool name_ok)
{
	return IPC_PORT_VALID(port) && port->active &&
	       (port->kotype == IKOT_PSET || (name_ok && port->kotype == IKOT_PSET_NAME));
}

struct processor_set *convert_port_to_pset(struct ipc_port *port)
{
	return port_is_pset(port, false) ? &default_pset : NULL;
}

struct processor_set *convert_port_to_pset_name(struct ipc_port *port)
{
	return port_is_pset(port, true) ? &default_pset : NULL;
}

/* A new naked send right to port, or NULL. */
static struct ipc_port *send_right(struct ipc_port *port)
{
	if (port == NULL)
		return NULL;
	irqflags_t f = arch_irq_save();
	struct ipc_port *right = port->active ? ipc_port_make_send(port) : NULL;
	arch_irq_restore(f);
	return right;
}

struct ipc_port *convert_pset_to_port(struct processor_set *pset)
{
	return pset ? send_right(pset_port_of(IKOT_PSET)) : NULL;
}

struct ipc_port *convert_pset_name_to_port(struct processor_set *pset)
{
	return pset ? send_right(pset_port_of(IKOT_PSET_NAME)) : NULL;
}

void pset_deallocate(struct processor_set *pset)
{
	/* The one set is static: nothing is counted. */
}

kern_return_t S_processor_set_default(struct host *host, struct processor_set **set)
{
	if (host == NULL)
		return KERN_INVALID_HOST;
	*set = &default_pset;
	return KERN_SUCCESS;
}

kern_return_t S_host_processor_sets(struct host *host, uintptr_t *sets, uint32_t *count)
{
	if (host == NULL)
		return KERN_INVALID_HOST;
	struct ipc_ool *ool = ipc_ool_alloc(8);
	struct ipc_port *name = convert_pset_name_to_port(&default_pset);
	if (ool == NULL || name == NULL) {
		ipc_ool_free(ool);
		if (name)
			ipc_port_release_send(name);
		return KERN_RESOURCE_SHORTAGE;
	}
	uint64_t slot = (uint64_t)(uintptr_t)name;
	ipc_ool_write(ool, 0, &slot, sizeof(slot));
	*sets = (uintptr_t)ool;
	*count = 1;
	return KERN_SUCCESS;
}

kern_return_t S_host_processor_set_priv(struct host *host, struct processor_set *set_name,
					struct processor_set **set)
{
	if (host == NULL || !host->priv)
		return KERN_INVALID_HOST;
	if (set_name == NULL)
		return KERN_INVALID_ARGUMENT;
	*set = set_name;
	return KERN_SUCCESS;
}

/* --- the tasks of the set ------------------------------------------------ */

struct task_list {
	struct ipc_ool *ool;
	uint32_t max, n;
};

static void count_task(struct task *task, void *arg)
{
	struct task_list *l = arg;
	if (task->itk_self && task->itk_self->active)
		l->n++;
}

/* Interrupts are disabled: a send right is made, nothing can block. */
static void collect_task(struct task *task, void *arg)
{
	struct task_list *l = arg;
	if (!task->itk_self || !task->itk_self->active || l->n == l->max)
		return;
	uint64_t slot = (uint64_t)(uintptr_t)ipc_port_make_send(task->itk_self);
	ipc_ool_write(l->ool, (uint64_t)l->n * 8, &slot, sizeof(slot));
	l->n++;
}

kern_return_t S_processor_set_tasks(struct processor_set *pset, uintptr_t *task_list,
				    uint32_t *count)
{
	if (pset == NULL)
		return KERN_INVALID_ARGUMENT;
	/* Sized first, filled after: tasks made in between are left out,
	 * and a slot left over stays NULL (MACH_PORT_NULL for the caller). */
	struct task_list l = { NULL, 0, 0 };
	task_foreach(count_task, &l);
	l.max = l.n + 4;
	l.n = 0;
	l.ool = ipc_ool_alloc((uint64_t)l.max * 8);
	if (l.ool == NULL)
		return KERN_RESOURCE_SHORTAGE;
	task_foreach(collect_task, &l);
	*task_list = (uintptr_t)l.ool;
	*count = l.n;
	return KERN_SUCCESS;
}

kern_return_t S_processor_set_info(struct processor_set *set_name, int32_t flavor,
				   struct host **host, int32_t *info, uint32_t *count)
{
	if (set_name == NULL)
		return KERN_INVALID_ARGUMENT;
	int32_t data[5];
	uint32_t words;
	if (flavor == PROCESSOR_SET_BASIC_INFO) {
		struct task_stats ts;
		struct thread_stats th;
		task_stats(&ts);
		thread_stats(&th);
		data[0] = 1;                      /* processor_count */
		data[1] = (int32_t)ts.alive;      /* task_count */
		data[2] = (int32_t)th.alive;      /* thread_count: kernel threads too */
		data[3] = 0;                      /* load_average: not kept */
		data[4] = LOAD_SCALE;             /* mach_factor: one idle CPU */
		words = 5;
	} else if (flavor == PROCESSOR_SET_SCHED_INFO) {
		data[0] = POLICY_TIMESHARE;       /* policies */
		data[1] = 0;                      /* max_priority: any */
		words = 2;
	} else {
		return KERN_INVALID_ARGUMENT;
	}
	if (*count < words)
		return KERN_FAILURE;
	memcpy(info, data, words * 4);
	*count = words;
	*host = kobj_host(false);
	return KERN_SUCCESS;
}
