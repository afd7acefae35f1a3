/* mach_thread_start(): give a thread made by thread_create() a C function
 * to run, a stack and an argument, and let it go - the state-setting part
 * of what a threads library does on Mach. */
#include <machv/libc.h>
#include <machv/thread-state.h>
#include <mach_init.h>
#include "mach.h"

kern_return_t mach_thread_start(mach_port_t thread, void (*fn)(long), long arg,
				void *stack, vm_size_t size)
{
	struct machv_thread_state st;
	mach_msg_type_number_t count = MACHV_THREAD_STATE_COUNT;
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	kern_return_t kr;

	kr = thread_get_state(thread, MACHV_THREAD_STATE_FLAVOR, (thread_state_t)&st, &count);
	if (kr != KERN_SUCCESS)
		return kr;
	top -= MACHV_STATE_SP_BIAS;   /* where a call would leave its return address */
	MACHV_STATE_PC(&st) = (uintptr_t)fn;
	MACHV_STATE_SP(&st) = top;
	MACHV_STATE_ARG0(&st) = (uint64_t)arg;
	kr = thread_set_state(thread, MACHV_THREAD_STATE_FLAVOR, (thread_state_t)&st,
			      MACHV_THREAD_STATE_COUNT);
	if (kr != KERN_SUCCESS)
		return kr;
	/* Its MIG calls then get a reply port of their own. */
	thread_register_stack(stack, size);
	return thread_resume(thread);
}
