/* Declarations shared by the GNU Mach test program and its run time:
 * the traps (GNU Mach's headers declare only mach_msg_trap; glibc's
 * <mach_init.h> would declare these on the Hurd), printing and exit. */
#ifndef GNUMACH_TEST_H
#define GNUMACH_TEST_H

#include <mach/kern_return.h>
#include <mach/port.h>
#include <mach/boolean.h>
#include <mach/message.h>
#include <mach/thread_switch.h>

mach_port_t mach_reply_port(void);
mach_port_t mach_thread_self(void);
mach_port_t mach_task_self(void);
mach_port_t mach_host_self(void);
void mach_print(const char *s);
boolean_t swtch_pri(int pri);
boolean_t swtch(void);
kern_return_t thread_switch(mach_port_t thread, int option, mach_msg_timeout_t time);
/* GNU Mach's trap form of task_terminate (-69). */
kern_return_t syscall_task_terminate(mach_port_t task);

/* MIG's stubs copy with memcpy; the compiler may call both. */
void *memcpy(void *dst, const void *src, __SIZE_TYPE__ n);
void *memset(void *dst, int c, __SIZE_TYPE__ n);

void gm_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void gm_exit(int status);

#endif
