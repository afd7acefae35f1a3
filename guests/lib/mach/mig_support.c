/* What MIG's user stubs need from their run time: a reply port per
 * thread, memory for the arrays they return, and a bounded string copy.
 *
 * A thread's reply port lives in its slot of a small table; the slot is
 * found from the stack pointer (thread_self_slot(), guests/lib/thread.c),
 * since machv's user threads have no thread pointer set up. */
#include <machv/libc.h>
#include <mach_init.h>
#include "mach.h"
#include "mach_port.h"

static mach_port_t reply_ports[THREAD_SLOTS];
/* Set while mig_dealloc_reply_port() talks to the kernel, so that a failing
 * call from inside it cannot recurse. */
static bool dealloc_busy[THREAD_SLOTS];

mach_port_t mig_get_reply_port(void)
{
	int slot = thread_self_slot();

	if (reply_ports[slot] == MACH_PORT_NULL)
		reply_ports[slot] = mach_reply_port();
	return reply_ports[slot];
}

void mig_put_reply_port(mach_port_t port)
{
	/* The port stays cached in its slot: nothing to do. */
	(void)port;
}

void mig_dealloc_reply_port(mach_port_t port)
{
	int slot = thread_self_slot();

	if (reply_ports[slot] != port || port == MACH_PORT_NULL)
		return;
	/* Forget it first: the call below needs a reply port of its own. */
	reply_ports[slot] = MACH_PORT_NULL;
	if (dealloc_busy[slot])
		return;
	dealloc_busy[slot] = true;
	(void)mach_port_mod_refs(mach_task_self(), port,
				 MACH_PORT_RIGHT_RECEIVE, -1);
	dealloc_busy[slot] = false;
}

void mig_allocate(vm_offset_t *addr, vm_size_t size)
{
	if (vm_allocate(mach_task_self(), addr, size, TRUE) != KERN_SUCCESS)
		*addr = 0;
}

void mig_deallocate(vm_offset_t addr, vm_size_t size)
{
	(void)vm_deallocate(mach_task_self(), addr, size);
}

vm_size_t mig_strncpy(char *dst, const char *src, vm_size_t len)
{
	vm_size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i + 1 < len && src[i] != '\0'; i++)
		dst[i] = src[i];
	dst[i] = '\0';
	return i + 1;
}
