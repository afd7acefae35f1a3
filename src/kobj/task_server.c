/* mach.defs and gnumach.defs routines on tasks (src/kobj/routines.h).
 * GNU Mach's semantics; the differences are said where they are. */
#include <ipc/kmsg.h>
#include <ipc/port.h>
#include <kern/arch.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/page_alloc.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/timer.h>
#include <kern/vm_region.h>
#include "routines.h"

/* mach/task_special_ports.h */
#define TASK_KERNEL_PORT    1
#define TASK_EXCEPTION_PORT 3
#define TASK_BOOTSTRAP_PORT 4

/* mach/task_info.h flavours and their LP64 layouts. */
#define TASK_BASIC_INFO        1
#define TASK_EVENTS_INFO       2
#define TASK_THREAD_TIMES_INFO 3


struct task_basic_info {
	int32_t suspend_count;
	int32_t base_priority;
	uint64_t virtual_size;
	uint64_t resident_size;
	struct time_value user_time, system_time, creation_time;
	struct time_value64 user_time64, system_time64, creation_time64;
};
_Static_assert(sizeof(struct task_basic_info) == 120, "task_basic_info");
_Static_assert(__builtin_offsetof(struct task_basic_info, virtual_size) == 8, "virtual_size");
_Static_assert(__builtin_offsetof(struct task_basic_info, user_time) == 24, "user_time");
_Static_assert(__builtin_offsetof(struct task_basic_info, user_time64) == 72, "user_time64");
_Static_assert(__builtin_offsetof(struct task_basic_info, creation_time64) == 104, "creation_time64");

struct task_events_info {
	uint64_t faults, zero_fills, reactivations, pageins, cow_faults;
	uint64_t messages_sent, messages_received;
};
_Static_assert(sizeof(struct task_events_info) == 56, "task_events_info");

struct task_thread_times_info {
	struct time_value user_time, system_time;
	struct time_value64 user_time64, system_time64;
};
_Static_assert(sizeof(struct task_thread_times_info) == 64, "task_thread_times_info");

/* --- creation and the end ------------------------------------------------ */

/* inherit_memory: every region of the parent not marked VM_INHERIT_NONE is
 * copied into the child now, page by page (machv has no copy-on-write yet;
 * VM_INHERIT_SHARE regions are copied too, not shared). */
static int copy_memory(struct task *parent, struct task *child)
{
	paddr_t pa = page_alloc(0);
	if (pa == PADDR_NONE)
		return K_ENOMEM;
	void *page = phys_to_virt(pa);
	int rc = K_OK;
	for (struct vm_region *r = vm_region_first(&parent->map); r && rc == K_OK;
	     r = vm_region_next(&parent->map, r)) {
		if (r->inherit == VM_INHERIT_NONE)
			continue;
		vaddr_t start = r->start;
		size_t size = r->end - r->start;
		rc = vm_allocate(&child->map, &start, size, false, r->prot);
		if (rc == K_OK)
			rc = vm_protect(&child->map, start, size, true, r->max_prot);
		if (rc == K_OK)
			rc = vm_inherit(&child->map, start, size, r->inherit);
		for (vaddr_t va = r->start; va < r->end && rc == K_OK; va += PAGE_SIZE) {
			rc = vm_map_read(&parent->map, va, page, PAGE_SIZE);
			if (rc == K_OK)
				rc = vm_map_write(&child->map, va, page, PAGE_SIZE);
		}
	}
	page_free(pa, 0);
	return rc;
}

kern_return_t S_task_create(struct task *parent, int32_t inherit_memory, struct task **child)
{
	if (!parent || parent->exiting)
		return KERN_INVALID_ARGUMENT;
	struct task *task = task_create(parent->name);
	if (!task)
		return KERN_RESOURCE_SHORTAGE;
	/* A shell's every command would otherwise leave a line behind. */
	task->quiet_exit = !cmdline_has("task.verbose");
	if (inherit_memory && copy_memory(parent, task) != K_OK) {
		task_terminate(task, 0, NULL);
		task_deallocate(task);
		return KERN_RESOURCE_SHORTAGE;
	}
	/* The child starts with the parent's bootstrap and exception ports,
	 * as in GNU Mach. */
	irqflags_t f = arch_irq_save();
	if (IPC_PORT_VALID(parent->itk_bootstrap))
		task->itk_bootstrap = ipc_port_copy_send(parent->itk_bootstrap);
	if (IPC_PORT_VALID(parent->itk_exception))
		task->itk_exception = ipc_port_copy_send(parent->itk_exception);
	arch_irq_restore(f);
	/* Nobody waits for it with task_wait(): the caller's reference
	 * becomes the one the reply's port conversion consumes. */
	*child = task;
	return KERN_SUCCESS;
}

