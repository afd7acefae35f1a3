/* panic(): the one way the kernel gives up.  Prints the reason and a
 * backtrace, then powers off with the failure status so that a test harness
 * sees the failure at once instead of waiting for a timeout. */
#include <kern/arch.h>
#include <kern/backtrace.h>
#include <kern/console.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include "pv/pv.h"

static bool panicking;

void kernel_poweroff(int status)
{
	arch_irq_disable();
	console_flush();
	pv_shutdown(status);
}

void kernel_reboot(void)
{
	arch_irq_disable();
	console_flush();
	pv_ops.reboot();
}

void panic(const char *fmt, ...)
{
	va_list ap;

	arch_irq_disable();
	if (panicking)              /* a panic while panicking: stop quietly */
		pv_shutdown(1);
	panicking = true;
	kprintf("\nmachv: panic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	backtrace_print(0, 0);
	kernel_poweroff(1);
}
