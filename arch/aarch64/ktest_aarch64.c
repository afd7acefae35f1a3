/* In-kernel self-tests of aarch64-only paths: brk and undefined-instruction
 * recovery, the descriptor format, W^X as the MMU enforces it, the device
 * tree's GIC specifiers, interrupt routing arguments, the generic timer
 * interrupt itself, and SMCCC/PSCI answers. */
#include <kern/arch.h>
#include <kern/dt.h>
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/ptable.h>
#include <kern/string.h>
#include <kern/timer.h>
#include <machine/cpu.h>
#include <machine/pte.h>
#include <machine/smccc.h>
#include <machine/trap.h>
#include "hv/smccc/smccc_hv.h"
#include "platform.h"

extern char _text[], _etext[], _rodata[], _erodata[], _data[];

KTEST(aarch64_breakpoint)
{
	unsigned long before = aarch64_breakpoint_count();
	volatile int reached = 0;
	__asm__ volatile("brk #0x4d" ::: "memory");
	reached = 1;
	__asm__ volatile("brk #0x4d" ::: "memory");
	KT_EXPECT(reached == 1);                  /* execution went on */
	KT_EXPECT(aarch64_breakpoint_count() == before + 2);
}

/* An undefined instruction with an exception-table entry resumes at its
 * fixup (the route semihosting and a refused SMCCC conduit take). */
KTEST(aarch64_undefined_recovered)
{
	int ok = 1;
	__asm__ volatile("1: udf #0\n"
			 "   b 3f\n"
			 "2: mov %w0, #0\n"
			 "3:\n" EXTABLE_ENTRY(1b, 2b)
			 : "+r"(ok) :: "memory");
	KT_EXPECT(ok == 0);
}

/* A store that may fault: false if it did. */
static bool probe_write64(void *addr, uint64_t v)
{
	int ok = 1;
	__asm__ volatile("1: str %2, [%1]\n"
			 "   b 3f\n"
			 "2: mov %w0, #0\n"
			 "3:\n" EXTABLE_ENTRY(1b, 2b)
			 : "+r"(ok) : "r"(addr), "r"(v) : "memory");
	return ok;
}

KTEST(aarch64_pte_format)
{
	for (unsigned prot = 0; prot < 0x40; prot++) {
		unsigned want = prot | PROT_R;       /* no write- or exec-only pages */
		pte_t e = pte_leaf(0x12345000, want);
		KT_EXPECT(pte_valid(e) && pte_pa(e) == 0x12345000);
		KT_EXPECT(pte_prot(e) == want);
		KT_EXPECT(e & PTE_AF);
		/* W^X at both levels: executable means PXN or UXN clear, and the
		 * kernel never executes a user page. */
		if (!(want & PROT_X))
			KT_EXPECT((e & PTE_PXN) && (e & PTE_UXN));
		if (want & PROT_USER)
			KT_EXPECT(e & PTE_PXN);
	}
	KT_EXPECT(pte_is_leaf(pte_leaf(0, PROT_R), 0));
	KT_EXPECT(!pte_is_leaf(pte_table(0x1000), 1));
	KT_EXPECT(pte_is_leaf(0x40000000ULL | PTE_VALID, 2));     /* a 1 GiB block */
	KT_EXPECT(!pte_valid(0));
}

/* What the kernel's tree says about its own image, and what the MMU does. */
KTEST(aarch64_wx_enforced)
{
	struct ptable *kpt = kernel_ptable();
	unsigned prot;
	KT_ASSERT(ptable_translate(kpt, (vaddr_t)_text, NULL, &prot));
	KT_EXPECT((prot & PROT_X) && !(prot & PROT_W));
	KT_ASSERT(ptable_translate(kpt, (vaddr_t)_rodata, NULL, &prot));
	KT_EXPECT(!(prot & PROT_X) && !(prot & PROT_W));
	KT_ASSERT(ptable_translate(kpt, (vaddr_t)_data, NULL, &prot));
	KT_EXPECT(!(prot & PROT_X) && (prot & PROT_W));
	/* Stores to text and rodata fault (and are recovered). */
	uint64_t word;
	KT_ASSERT(arch_probe_read64(_rodata, &word));
	KT_EXPECT(!probe_write64(_rodata, word));
	KT_ASSERT(arch_probe_read64(_text, &word));
	KT_EXPECT(!probe_write64(_text, word));
	static uint64_t scratch;
	KT_EXPECT(probe_write64(&scratch, 0x5a) && scratch == 0x5a);
}

