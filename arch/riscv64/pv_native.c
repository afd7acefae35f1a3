/* Native riscv64 implementations of the pv hooks: the SBI debug console
 * (or legacy putchar) as the early console, sfence.vma for TLB
 * maintenance, wfi for idle, the time CSR and Sstc/SBI timer (timer.c),
 * and power-off through SBI SRST.
 *
 * Power-off and QEMU's exit status: OpenSBI carries out SRST shutdown by
 * writing "pass" to the virt machine's test finisher (syscon-poweroff /
 * sifive,test0), whatever the reason given, so QEMU exits 0 either way.
 * For a failure the kernel therefore first writes "fail, code = status" to
 * the finisher itself when the device tree has one (QEMU then exits with
 * that code: 1 for a failed boot), and only then asks SBI with reason
 * SYSTEM_FAILURE, then the legacy shutdown call. */
#include <kern/arch.h>
#include <kern/timer.h>
#include <kern/dt.h>
#include <kern/printf.h>
#include <machine/csr.h>
#include "hv/sbi/sbi.h"
#include "pv/pv.h"
#include "riscv.h"

/* Beyond this many pages one full flush is cheaper than one each. */
#define TLB_FLUSH_PAGES_MAX 32

/* QEMU hw/misc/sifive_test.c */
#define FINISHER_FAIL  0x3333
#define FINISHER_PASS  0x5555
#define FINISHER_RESET 0x7777

static volatile uint32_t *finisher;

void finisher_init(const void *dtb)
{
	int n = dt_find_compatible(dtb, -1, "sifive,test0");
	paddr_t base;
	uint64_t size;
	if (n < 0 || !dt_node_enabled(dtb, n) || dt_reg(dtb, n, 0, &base, &size) < 0)
		return;
	finisher = ioremap(base, 4);
}

static void native_tlb_flush_all(void)
{
	sfence_vma_all();
}

static void native_tlb_flush_range(vaddr_t va, size_t len)
{
	if (len > TLB_FLUSH_PAGES_MAX * PAGE_SIZE) {
		sfence_vma_all();
		return;
	}
	for (vaddr_t p = ALIGN_DOWN(va, PAGE_SIZE); p < va + len; p += PAGE_SIZE)
		sfence_vma_page(p);
}

/* wfi wakes for any interrupt enabled in sie even with sstatus.SIE clear,
 * so one that arrives between the caller's check and the wfi is not
 * slept through: it ends the wfi, and is taken once SIE is set. */
static void native_halt(void)
{
	csr_clear(sstatus, SSTATUS_SIE);
	wfi();
	csr_set(sstatus, SSTATUS_SIE);
}

static __noreturn void native_shutdown(int status)
{
	arch_irq_disable();
	if (status && finisher) {
		mmio_write32(finisher, (uint32_t)(status & 0xffff) << 16 | FINISHER_FAIL);
		/* QEMU only queues the shutdown the write asks for, and the
		 * SBI call below ends in OpenSBI writing PASS to the same device:
		 * give QEMU a second to act on ours before falling back. */
		delay_ns(NSEC_PER_SEC);
	}
	sbi_system_reset(SBI_SRST_SHUTDOWN, status ? SBI_SRST_SYSTEM_FAILURE : SBI_SRST_NO_REASON);
	for (;;)
		wfi();
}

static __noreturn void native_reboot(void)
{
	arch_irq_disable();
	sbi_system_reset(SBI_SRST_COLD_REBOOT, SBI_SRST_NO_REASON);
	if (finisher)
		mmio_write32(finisher, FINISHER_RESET);
	for (;;)
		wfi();
}

static void sbi_early_putc(char c)
{
	sbi_console_putc(c);
}

void arch_pv_native(struct pv_ops *ops)
{
	ops->console_name = sbi_has(SBI_DBCN) ? "sbi-dbcn" : "sbi-legacy";
	ops->early_putc = sbi_early_putc;
	ops->tlb_flush_range = native_tlb_flush_range;
	ops->tlb_flush_all = native_tlb_flush_all;
	ops->halt = native_halt;
	ops->shutdown = native_shutdown;
	ops->reboot = native_reboot;
	riscv_time_ops(ops);
}
