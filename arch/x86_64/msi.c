/* Message-signalled interrupts: a device writes data to address and the
 * write lands in this CPU's local APIC as an edge-triggered, fixed-delivery
 * interrupt on the vector held in data (SDM vol. 3, 11.11). */
#include <kern/arch.h>
#include <kern/errno.h>
#include <machine/trap.h>
#include "platform.h"

#define MSI_ADDRESS_BASE 0xfee00000u
#define MSI_DEST_SHIFT 12

struct msi_slot {
	irq_handler_t fn;
	void *arg;
};

static struct msi_slot slots[64];
static unsigned nslots;

static void msi_dispatch(struct trap_frame *tf, void *arg)
{
	struct msi_slot *s = arg;
	s->fn(s->arg);
}

int arch_msi_alloc(irq_handler_t handler, void *arg, uint64_t *addr, uint32_t *data)
{
	if (!handler || !addr || !data)
		return K_EINVAL;
	/* The address holds an 8-bit destination APIC id. */
	if (lapic_id() > 0xff)
		return K_ENODEV;
	irqflags_t f = arch_irq_save();
	if (nslots == ARRAY_SIZE(slots)) {
		arch_irq_restore(f);
		return K_ENOSPC;
	}
	struct msi_slot *s = &slots[nslots];
	*s = (struct msi_slot){ handler, arg };
	int vec = vector_alloc(msi_dispatch, s);
	if (vec < 0) {
		arch_irq_restore(f);
		return K_ENOSPC;
	}
	nslots++;
	arch_irq_restore(f);
	*addr = MSI_ADDRESS_BASE | (lapic_id() << MSI_DEST_SHIFT);
	*data = (uint32_t)vec;     /* edge, fixed delivery, assert: all zero bits */
	return K_OK;
}