KTEST(aarch64_dt_gic_specifiers)
{
	const void *dtb = boot_dtb();
	int gic = -1;
	for (int n = dt_root(dtb); n >= 0 && gic < 0; n = dt_next_node(dtb, n, NULL))
		if (gic_node_version(dtb, n))
			gic = n;
	KT_ASSERT(gic >= 0);
	unsigned line = 0, flags = 99;
	const uint32_t spi_edge[3] = { 0, 16, 1 }, ppi_level[3] = { 1, 11, 4 };
	const uint32_t ppi_v2[3] = { 1, 14, 0xf04 }, spi_low[3] = { 0, 3, 8 };
	KT_EXPECT(arch_dt_irq_decode(dtb, gic, spi_edge, 3, &line, &flags) == K_OK);
	KT_EXPECT(line == 48 && flags == IRQ_EDGE);
	KT_EXPECT(arch_dt_irq_decode(dtb, gic, ppi_level, 3, &line, &flags) == K_OK);
	KT_EXPECT(line == 27 && flags == IRQ_LEVEL);
	KT_EXPECT(arch_dt_irq_decode(dtb, gic, ppi_v2, 3, &line, &flags) == K_OK);
	KT_EXPECT(line == 30 && flags == IRQ_LEVEL);
	KT_EXPECT(arch_dt_irq_decode(dtb, gic, spi_low, 3, &line, &flags) == K_OK);
	KT_EXPECT(line == 35 && flags == (IRQ_LEVEL | IRQ_ACTIVE_LOW));
	const uint32_t bad_type[3] = { 2, 0, 4 }, bad_ppi[3] = { 1, 16, 4 }, bad_trig[3] = { 0, 1, 3 };
	KT_EXPECT(arch_dt_irq_decode(dtb, gic, bad_type, 3, &line, &flags) == K_EINVAL);
	KT_EXPECT(arch_dt_irq_decode(dtb, gic, bad_ppi, 3, &line, &flags) == K_EINVAL);
	KT_EXPECT(arch_dt_irq_decode(dtb, gic, bad_trig, 3, &line, &flags) == K_EINVAL);
	KT_EXPECT(arch_dt_irq_decode(dtb, gic, spi_edge, 2, &line, &flags) == K_EINVAL);
	KT_EXPECT(arch_dt_irq_decode(dtb, dt_root(dtb), spi_edge, 3, &line, &flags) == K_ENODEV);
}

static void never_called(void *arg) { (void)arg; }

KTEST(aarch64_irq_attach_rejects)
{
	KT_EXPECT(arch_irq_attach(1, IRQ_EDGE, never_called, NULL) == K_EINVAL);    /* an SGI */
	KT_EXPECT(arch_irq_attach(4000, IRQ_EDGE, never_called, NULL) == K_EINVAL);
	KT_EXPECT(arch_irq_attach(40, 0x80, never_called, NULL) == K_EINVAL);
	KT_EXPECT(arch_irq_attach(40, IRQ_LEVEL | IRQ_ACTIVE_LOW, never_called, NULL) == K_EINVAL);
	KT_EXPECT(arch_irq_attach(40, IRQ_EDGE, NULL, NULL) == K_EINVAL);
	KT_EXPECT(arch_irq_attach(27, IRQ_LEVEL, never_called, NULL) == K_EBUSY);   /* the timer */
	uint64_t addr;
	uint32_t data;
	KT_EXPECT(arch_msi_alloc(never_called, NULL, &addr, &data) == K_ENODEV);
	KT_EXPECT(arch_msi_alloc(NULL, NULL, &addr, &data) == K_EINVAL);
}

/* The virtual timer's condition, seen directly: armed in the past it
 * asserts ISTATUS at once; cancelled it does not. */
KTEST(aarch64_virtual_timer_status)
{
	irqflags_t f = arch_irq_save();
	uint64_t now = read_sysreg(cntvct_el0);
	write_sysreg(cntv_cval_el0, now - 1);
	write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE | CNT_CTL_IMASK);
	isb();
	KT_EXPECT(read_sysreg(cntv_ctl_el0) & CNT_CTL_ISTATUS);
	write_sysreg(cntv_cval_el0, now + generic_timer_hz() * 10);
	isb();
	KT_EXPECT(!(read_sysreg(cntv_ctl_el0) & CNT_CTL_ISTATUS));
	write_sysreg(cntv_ctl_el0, 0);
	isb();
	arch_irq_restore(f);
	/* One second of counter is one second of clock. */
	uint64_t c0 = read_sysreg(cntvct_el0), t0 = clock_ns();
	while (read_sysreg(cntvct_el0) - c0 < generic_timer_hz() / 100)
		arch_cpu_relax();
	uint64_t dt = clock_ns() - t0;
	KT_EXPECT(dt >= 9 * NSEC_PER_MSEC && dt <= 15 * NSEC_PER_MSEC);
}

KTEST(aarch64_smccc)
{
	char text[37];
	const uint32_t kvm[4] = { 0xb66fb428, 0xe911c52e, 0x564bcaa9, 0x743a004d };
	smccc_uid_format(kvm, text);
	KT_EXPECT(strcmp(text, "28b46fb6-2ec5-11e9-a9ca-4b564d003a74") == 0);
	/* Without a conduit nothing is issued: every call reads as refused. */
	enum smccc_conduit saved = smccc_conduit();
	smccc_set_conduit(SMCCC_CONDUIT_NONE);
	struct smccc_res none = smccc_call(PSCI_VERSION_FID, 0, 0, 0);
	smccc_set_conduit(saved);
	KT_EXPECT(smccc_ret32(none) == SMCCC_RET_NOT_SUPPORTED);
	if (smccc_conduit() == SMCCC_CONDUIT_NONE) {
		ktest_note("skipped the calls: no SMCCC conduit in the device tree");
		return;
	}
	KT_EXPECT(psci_version() >= 0x2);          /* 0.2 or later: the DT says so */
	KT_EXPECT(smccc_probe()->version >= 0x10000);
	/* A function nobody implements (SiP range, last id) is refused
	 * cleanly, whoever answers. */
	KT_EXPECT(smccc_ret32(smccc_call(0x8200fffe, 0, 0, 0)) == SMCCC_RET_NOT_SUPPORTED);
	ktest_note("PSCI %u.%u, SMCCC %u.%u", psci_version() >> 16, psci_version() & 0xffff,
		   smccc_probe()->version >> 16, smccc_probe()->version & 0xffff);
}
