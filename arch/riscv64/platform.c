/* Bringing up the riscv64 platform from the device tree, in dependency
 * order:
 *
 *   the FP unit for user threads (if the hart has D), ASIDs as probed
 *   PLIC (wired interrupts, the boot hart's S-mode context)
 *   supervisor software interrupt (self-interrupts)
 *   the timer interrupt (Sstc or SBI)
 *   the 16550 UART as a console, its input through the PLIC
 *   the test finisher (QEMU's failure exit status)
 *
 * then the devices: virtio-mmio from the device tree.  PCI (the virt
 * machine's ECAM host bridge) and MSIs (AIA's IMSIC) are not driven yet. */
#include <kern/arch.h>
#include <kern/boot_info.h>
#include <kern/errno.h>
#include <kern/printf.h>
#include <kern/rtc.h>
#include <kern/self_irq.h>
#include <machine/csr.h>
#include <machine/trap.h>
#include "virtio/virtio.h"
#include "riscv.h"

/* --- self-interrupts ---------------------------------------------------
 * The supervisor software interrupt, raised on this hart by setting
 * sip.SSIP (writable from S-mode; an SBI IPI to oneself ends in the same
 * bit), serves every self_interrupt() request (kern/self_irq.h). */

static bool self_ready;

static void software_interrupt(void)
{
	csr_clear(sip, SIP_SSIP);
	self_interrupt_drain();
}

void self_interrupt_init(void)
{
	riscv_set_intr_handler(IRQ_S_SOFT, software_interrupt);
	csr_clear(sip, SIP_SSIP);
	csr_set(sie, SIE_SSIE);
	self_ready = true;
}

int arch_raise_self_interrupt(void)
{
	if (!self_ready)
		return K_ENODEV;
	csr_set(sip, SIP_SSIP);
	return K_OK;
}

/* --- what this platform does not have (yet) ----------------------------- */

int arch_msi_alloc(irq_handler_t handler, void *arg, uint64_t *addr, uint32_t *data)
{
	return K_ENODEV;   /* MSIs need AIA (IMSIC): a later issue */
}

uint32_t arch_pci_cfg_read(unsigned bus, unsigned dev, unsigned fn, unsigned off, unsigned width)
{
	return ~0u;        /* no PCI driven: every function reads as absent */
}

void arch_pci_cfg_write(unsigned bus, unsigned dev, unsigned fn, unsigned off, unsigned width,
			uint32_t val)
{
}

/* --- bring-up ------------------------------------------------------------ */

extern char _text[], _kernel_end[];

void arch_init_platform(void)
{
	const void *dtb = phys_to_virt(boot_info.dtb);
	kprintf("riscv: boot hart %lu, %s paging, image at %#llx (%lu KiB)%s\n",
		riscv_boot_hart, hart_mmu_name(), (unsigned long long)virt_to_phys(_text),
		(unsigned long)(_kernel_end - _text) / 1024,
		hart_has_ext("svpbmt") ? ", Svpbmt" : "");
	riscv_fpu_init();
	/* User programs may read the time CSR (rdtime), as the kernel does:
	 * the clock of their benchmarks. */
	csr_write(scounteren, SCOUNTEREN_TM);
	kprintf("riscv: %u-bit ASIDs (%lu in use), %s\n", riscv_asid_bits(), riscv_asid_count(),
		riscv_fpu_present() ? "FP unit (D) for user threads" : "no FP unit for user threads");
	plic_init(dtb);
	self_interrupt_init();
	riscv_timer_init();
	uart_init(dtb);
	finisher_init(dtb);
}

void arch_probe_devices(void)
{
	virtio_mmio_probe_dt(phys_to_virt(boot_info.dtb));
	rtc_probe_dt(phys_to_virt(boot_info.dtb));
}
