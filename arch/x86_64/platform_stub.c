/* TEMPORARY bring-up stubs; replaced by the platform code. */
#include <kern/arch.h>
#include <kern/errno.h>
#include <machine/cpu.h>
#include "pv/pv.h"
#include "hv/hv.h"
#include "platform.h"

static uint64_t tsc_ns(void) { return rdtsc() / 3; }
static void no_timer(uint64_t d) {}
static void no_cancel(void) {}
void native_time_ops(struct pv_ops *ops)
{
	ops->clock_name = "tsc"; ops->clock_ns = tsc_ns;
	ops->timer_name = "none"; ops->timer_arm = no_timer; ops->timer_cancel = no_cancel;
}
void acpi_poweroff(void) {}
void acpi_reset(void) {}
void hv_init(struct pv_ops *ops) {}
const char *hv_name(void) { return "none"; }
void arch_init_platform(void) {}
int arch_irq_attach(unsigned line, unsigned flags, irq_handler_t h, void *a) { return K_ENODEV; }
int arch_msi_alloc(irq_handler_t h, void *a, uint64_t *addr, uint32_t *data) { return K_ENODEV; }
int arch_self_interrupt(irq_handler_t h, void *a) { return K_ENODEV; }
void arch_probe_devices(void) {}
uint32_t arch_pci_cfg_read(unsigned b, unsigned d, unsigned f, unsigned o, unsigned w) { return ~0u; }
void arch_pci_cfg_write(unsigned b, unsigned d, unsigned f, unsigned o, unsigned w, uint32_t v) {}
