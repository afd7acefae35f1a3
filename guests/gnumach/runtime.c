/* The whole run time of a freestanding GNU Mach program: what MIG's stubs
 * need (mach_msg, a reply port, memory for returned arrays, a string
 * copy, memcpy), printing through mach_print, and exit.  Single-threaded,
 * like the program. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <mach/message.h>
#include <mach/mig_support.h>
#include "mach.h"
#include "mach_port.h"
#include "gnumach-test.h"

static mach_port_t reply_port;

mach_msg_return_t mach_msg(mach_msg_header_t *msg, mach_msg_option_t option,
			   mach_msg_size_t send_size, mach_msg_size_t rcv_size,
			   mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
			   mach_port_name_t notify)
{
	mach_msg_return_t mr;

	do
		mr = mach_msg_trap(msg, option, send_size, rcv_size, rcv_name, timeout,
				   notify);
	while (mr == MACH_SEND_INTERRUPTED && !(option & MACH_SEND_INTERRUPT));
	while (mr == MACH_RCV_INTERRUPTED && !(option & MACH_RCV_INTERRUPT)) {
		option &= ~MACH_SEND_MSG;
		mr = mach_msg_trap(msg, option, 0, rcv_size, rcv_name, timeout, notify);
	}
	return mr;
}

mach_port_t mig_get_reply_port(void)
{
	if (reply_port == MACH_PORT_NULL)
		reply_port = mach_reply_port();
	return reply_port;
}

void mig_put_reply_port(mach_port_t port)
{
	(void)port;
}

void mig_dealloc_reply_port(mach_port_t port)
{
	if (port != reply_port || port == MACH_PORT_NULL)
		return;
	reply_port = MACH_PORT_NULL;
	(void)mach_port_mod_refs(mach_task_self(), port, MACH_PORT_RIGHT_RECEIVE, -1);
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
	vm_size_t i = 0;

	if (len == 0)
		return 0;
	while (i + 1 < len && src[i]) {
		dst[i] = src[i];
		i++;
	}
	dst[i] = 0;
	return i + 1;
}

/* The compiler may call these for structure copies. */
void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

/* Printing: %s, %d, %u, %x (with l), %c, %%; enough for the test's lines. */
struct out {
	char buf[256];
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < sizeof(o->buf))
		o->buf[o->len++] = c;
}

static void put_num(struct out *o, unsigned long v, unsigned base, int negative)
{
	char digits[24];
	int n = 0;

	if (negative)
		put(o, '-');
	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		put(o, digits[--n]);
}

void gm_printf(const char *fmt, ...)
{
	struct out o = { .len = 0 };
	va_list ap;

	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		int is_long = 0;

		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		p++;
		if (*p == 'l') {
			is_long = 1;
			p++;
		}
		switch (*p) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			while (s && *s)
				put(&o, *s++);
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'd': {
			long v = is_long ? va_arg(ap, long) : va_arg(ap, int);
			put_num(&o, v < 0 ? -(unsigned long)v : (unsigned long)v, 10, v < 0);
			break;
		}
		case 'u':
			put_num(&o, is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, 0);
			break;
		case 'x':
			put_num(&o, is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, 0);
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '?');
			break;
		}
	}
	va_end(ap);
	o.buf[o.len] = 0;
	mach_print(o.buf);
}

/* GNU Mach has no exit call: a task ends by terminating itself. */
__attribute__((noreturn)) void gm_exit(int status)
{
	(void)status;
	(void)task_terminate(mach_task_self());
	(void)syscall_task_terminate(mach_task_self());
	for (;;)
		(void)thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 1000);
}