/* A task without threads (S_task_create) ends at once; one with threads
 * when they have all left.  On the caller's own task the reply is never
 * seen: the thread ends on its way back to user mode. */
kern_return_t S_task_terminate(struct task *task)
{
	if (!task)
		return KERN_INVALID_ARGUMENT;
	if (task->exiting)
		return KERN_SUCCESS;
	task_terminate(task, 0, NULL);
	return KERN_SUCCESS;
}

static kern_return_t from_k(int rc)
{
	switch (rc) {
	case K_OK: return KERN_SUCCESS;
	case K_EBUSY: return KERN_FAILURE;
	case K_ENOMEM: return KERN_RESOURCE_SHORTAGE;
	default: return KERN_INVALID_ARGUMENT;
	}
}

kern_return_t S_task_suspend(struct task *task)
{
	return task ? from_k(task_suspend(task)) : KERN_INVALID_ARGUMENT;
}

kern_return_t S_task_resume(struct task *task)
{
	return task ? from_k(task_resume(task)) : KERN_INVALID_ARGUMENT;
}

/* --- threads ---------------------------------------------------------------- */

kern_return_t S_task_threads(struct task *task, uintptr_t *thread_list, uint32_t *count)
{
	if (!task)
		return KERN_INVALID_ARGUMENT;
	/* Count, then allocate (may sleep), then fill from a list that may
	 * have changed meanwhile: a thread made in between is left out, one
	 * that ended leaves a slot to trim. */
	irqflags_t f = arch_irq_save();
	uint32_t n = task->nthreads;
	arch_irq_restore(f);
	struct ipc_ool *ool = ipc_ool_alloc((uint64_t)n * 8);
	if (!ool)
		return KERN_RESOURCE_SHORTAGE;
	uint32_t filled = 0;
	f = arch_irq_save();
	list_foreach(it, &task->threads) {
		if (filled == n)
			break;
		struct thread *t = list_entry(it, struct thread, task_link);
		thread_reference(t);
		struct ipc_port *port = convert_thread_to_port(t);
		uint64_t slot = (uint64_t)(uintptr_t)port;
		ipc_ool_write(ool, (uint64_t)filled * 8, &slot, sizeof(slot));
		filled++;
	}
	arch_irq_restore(f);
	if (filled < n) {
		uint64_t zero = 0;
		for (uint32_t i = filled; i < n; i++)
			ipc_ool_write(ool, (uint64_t)i * 8, &zero, sizeof(zero));
	}
	*thread_list = (uintptr_t)ool;
	*count = filled;
	return KERN_SUCCESS;
}

/* --- information ----------------------------------------------------------- */

struct times { uint64_t live_ns, dead_ns; };

static struct times task_times(struct task *task)
{
	struct times tm = { 0, task->dead_threads_ns };
	list_foreach(it, &task->threads)
		tm.live_ns += list_entry(it, struct thread, task_link)->cpu_ns;
	return tm;
}

