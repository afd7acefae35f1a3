/* Native aarch64 implementations of the pv hooks: the PL011 for the early
 * console, TLBI for TLB maintenance, wfi for idle, the generic timer for
 * time, and PSCI for power.
 *
 * Power-off tries semihosting's SYS_EXIT first: with QEMU's
 * -semihosting-config enable=on,target=native it ends QEMU with the status
 * (1 for success, 3 for failure, as x86's isa-debug-exit gives), so a test
 * harness can tell them apart; PSCI SYSTEM_OFF always exits 0.  Without
 * semihosting the hlt instruction is UNDEFINED and the exception table
 * resumes after it. */
#include <kern/arch.h>
#include <machine/cpu.h>
#include <machine/smccc.h>
#include "pv/pv.h"
#include "platform.h"

/* Beyond this many pages one full flush is cheaper than a TLBI per page. */
#define TLB_FLUSH_PAGES_MAX 32

static void native_tlb_flush_all(void)
{
	dsb_ishst();
	__asm__ volatile("tlbi vmalle1is" ::: "memory");
	dsb_ish();
	isb();
}

static void native_tlb_flush_range(vaddr_t va, size_t len)
{
	if (len > TLB_FLUSH_PAGES_MAX * PAGE_SIZE) {
		native_tlb_flush_all();
		return;
	}
	dsb_ishst();                       /* the table stores before the TLBIs */
	for (vaddr_t p = ALIGN_DOWN(va, PAGE_SIZE); p < va + len; p += PAGE_SIZE) {
		uint64_t arg = (p >> PAGE_SHIFT) & ((1ULL << 44) - 1);
		__asm__ volatile("tlbi vaae1is, %0" :: "r"(arg) : "memory");
	}
	dsb_ish();
	isb();
}

/* wfi wakes on a pending interrupt even while it is masked; unmasking
 * afterwards takes it.  Callers enable interrupts first (as on x86). */
static void native_halt(void)
{
	__asm__ volatile("dsb sy; wfi; msr daifclr, #3" ::: "memory");
}

#define SEMIHOSTING_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

void semihosting_exit(int status)
{
	uint64_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, status ? 3 : 1 };
	register uint64_t x0 __asm__("x0") = SEMIHOSTING_SYS_EXIT;
	register uint64_t x1 __asm__("x1") = (uint64_t)block;
	__asm__ volatile("1: hlt #0xf000\n"
			 "2:\n" EXTABLE_ENTRY(1b, 2b)
			 : "+r"(x0) : "r"(x1) : "memory");
}

static __noreturn void native_shutdown(int status)
{
	arch_irq_disable();
	semihosting_exit(status);
	psci_system_off();
	for (;;)
		__asm__ volatile("wfi");
}

static __noreturn void native_reboot(void)
{
	arch_irq_disable();
	psci_system_reset();
	for (;;)
		__asm__ volatile("wfi");
}

void arch_pv_native(struct pv_ops *ops)
{
	ops->console_name = "pl011";
	ops->early_putc = pl011_putc;
	ops->tlb_flush_range = native_tlb_flush_range;
	ops->tlb_flush_all = native_tlb_flush_all;
	ops->halt = native_halt;
	ops->shutdown = native_shutdown;
	ops->reboot = native_reboot;
	generic_timer_ops(ops);
}
