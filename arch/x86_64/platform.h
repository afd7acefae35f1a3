/* The x86_64 platform: ACPI, interrupt controllers, timers, buses.
 * Everything arch_init_platform() brings up, and the hooks other x86 files
 * use. */
#ifndef X86_PLATFORM_H
#define X86_PLATFORM_H

#include <kern/types.h>

struct pv_ops;

/* Native clock and one-shot timer hooks (TSC, LAPIC or TSC-deadline). */
void native_time_ops(struct pv_ops *ops);

/* ACPI S5 power-off and reset through the FADT; return if unavailable. */
void acpi_poweroff(void);
void acpi_reset(void);

#endif
