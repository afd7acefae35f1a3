/* The Mach traps and the message call as functions, with GNU Mach's names
 * and types, for programs built on GNU Mach's headers and MIG's user stubs
 * (guests/lib/mach).  On the Hurd glibc's <mach_init.h> and <mach.h> play
 * this part.  The MIG interfaces themselves come from the generated
 * headers: "mach.h" (mach.defs), "mach_port.h", "mach_host.h",
 * "gnumach.h", "device.h", "exc.h".
 *
 * Raw-ABI programs use <machv/trap.h> instead; the two cannot meet in one
 * file (its inline mach_task_self() would clash with the declaration
 * here). */
#ifndef MACHV_MACH_INIT_H
#define MACHV_MACH_INIT_H

#include <mach/kern_return.h>
#include <mach/port.h>
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <mach/mig_support.h>
#include <mach/machine/vm_types.h>

/* GNU Mach traps (mach_msg and mach_msg_trap are declared by
 * <mach/message.h>). */
mach_port_t mach_reply_port(void);
mach_port_t mach_thread_self(void);
mach_port_t mach_task_self(void);
mach_port_t mach_host_self(void);
/* machv returns why a string could not be printed; GNU Mach returns
 * nothing. */
kern_return_t mach_print(const char *s);
boolean_t swtch_pri(int pri);
boolean_t swtch(void);
kern_return_t thread_switch(mach_port_t thread, int option,
			    mach_msg_timeout_t time_ms);

/* Start a thread made by thread_create() (suspended, no state) at
 * fn(arg) on the given stack, then thread_resume() it.  fn must not
 * return.  (<machv/thread-state.h> has the register layouts.) */
kern_return_t mach_thread_start(mach_port_t thread, void (*fn)(long), long arg,
				void *stack, vm_size_t size);

/* The size of a page, for vm_allocate arithmetic. */
#define MACHV_PAGE_SIZE 4096UL

#endif
