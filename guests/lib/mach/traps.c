/* The GNU Mach traps as ordinary functions (what glibc's syscall stubs are
 * on the Hurd), built on the inline trap instructions of <machv/trap-base.h>
 * so one file serves all three architectures. */
#include <machv/trap-base.h>
#include <mach_init.h>

mach_msg_return_t mach_msg_trap(mach_msg_header_t *msg, mach_msg_option_t option,
				mach_msg_size_t send_size, mach_msg_size_t rcv_size,
				mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
				mach_port_name_t notify)
{
	return (mach_msg_return_t)machv_trap7(SYS_MACH_MSG, (long)msg, option,
					      send_size, rcv_size, rcv_name,
					      timeout, notify);
}

mach_port_t mach_reply_port(void)
{
	return (mach_port_t)machv_trap0(SYS_MACH_REPLY_PORT);
}

mach_port_t mach_thread_self(void)
{
	return (mach_port_t)machv_trap0(SYS_MACH_THREAD_SELF);
}

mach_port_t mach_task_self(void)
{
	return (mach_port_t)machv_trap0(SYS_MACH_TASK_SELF);
}

mach_port_t mach_host_self(void)
{
	return (mach_port_t)machv_trap0(SYS_MACH_HOST_SELF);
}

kern_return_t mach_print(const char *s)
{
	return (kern_return_t)machv_trap1(SYS_MACH_PRINT, (long)s);
}

boolean_t swtch_pri(int pri)
{
	return machv_trap1(SYS_SWTCH_PRI, pri) != 0;
}

boolean_t swtch(void)
{
	return machv_trap0(SYS_SWTCH) != 0;
}

kern_return_t thread_switch(mach_port_t thread, int option,
			    mach_msg_timeout_t time_ms)
{
	return (kern_return_t)machv_trap3(SYS_THREAD_SWITCH, thread, option, time_ms);
}