kern_return_t S_task_info(struct task *task, int32_t flavor, int32_t *info, uint32_t *count)
{
	if (!task)
		return KERN_INVALID_ARGUMENT;
	union {
		struct task_basic_info basic;
		struct task_events_info events;
		struct task_thread_times_info times;
	} u;
	size_t size;
	memset(&u, 0, sizeof(u));
	irqflags_t f = arch_irq_save();
	struct times tm = task_times(task);
	switch (flavor) {
	case TASK_BASIC_INFO: {
		size_t vsize = 0;
		if (!task_gone(task))
			for (struct vm_region *r = vm_region_first(&task->map); r;
			     r = vm_region_next(&task->map, r))
				vsize += r->end - r->start;
		u.basic.suspend_count = (int32_t)task->suspend_count;
		u.basic.base_priority = SCHED_PRIO_USER;
		u.basic.virtual_size = vsize;
		u.basic.resident_size = task_gone(task) ? 0 : task->map.resident_pages * PAGE_SIZE;
		/* machv does not tell user from system time: all of it is
		 * user time.  The deprecated fields hold the same values. */
		time_value_from_ns(&u.basic.user_time, tm.dead_ns);
		time_value64_from_ns(&u.basic.user_time64, tm.dead_ns);
		time_value_from_ns(&u.basic.creation_time, task->created_ns);
		time_value64_from_ns(&u.basic.creation_time64, task->created_ns);
		size = sizeof(u.basic);
		break;
	}
	case TASK_EVENTS_INFO:
		/* Not counted yet: all zero. */
		size = sizeof(u.events);
		break;
	case TASK_THREAD_TIMES_INFO:
		time_value_from_ns(&u.times.user_time, tm.live_ns);
		time_value64_from_ns(&u.times.user_time64, tm.live_ns);
		size = sizeof(u.times);
		break;
	default:
		arch_irq_restore(f);
		return KERN_INVALID_ARGUMENT;
	}
	arch_irq_restore(f);
	uint32_t words = (uint32_t)(size / 4);
	if (*count < words)
		return KERN_INVALID_ARGUMENT;
	memcpy(info, &u, size);
	*count = words;
	return KERN_SUCCESS;
}

/* --- special ports and names ------------------------------------------------ */

static struct ipc_port **special_slot(struct task *task, int32_t which)
{
	switch (which) {
	case TASK_KERNEL_PORT: return &task->itk_sself;
	case TASK_EXCEPTION_PORT: return &task->itk_exception;
	case TASK_BOOTSTRAP_PORT: return &task->itk_bootstrap;
	default: return NULL;
	}
}

kern_return_t S_task_get_special_port(struct task *task, int32_t which, struct ipc_port **port)
{
	if (!task)
		return KERN_INVALID_ARGUMENT;
	struct ipc_port **slot = special_slot(task, which);
	if (!slot)
		return KERN_INVALID_ARGUMENT;
	irqflags_t f = arch_irq_save();
	kern_return_t kr = KERN_SUCCESS;
	if (task_gone(task))
		kr = KERN_FAILURE;
	else
		*port = IPC_PORT_VALID(*slot) ? ipc_port_copy_send(*slot) : *slot;
	arch_irq_restore(f);
	return kr;
}

kern_return_t S_task_set_special_port(struct task *task, int32_t which, struct ipc_port *port)
{
	if (!task)
		return KERN_INVALID_ARGUMENT;
	struct ipc_port **slot = special_slot(task, which);
	if (!slot)
		return KERN_INVALID_ARGUMENT;
	irqflags_t f = arch_irq_save();
	kern_return_t kr = KERN_SUCCESS;
	if (task->exiting || task_gone(task)) {
		kr = KERN_FAILURE;
	} else {
		struct ipc_port *old = *slot;
		*slot = port;
		if (IPC_PORT_VALID(old))
			ipc_port_release_send(old);
	}
	arch_irq_restore(f);
	return kr;
}

kern_return_t S_task_set_name(struct task *task, const char *name)
{
	if (!task)
		return KERN_INVALID_ARGUMENT;
	irqflags_t f = arch_irq_save();
	strlcpy(task->name, name, sizeof(task->name));
	arch_irq_restore(f);
	return KERN_SUCCESS;
}

/* GNU Mach: the priority new threads get, and (change_threads) every
 * thread's now.  machv has no per-task base priority yet: only the
 * threads change. */
kern_return_t S_task_priority(struct task *task, int32_t priority, int32_t change_threads)
{
	if (!task || priority < 0 || priority >= SCHED_PRIO_COUNT)
		return KERN_INVALID_ARGUMENT;
	if (!change_threads)
		return KERN_SUCCESS;
	irqflags_t f = arch_irq_save();
	list_foreach(it, &task->threads)
		sched_set_priority(list_entry(it, struct thread, task_link), (unsigned)priority);
	arch_irq_restore(f);
	return KERN_SUCCESS;
}
