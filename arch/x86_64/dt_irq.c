/* x86 machines describe their interrupts with ACPI and MP tables, never a
 * device tree: the arch interface's device-tree decoder has nothing to do. */
#include <kern/arch.h>
#include <kern/errno.h>

int arch_dt_irq_decode(const void *dtb, int controller, const uint32_t *cells,
		       int ncells, unsigned *line, unsigned *flags)
{
	return K_ENODEV;
}
